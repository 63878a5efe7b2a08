import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { loadTopics } from "../src/articles/topics.ts";
import type { ChatKind } from "../src/chats/chat.ts";
import { type ChatStore, createChatStore } from "../src/chats/chat-store.ts";
import { createRedis } from "../src/redis/connection.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "../src/redis/embedded.ts";
import { createKeys } from "../src/redis/keys.ts";
import { type Bench, type BenchResult, chatCount, result, runIfMain } from "./lib.ts";
import { eachKeyMemory } from "./redis-memory.ts";
import { copyChats } from "./seed-chats.ts";

/** chats measured; CHAT_MEMORY_CHATS overrides it (e.g. 10000 for a quicker run) */
const DEFAULT_CHATS = 1_000_000;
/** chats that subscribe through the ChatStore; the rest are copies of them (seed-chats.ts) */
const THROUGH_STORE = 10_000;
const TARGET_BYTES = 300;
const CONCURRENCY = 100;
const NOW = Date.parse("2025-01-15T10:00:00Z");
const TITLES = [
  "Kyiv readers",
  "Evening briefing club",
  "Новини громади",
  "Волонтери Харкова — координація допомоги та новини з фронту",
  "Frontline Digest for our newsroom",
  "Щоденний дайджест для викладачів університету",
  "Lviv IT volunteers",
  "Канал новин нашої бригади підтримки",
];

/**
 * Bytes of Redis memory per subscribed chat, counting every key the chats
 * add, over a million chats (CHAT_MEMORY_CHATS). The first 10,000 subscribe
 * through the ChatStore with varied settings; the others are copies of
 * them under ids of their own kind (seed-chats.ts), so the schedule zset
 * and the key space have their full size.
 */
export const chatMemory: Bench = {
  name: "chat-memory",
  run: () => measureChatMemory(chatCount("CHAT_MEMORY_CHATS", DEFAULT_CHATS)),
};

async function measureChatMemory(count: number): Promise<BenchResult> {
  let embedded: EmbeddedRedis | undefined;
  let dir: string | undefined;
  let url = process.env.REDIS_URL;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), "fd-bench-redis-"));
    embedded = await startEmbeddedRedis({ dataDir: dir });
    url = embedded.url;
  }
  const redis = createRedis(url);
  let prefix: string | undefined;
  try {
    const topicsFile = fileURLToPath(new URL("../content/topics.json", import.meta.url));
    const topics = loadTopics(topicsFile).map((topic) => topic.id);
    prefix = await emptyPrefix(redis);
    const keys = createKeys(prefix);
    const store = createChatStore(redis, keys, {
      defaults: { lang: "en", tz: "Europe/Kyiv" },
      topicIds: new Set(topics),
      clock: () => NOW,
    });
    const random = seeded(20250115);
    const specs = Array.from({ length: Math.min(count, THROUGH_STORE) }, (_, i) =>
      chatSpec(i, topics, random),
    );
    for (let i = 0; i < specs.length; i += CONCURRENCY) {
      await Promise.all(specs.slice(i, i + CONCURRENCY).map((spec) => subscribe(store, spec)));
    }
    const copies = Array.from({ length: count - specs.length }, (_, i) => {
      const n = specs.length + i;
      return chatId((specs[n % specs.length] as ChatSpec).kind, n, random);
    });
    await copyChats(
      redis,
      keys,
      specs.map((spec) => spec.id),
      copies,
    );
    const subscribed = await redis.zcard(keys.schedule());
    if (subscribed !== count)
      throw new Error(`expected ${count} scheduled chats, got ${subscribed}`);

    const usage = await memoryByKind(redis, prefix);
    const total = [...usage.values()].reduce((sum, bytes) => sum + bytes, 0);
    for (const [kind, bytes] of usage) {
      process.stderr.write(`chat-memory: ${kind}: ${(bytes / count).toFixed(1)} bytes/chat\n`);
    }
    process.stderr.write(
      `chat-memory: ${count} chats, ${specs.length} through the ChatStore; Redis used_memory ${await usedMemory(redis)} bytes\n`,
    );
    return result(chatMemory.name, total / count, "bytes/chat", TARGET_BYTES);
  } finally {
    if (prefix) await deleteByPrefix(redis, prefix);
    await redis.quit().catch(() => redis.disconnect());
    await embedded?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

interface ChatSpec {
  id: number;
  kind: ChatKind;
  title?: string;
  threadId?: number;
  settings: Record<string, unknown>;
  cursor?: number;
  managers: number[];
}

function chatSpec(i: number, topics: readonly string[], random: () => number): ChatSpec {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const roll = random();
  const kind: ChatKind =
    roll < 0.8 ? "private" : roll < 0.87 ? "group" : roll < 0.95 ? "supergroup" : "channel";
  const id = chatId(kind, i, random);
  const settings: Record<string, unknown> = {
    lang: random() < 0.6 ? "uk" : "en",
    tz: pick([
      ...Array(14).fill("Europe/Kyiv"),
      "Europe/Berlin",
      "Europe/Berlin",
      "Europe/Warsaw",
      "Europe/London",
      "America/New_York",
      "America/Los_Angeles",
    ]),
  };
  if (random() < 0.6) {
    const slots = ["07:00", "07:30", "08:00", "09:00", "12:00", "13:30", "18:00", "19:30", "21:00"];
    settings.times = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(slots));
  }
  if (random() < 0.4) {
    settings.topics = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(topics));
  }
  if (random() < 0.3) settings.maxItems = 3 + Math.floor(random() * 8);
  if (random() < 0.2) settings.previews = true;
  if (random() < 0.1) settings.flash = false;
  if (random() < 0.25) settings.quiet = pick(["23:00-07:00", "22:00-08:00", "00:00-06:30"]);
  const withTitle = kind !== "private";
  return {
    id,
    kind,
    ...(withTitle ? { title: pick(TITLES) } : {}),
    ...(kind === "supergroup" && random() < 0.3
      ? { threadId: 2 + Math.floor(random() * 500) }
      : {}),
    settings,
    ...(random() < 0.9 ? { cursor: NOW - Math.floor(random() * 86_400_000) } : {}),
    managers:
      kind === "channel"
        ? Array.from({ length: 1 + Math.floor(random() * 2) }, () =>
            Math.floor(100_000_000 + random() * 7_900_000_000),
          )
        : [],
  };
}

