import { fileURLToPath } from "node:url";
import { Api } from "grammy";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { type ArticleStore, createArticleStore } from "../src/articles/article-store.ts";
import { loadTopics } from "../src/articles/topics.ts";
import type { BotContext } from "../src/bot/context.ts";
import { createI18n } from "../src/bot/i18n.ts";
import { type ChatStore, createChatStore } from "../src/chats/chat-store.ts";
import { createDigestComposer } from "../src/delivery/digest-composer.ts";
import { createDeliveryQueue, type DeliveryQueue } from "../src/delivery/queue.ts";
import { createScheduler } from "../src/delivery/scheduler.ts";
import { createDeliveryWorker, type DeliveryWorker } from "../src/delivery/worker.ts";
import type { Translate } from "../src/digest/labels.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys, type Keys } from "../src/redis/keys.ts";
import type { RateLimits } from "../tests/support/fake-telegram.ts";
import { benchRedis } from "./bench-redis.ts";
import { type Bench, result, runIfMain } from "./lib.ts";
import { type RemoteTelegram, startRemoteTelegram } from "./remote-telegram.ts";

const CHATS = 10_000;
/** the worker's default concurrency; the bare loop keeps as many sends going */
const CONCURRENCY = 50;
/** deployments the chats are split over, each with its own 1000/s gate (see fanout) */
const SHARDS = 5;
const PAID_RATE = 1000;
const silent = pino({ level: "silent" });
const topics = loadTopics(fileURLToPath(new URL("../content/topics.json", import.meta.url)));
const i18n = createI18n<BotContext>("en");
const translate: Translate = (lang, key, vars) => i18n.t(lang, key, vars);

/** The fake Telegram and a Redis one delivery benchmark runs against. */
export interface BroadcastWorld {
  fake: RemoteTelegram;
  redis: Redis;
  url: string;
  close(): Promise<void>;
}

/** One deployment (key prefix) on the world's Redis: stores, queue and subscribed chats. */
export interface Deployment {
  keys: Keys;
  chats: ChatStore;
  articles: ArticleStore;
  queue: DeliveryQueue;
  chatIds: number[];
}

/** The fake Telegram in its own process, enforcing `limits` when given, and a Redis. */
export async function broadcastWorld(limits?: RateLimits): Promise<BroadcastWorld> {
  const fake = await startRemoteTelegram(limits);
  const { redis, url, close } = await benchRedis();
  return {
    fake,
    redis,
    url,
    async close() {
      await close();
      await fake.close();
    },
  };
}

/**
 * Subscribes `count` private chats the fake knows under a fresh prefix (Kyiv
 * time, English), stores three invented articles (example.org) and makes
 * every chat due now. Nothing is enqueued yet.
 */
export async function seedDeployment(world: BroadcastWorld, count: number): Promise<Deployment> {
  const { redis, fake } = world;
  const keys = createKeys(`bench${Math.random().toString(36).slice(2, 8)}:`);
  const chats = createChatStore(redis, keys, {
    defaults: { lang: "en", tz: "Europe/Kyiv" },
    topicIds: new Set(topics.map((t) => t.id)),
  });
  const articles = createArticleStore(redis, keys);
  const now = Date.now();
  for (let i = 0; i < 3; i++) {
    await articles.put({
      url: `https://example.org/bench/broadcast/${i}`,
      title: `Invented benchmark report ${i + 1}`,
      summary: "An invented summary, written for the delivery benchmarks. Nothing here is news.",
      source: "Example Wire",
      publishedAt: now - (i + 1) * 600_000,
      topics: ["frontline"],
    });
  }
  const chatIds = await fake.addPrivateChats(count);
  for (let i = 0; i < chatIds.length; i += 500) {
    await Promise.all(
      chatIds.slice(i, i + 500).map(async (id) => {
        await chats.ensure(id, { kind: "private" });
        await chats.setStatus(id, "active");
      }),
    );
  }
  const due = redis.pipeline();
  for (const id of chatIds) due.zadd(keys.schedule(), now - 1000, String(id));
  await due.exec();
  const queue = createDeliveryQueue({ connection: redis, keys });
  return { keys, chats, articles, queue, chatIds };
}

/** Runs the scheduler once: every due chat's digest job is enqueued. */
export function enqueueDue(world: BroadcastWorld, d: Deployment): Promise<number> {
  return createScheduler({
    redis: world.redis,
    keys: d.keys,
    chats: d.chats,
    queue: d.queue,
    logger: silent,
    graceMs: 3_600_000,
  }).tick();
}

