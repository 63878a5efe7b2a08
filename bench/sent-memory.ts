import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { articleId, canonicalUrl } from "../src/articles/canonical-url.ts";
import { loadTopics } from "../src/articles/topics.ts";
import { SentMessages } from "../src/corrections/sent-messages.ts";
import { renderLabels } from "../src/digest/labels.ts";
import { type RenderItem, renderDigest } from "../src/digest/render.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys } from "../src/redis/keys.ts";
import { benchRedis } from "./bench-redis.ts";
import { type Bench, result, runIfMain } from "./lib.ts";
import { eachKeyMemory } from "./redis-memory.ts";

const MESSAGES = 10_000;
const ARTICLES = 60;
const ITEMS_PER_MESSAGE = 5;
const NOW = Date.parse("2025-01-15T10:00:00Z");
const topics = loadTopics(fileURLToPath(new URL("../content/topics.json", import.meta.url)));

/** Deterministic pseudo-random numbers, so every run stores the same messages. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

/** An invented article of about the length the bot keeps (summaries up to 500 characters). */
function invented(i: number): RenderItem {
  const sentence = `Invented bench sentence ${i} about repairs to a footbridge in an invented district, written for this benchmark only.`;
  return {
    title: `Invented bench headline number ${i} about a footbridge repair`,
    url: `https://example.org/bench/sent/${i}`,
    summary: `${sentence} ${sentence} ${sentence}`.slice(0, 350),
    source: "Example Bench Outlet",
    publishedAt: NOW - i * 60_000,
    topics: [topics[i % topics.length]?.id ?? "frontline"],
  };
}

async function measure(
  redis: Redis,
  messages: { chatId: number; html: string }[],
  label: string,
): Promise<number> {
  const keys = createKeys(`benchsent${Date.now()}${label}:`);
  try {
    const sent = new SentMessages(redis, keys);
    for (let i = 0; i < messages.length; i += 200) {
      await Promise.all(
        messages
          .slice(i, i + 200)
          .map(({ chatId, html }, j) => sent.record(chatId, 100_000 + i + j, html, NOW)),
      );
    }
    let total = 0;
    await eachKeyMemory(redis, keys.prefix, (_key, bytes) => {
      total += bytes;
    });
    return total / messages.length;
  } finally {
    await deleteByPrefix(redis, keys.prefix);
  }
}

/**
 * Redis bytes per sent message of the record corrections follow
 * (corrections/sent-messages.ts): 10,000 digest messages of 5 invented
 * articles each, to chats with realistic ids. The value is the common case,
 * where chats with the same language and topics got the same text (16
 * distinct texts); stderr also shows the case where every text differs.
 * Baseline: the message's own HTML, what keeping each sent text as it is
 * would cost before any Redis overhead.
 */
export const sentMemory: Bench = {
  name: "sent-memory",
  async run() {
    const { redis, close } = await benchRedis();
    try {
      const random = seeded(20250115);
      const items = Array.from({ length: ARTICLES }, (_, i) => invented(i));
      const render = (chosen: RenderItem[], lang: "en" | "uk") =>
        renderDigest(chosen, {
          labels: renderLabels(
            (l, key) => (key === "date-locale" ? (l === "uk" ? "uk-UA" : "en-GB") : key),
            lang,
            topics,
          ),
          timeZone: "Europe/Kyiv",
          header: "Invented bench digest",
        })[0] as string;
      const variants = Array.from({ length: 16 }, (_, v) =>
        render(items.slice(v, v + ITEMS_PER_MESSAGE), v % 2 === 0 ? "en" : "uk"),
      );
      const chatId = (i: number) => 200_000_000 + i * 611_953;
      const shared = Array.from({ length: MESSAGES }, (_, i) => ({
        chatId: chatId(i),
        html: variants[Math.floor(random() * variants.length)] as string,
      }));
      const distinct = Array.from({ length: MESSAGES }, (_, i) => {
        const start = Math.floor(random() * (ARTICLES - ITEMS_PER_MESSAGE));
        const chosen = items.slice(start, start + ITEMS_PER_MESSAGE);
        return { chatId: chatId(i), html: `${render(chosen, "en")}\n#${i}` };
      });
      const htmlBytes =
        shared.reduce((sum, m) => sum + Buffer.byteLength(m.html), 0) / shared.length;
      const sharedBytes = await measure(redis, shared, "s");
      const distinctBytes = await measure(redis, distinct, "d");
      console.error(
        `sent-memory: ${sharedBytes.toFixed(0)} bytes/message with shared texts, ${distinctBytes.toFixed(0)} with every text distinct; the HTML itself is ${htmlBytes.toFixed(0)} bytes (${ITEMS_PER_MESSAGE} articles, ids ${articleId(canonicalUrl(items[0]?.url ?? ""))}…)`,
      );
      return result("sent-memory", sharedBytes, "bytes/message", htmlBytes);
    } finally {
      await close();
    }
  },
};

runIfMain(sentMemory, import.meta.url);