/** The `i`th chat's id, shaped as Telegram gives ids to chats of `kind`. */
function chatId(kind: ChatKind, i: number, random: () => number): number {
  if (kind === "private") return 200_000_000 + i * 611_953 + Math.floor(random() * 600_000);
  return kind === "group" ? -(4_000_000_000 + i) : -(1_001_000_000_000 + i);
}

async function subscribe(store: ChatStore, spec: ChatSpec): Promise<void> {
  await store.ensure(spec.id, {
    kind: spec.kind,
    ...(spec.title !== undefined ? { title: spec.title } : {}),
    ...(spec.threadId !== undefined ? { threadId: spec.threadId } : {}),
  });
  const updated = await store.updateSettings(spec.id, spec.settings);
  if (!updated.ok) throw new Error(`chat ${spec.id}: ${updated.errors[0]?.message}`);
  await store.setStatus(spec.id, "active");
  if (spec.cursor !== undefined) await store.setCursor(spec.id, spec.cursor, NOW);
  for (const user of spec.managers) await store.addManager(spec.id, user);
}

/** The server's used_memory (INFO memory), everything on it counted. */
async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** MEMORY USAGE (every element counted) of each key under the prefix, summed by key kind. */
async function memoryByKind(redis: Redis, prefix: string): Promise<Map<string, number>> {
  const usage = new Map<string, number>();
  await eachKeyMemory(redis, prefix, (key, bytes) => {
    const kind = key.slice(prefix.length).split(":")[0] ?? "?";
    usage.set(kind, (usage.get(kind) ?? 0) + bytes);
  });
  return usage;
}

/**
 * A prefix as long as the default "fd:" that holds no key yet, so key names
 * weigh what they weigh in production and nothing else is counted or deleted.
 */
async function emptyPrefix(redis: Redis): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const prefix = `${randomBytes(1).toString("hex")}:`;
    if (prefix === "fd:") continue;
    if (!(await hasKeys(redis, prefix))) return prefix;
  }
  throw new Error("found no unused 3-character key prefix on this Redis");
}

async function hasKeys(redis: Redis, prefix: string): Promise<boolean> {
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (batch.length) return true;
    cursor = next;
  } while (cursor !== "0");
  return false;
}

/** A small deterministic generator (mulberry32), so every run measures the same chats. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

runIfMain(chatMemory, import.meta.url);