/** A delivery worker on `d`'s queue, composing each digest as the app does (start-delivery.ts). */
export function startWorker(
  world: BroadcastWorld,
  d: Deployment,
  options: { rate: number; paid: boolean; concurrency: number },
): DeliveryWorker {
  return createDeliveryWorker({
    redisUrl: world.url,
    keys: d.keys,
    api: new Api(world.fake.token, { apiRoot: world.fake.apiRoot }),
    chats: d.chats,
    compose: createDigestComposer({
      articles: d.articles,
      redis: world.redis,
      keys: d.keys,
      topics,
      translate,
    }),
    articles: d.articles,
    topics,
    translate,
    logger: silent,
    broadcastRate: options.rate,
    paidBroadcast: options.paid,
    concurrency: options.concurrency,
  });
}

/** Seconds until the workers have completed `count` jobs; rejects if a job fails or time runs out. */
export function timeCompletion(
  workers: DeliveryWorker[],
  count: number,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  let completed = 0;
  return new Promise<number>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`only ${completed} of ${count} jobs completed in ${timeoutMs} ms`)),
      timeoutMs,
    );
    for (const { worker } of workers) {
      worker.on("completed", () => {
        completed += 1;
        if (completed !== count) return;
        clearTimeout(timer);
        done((performance.now() - started) / 1000);
      });
      worker.on("failed", (job, err) => {
        clearTimeout(timer);
        fail(new Error(`delivery job ${job?.id} failed: ${err.message}`));
      });
    }
  });
}

/** Removes a deployment's keys and closes its queue. */
export async function dropDeployment(world: BroadcastWorld, d: Deployment): Promise<void> {
  await d.queue.close();
  await deleteByPrefix(world.redis, d.keys.prefix);
}

/** Messages/s of a bare grammY sendMessage loop to `chatIds`, CONCURRENCY sends at a time. */
async function bareLoop(world: BroadcastWorld, chatIds: number[], text: string): Promise<number> {
  const api = new Api(world.fake.token, { apiRoot: world.fake.apiRoot });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < chatIds.length) {
        await api.sendMessage(chatIds[next++] as number, text, { parse_mode: "HTML" });
      }
    }),
  );
  return chatIds.length / ((performance.now() - started) / 1000);
}

/**
 * One digest to 10,000 chats through our worker (jobs enqueued by our
 * scheduler beforehand), against a bare grammY sendMessage loop sending the
 * same text to the same chats at the same concurrency, both through the fake
 * Telegram with no flood limit, all in this process. Our worker never sends
 * above BROADCAST_RATE, at most 1000/s (Telegram's paid limit), so to measure
 * the code rather than that cap the chats are split over SHARDS deployments
 * (key prefixes), each with its own worker and 1000/s gate: 5000/s of gate
 * capacity in all, CONCURRENCY jobs at once in total.
 */
export const fanout: Bench = {
  name: "fanout",
  async run() {
    const world = await broadcastWorld();
    const deployments: Deployment[] = [];
    try {
      for (let s = 0; s < SHARDS; s++) {
        deployments.push(await seedDeployment(world, CHATS / SHARDS));
      }
      for (const d of deployments) await enqueueDue(world, d);
      const workers = deployments.map((d) =>
        startWorker(world, d, { rate: PAID_RATE, paid: true, concurrency: CONCURRENCY / SHARDS }),
      );
      const seconds = await timeCompletion(workers, CHATS, 300_000);
      for (const w of workers) await w.close();
      const ours = CHATS / seconds;
      const sent = await world.fake.summary();
      if (sent.sent !== CHATS || sent.chats !== CHATS) {
        throw new Error(`${sent.sent} messages sent to ${sent.chats} of ${CHATS} chats`);
      }
      const text = sent.firstHtml;
      const base = await bareLoop(
        world,
        deployments.flatMap((d) => d.chatIds),
        text,
      );
      process.stderr.write(
        `fanout: ours ${ours.toFixed(0)} msg/s (${SHARDS} gates of ${PAID_RATE}/s, ${CONCURRENCY} jobs at once), bare grammY loop ${base.toFixed(0)} msg/s\n`,
      );
      return result(fanout.name, ours, "messages/s", base);
    } finally {
      for (const d of deployments) await dropDeployment(world, d);
      await world.close();
    }
  },
};

runIfMain(fanout, import.meta.url);
