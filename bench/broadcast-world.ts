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
import { chatsOfJob, createDeliveryQueue, type DeliveryQueue } from "../src/delivery/queue.ts";
import { createScheduler } from "../src/delivery/scheduler.ts";
import { createDeliveryWorker, type DeliveryWorker } from "../src/delivery/worker.ts";
import type { Translate } from "../src/digest/labels.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys, type Keys } from "../src/redis/keys.ts";
import { telegramClientOptions } from "../src/telegram/http-client.ts";
import type { RateLimits } from "../tests/support/fake-telegram.ts";
import { benchRedis, storesConnection } from "./bench-redis.ts";
import { type RemoteTelegram, startRemoteTelegram } from "./remote-telegram.ts";

/**
 * What the delivery benchmarks (fanout, paced) run on: the fake Telegram in
 * its own process, a Redis, and deployments of subscribed chats delivered by
 * our scheduler and worker, wired as src/app/ and start-delivery.ts wire them.
 */

/** chats of the broadcast a worker delivers before it is measured */
const WARM_UP_CHATS = 500;
const silent = pino({ level: "silent" });
const topics = loadTopics(fileURLToPath(new URL("../content/topics.json", import.meta.url)));
const i18n = createI18n<BotContext>("en");
const translate: Translate = (lang, key, vars) => i18n.t(lang, key, vars);

/** The fake Telegram and a Redis one delivery benchmark runs against. */
export interface BroadcastWorld {
  fake: RemoteTelegram;
  /** for BullMQ's queue and the scheduler, as src/app/app-redis.ts has it */
  redis: Redis;
  /** the stores' auto-pipelined connection, as src/app/app-redis.ts has it */
  stores: Redis;
  url: string;
  /** one Bot API client for every worker, as a process has one (its connections stay open) */
  api: Api;
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
  const stores = storesConnection(url);
  return {
    fake,
    redis,
    stores,
    url,
    api: new Api(fake.token, telegramClientOptions(fake.apiRoot)),
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
    api: world.api,
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

/**
 * Seconds until the workers have completed the jobs of `count` chats (a
 * batch job counts its chats); rejects if a job fails or time runs out.
 */
export function timeCompletion(
  workers: DeliveryWorker[],
  count: number,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  let completed = 0;
  return new Promise<number>((done, fail) => {
    const timer = setTimeout(
      () =>
        fail(new Error(`only ${completed} of ${count} chats' jobs completed in ${timeoutMs} ms`)),
      timeoutMs,
    );
    for (const { worker } of workers) {
      worker.on("completed", (job) => {
        completed += chatsOfJob(job.data).length;
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

/**
 * Delivers a small broadcast of its own (WARM_UP_CHATS chats) through a
 * worker in this process, so the one measured next runs on compiled code
 * and open connections, as a broadcast does in a deployment that has been
 * running; then waits `settleMs` (a rate limit's window) before returning.
 */
export async function warmUp(
  world: BroadcastWorld,
  options: { rate: number; concurrency: number; settleMs: number },
): Promise<void> {
  const d = await seedDeployment(world, WARM_UP_CHATS);
  try {
    await enqueueDue(world, d);
    const worker = startWorker(world, d, { ...options, paid: true });
    await timeCompletion([worker], WARM_UP_CHATS, 120_000);
    await worker.close();
  } finally {
    await dropDeployment(world, d);
  }
  await new Promise((resolve) => setTimeout(resolve, options.settleMs));
}
