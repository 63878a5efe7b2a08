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
import { createRedis } from "../src/redis/connection.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys, type Keys } from "../src/redis/keys.ts";
import { telegramClientOptions } from "../src/telegram/http-client.ts";
import type { RateLimits } from "../tests/support/fake-telegram.ts";
import { benchRedis } from "./bench-redis.ts";
import { type Bench, result, runIfMain } from "./lib.ts";
import { type RemoteTelegram, startRemoteTelegram } from "./remote-telegram.ts";

const CHATS = 10_000;
/** the worker's default concurrency; the bare loop keeps as many sends going */
const CONCURRENCY = 50;
/**
 * "No rate limit": a gate rate no run comes near, so the gate does all its
 * work (global schedule, per-chat spacing) without ever making a send wait.
 */
const UNLIMITED_RATE = 1_000_000;
const silent = pino({ level: "silent" });
const topics = loadTopics(fileURLToPath(new URL("../content/topics.json", import.meta.url)));
const i18n = createI18n<BotContext>("en");
const translate: Translate = (lang, key, vars) => i18n.t(lang, key, vars);

/** The fake Telegram and a Redis one delivery benchmark runs against. */
export interface BroadcastWorld {
  fake: RemoteTelegram;
  /** for BullMQ's queue and the scheduler, as app.ts has it */
  redis: Redis;
  /** the stores' auto-pipelined connection, as app.ts has it */
  stores: Redis;
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
  const stores = createRedis(url, { enableAutoPipelining: true });
  return {
    fake,
    redis,
    stores,
    url,
    async close() {
      stores.disconnect();
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
  const { redis, stores, fake } = world;
  const keys = createKeys(`bench${Math.random().toString(36).slice(2, 8)}:`);
  const chats = createChatStore(stores, keys, {
    defaults: { lang: "en", tz: "Europe/Kyiv" },
    topicIds: new Set(topics.map((t) => t.id)),
  });
  const articles = createArticleStore(stores, keys);
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
    redis: world.stores,
    keys: d.keys,
    api: new Api(world.fake.token, telegramClientOptions(world.fake.apiRoot)),
    chats: d.chats,
    compose: createDigestComposer({
      articles: d.articles,
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
async function bareLoop(api: Api, chatIds: number[], text: string): Promise<number> {
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
 * Telegram (in its own process) with no flood limit. Our worker's gate runs
 * at a rate no run reaches (UNLIMITED_RATE), so it checks every send but
 * makes none wait.
 */
export const fanout: Bench = {
  name: "fanout",
  async run() {
    const world = await broadcastWorld();
    let d: Deployment | undefined;
    try {
      d = await seedDeployment(world, CHATS);
      await enqueueDue(world, d);
      const worker = startWorker(world, d, {
        rate: UNLIMITED_RATE,
        paid: true,
        concurrency: CONCURRENCY,
      });
      const seconds = await timeCompletion([worker], CHATS, 300_000);
      await worker.close();
      const ours = CHATS / seconds;
      const sent = await world.fake.summary();
      if (sent.sent !== CHATS || sent.chats !== CHATS) {
        throw new Error(`${sent.sent} messages sent to ${sent.chats} of ${CHATS} chats`);
      }
      const { token, apiRoot } = world.fake;
      const base = await bareLoop(new Api(token, { apiRoot }), d.chatIds, sent.firstHtml);
      const sameClient = await bareLoop(
        new Api(token, telegramClientOptions(apiRoot)),
        d.chatIds,
        sent.firstHtml,
      );
      process.stderr.write(
        `fanout: ours ${ours.toFixed(0)} msg/s (${CONCURRENCY} jobs at once); bare grammY loop ${base.toFixed(0)} msg/s, ${sameClient.toFixed(0)} msg/s with our HTTP client\n`,
      );
      return result(fanout.name, ours, "messages/s", base);
    } finally {
      if (d) await dropDeployment(world, d);
      await world.close();
    }
  },
};

runIfMain(fanout, import.meta.url);
