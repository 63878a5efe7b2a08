import { fileURLToPath } from "node:url";
import { Api } from "grammy";
import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import { type ArticleStore, createArticleStore } from "../../src/articles/article-store.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import type { BotContext } from "../../src/bot/context.ts";
import { createI18n } from "../../src/bot/i18n.ts";
import type { Chat, ChatKind } from "../../src/chats/chat.ts";
import { type ChatStore, createChatStore } from "../../src/chats/chat-store.ts";
import { wasFlashed } from "../../src/delivery/delivery-log.ts";
import {
  createDeliveryQueue,
  type DeliveryQueue,
  digestJobId,
  enqueueDigest,
  enqueueDigestBatch,
  enqueueFlash,
} from "../../src/delivery/queue.ts";
import { createDeliveryWorker, type DeliveryWorkerOptions } from "../../src/delivery/worker.ts";
import { type ComposedDigest, composeDigest } from "../../src/digest/compose.ts";
import type { Translate } from "../../src/digest/labels.ts";
import { createRedis } from "../../src/redis/connection.ts";
import {
  createFakeTelegram,
  type FakeTelegram,
  faults,
  type RateLimits,
  type SentMessage,
} from "../support/fake-telegram.ts";
import { type TestRedis, useRedis } from "../support/redis.ts";
import { waitFor } from "../support/wait-for.ts";

// Every article and digest text here is invented (example.org links, made-up outlets).
const topics = loadTopics(fileURLToPath(new URL("../../content/topics.json", import.meta.url)));
const i18n = createI18n<BotContext>("en");
const translate: Translate = (lang, key, vars) => i18n.t(lang, key, vars);
const silent = pino({ level: "silent" });

interface Harness extends TestRedis {
  fake: FakeTelegram;
  chats: ChatStore;
  articles: ArticleStore;
  queue: DeliveryQueue;
  /** what the stub compose returns per chat id */
  digests: Map<number, ComposedDigest>;
  /** chat ids compose was called for, in order */
  composed: number[];
  delivery: ReturnType<typeof createDeliveryWorker>;
  /** another worker process on the same queue */
  startWorker(): ReturnType<typeof createDeliveryWorker>;
}

async function setup(
  options: {
    limits?: RateLimits;
    compose?: DeliveryWorkerOptions["compose"];
    now?: DeliveryWorkerOptions["clock"];
  } & Partial<Pick<DeliveryWorkerOptions, "broadcastRate" | "concurrency" | "paidBroadcast">> = {},
): Promise<Harness> {
  const testRedis = await useRedis();
  const { redis, keys, url } = testRedis;
  const fake = await createFakeTelegram(options.limits ? { limits: options.limits } : {});
  const chats = createChatStore(redis, keys, {
    defaults: { lang: "en", tz: "Europe/Kyiv" },
    topicIds: new Set(topics.map((t) => t.id)),
  });
  const articles = createArticleStore(redis, keys);
  const queueRedis = createRedis(url);
  const queue = createDeliveryQueue({ connection: queueRedis, keys, retryDelayMs: 100 });
  const digests = new Map<number, ComposedDigest>();
  const composed: number[] = [];
  const workers: ReturnType<typeof createDeliveryWorker>[] = [];
  const startWorker = () => {
    const worker = createDeliveryWorker({
      redisUrl: url,
      redis,
      keys,
      api: new Api(fake.token, { apiRoot: fake.apiRoot }),
      chats,
      compose:
        options.compose ??
        (async (chat) => {
          composed.push(chat.id);
          return digests.get(chat.id);
        }),
      articles,
      topics,
      translate,
      logger: silent,
      broadcastRate: options.broadcastRate ?? 25,
      concurrency: options.concurrency ?? 50,
      paidBroadcast: options.paidBroadcast ?? false,
      ...(options.now ? { clock: options.now } : {}),
    });
    workers.push(worker);
    return worker;
  };
  const delivery = startWorker();
  onTestFinished(async () => {
    for (const worker of workers) await worker.close();
    await queue.close();
    await queueRedis.quit();
    await fake.close();
  });
  return { ...testRedis, fake, chats, articles, queue, digests, composed, delivery, startWorker };
}

/** Subscribes a chat the fake knows, with `settings` applied. */
async function subscribe(
  h: Harness,
  id: number,
  kind: ChatKind,
  settings: Record<string, unknown> = {},
): Promise<Chat> {
  await h.chats.ensure(id, { kind });
  if (Object.keys(settings).length > 0) {
    const result = await h.chats.updateSettings(id, settings);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
  }
  const chat = await h.chats.setStatus(id, "active");
  if (!chat) throw new Error(`chat ${id} missing`);
  return chat;
}

function digestOf(parts: string[], cursor: number): ComposedDigest {
  return { parts, cursor, itemCount: parts.length, more: 0 };
}

async function finished(queue: DeliveryQueue, jobId: string, timeoutMs = 15_000) {
  await waitFor(async () => (await queue.getJobState(jobId)) === "completed", {
    timeoutMs,
    message: `job ${jobId} to complete`,
  });
  return (await queue.getJob(jobId))?.returnvalue;
}

const htmlOf = (messages: SentMessage[]) => messages.map((m) => m.html);

describe("delivery worker: digests", () => {
  it("sends every part in order with the chat's options, then advances the cursor", async () => {
    const h = await setup();
    const forum = h.fake.addChat({ type: "supergroup", is_forum: true, title: "Invented forum" });
    const threadId = h.fake.addTopic(forum.id, "News");
    await subscribe(h, forum.id, "supergroup", { threadId, previews: true });
    const parts = ["<b>Part one</b>", "Part <i>two</i>", "Part three"];
    h.digests.set(forum.id, digestOf(parts, 1_734_000_000_000));

    const job = await enqueueDigest(h.queue, forum.id, 1_734_100_000_000);
    expect(job.id).toBe(digestJobId(forum.id, 1_734_100_000_000));

    // While later parts are still due (a second apart), the cursor has not moved.
    await h.fake.waitForMessage(forum.id, (m) => m.html === parts[1]);
    expect((await h.chats.get(forum.id))?.cursor).toBe(0);

    const outcome = await finished(h.queue, job.id as string);
    expect(outcome).toMatchObject({ outcome: "delivered", sent: 3, skipped: 0 });
    const sent = h.fake.sent(forum.id);
    expect(htmlOf(sent)).toEqual(parts);
    for (const message of sent) {
      expect(message.parse_mode).toBe("HTML");
      expect(message.message_thread_id).toBe(threadId);
      expect(message.options.link_preview_options).toEqual({ is_disabled: false });
      expect(message.options.disable_notification).toBeUndefined();
      expect(message.options.allow_paid_broadcast).toBeUndefined();
    }
    const chat = await h.chats.get(forum.id);
    expect(chat?.cursor).toBe(1_734_000_000_000);
    expect(chat?.lastDeliveryAt).toBeGreaterThan(0);
    expect(await h.delivery.counters.readCounters()).toMatchObject({ sent: 3, failed: 0 });
  });

  it("keeps when the digest was composed, and where its late news stopped, also when a retry sends it", async () => {
    const clock = { now: Date.parse("2025-03-01T08:00:00.400Z") };
    const h = await setup({ now: () => clock.now });
    const reader = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private");
    const lateFrom = Date.parse("2025-03-01T07:40:00.123Z");
    h.digests.set(reader.id, {
      ...digestOf(["Part one", "Part two"], 1_734_000_000_000),
      lateFrom,
    });
    const fault = h.fake.failChat(reader.id, faults.serverError(), {
      times: 1,
      methods: ["sendMessage"],
    });

    const job = await enqueueDigest(h.queue, reader.id, 1_734_100_000_000);
    await waitFor(() => fault.hits === 1, { message: "the first send to fail" });
    clock.now += 3_600_000;
    expect(await finished(h.queue, job.id as string)).toMatchObject({ sent: 2 });

    expect(h.composed).toEqual([reader.id]);
    const chat = await h.chats.get(reader.id);
    // what arrives after the composition is the next digest's late news (build.ts)
    expect(chat?.lastDeliveryAt).toBe(Date.parse("2025-03-01T08:00:00Z"));
    expect(chat?.cursor).toBe(1_734_000_000_000);
    expect(chat?.lateFrom).toBe(lateFrom);
  });

  it("composes from the store at send time, and sends nothing when nothing is new", async () => {
    const now = Date.now();
    const h = await setup({
      compose: (chat, { now: at }) =>
        composeDigest(chat, { articles: h.articles, topics, translate }, { now: at }),
    });
    const reader = h.fake.addChat({ type: "private" });
    const idle = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private");
    await subscribe(h, idle.id, "private", { topics: ["kursk"] });
    const { article } = await h.articles.put({
      url: "https://example.org/invented/delivery-1",
      title: "Invented report on the delivery test",
      summary: "An invented summary written for this test.",
      source: "Example Wire",
      publishedAt: now - 3_600_000,
      topics: ["frontline"],
    });

    const delivered = await enqueueDigest(h.queue, reader.id, now);
    const nothing = await enqueueDigest(h.queue, idle.id, now);
    expect(await finished(h.queue, delivered.id as string)).toMatchObject({ outcome: "delivered" });
    expect(await finished(h.queue, nothing.id as string)).toEqual({
      outcome: "skipped",
      reason: "nothing new",
    });

    const [message] = h.fake.sent(reader.id);
    expect(message?.text).toContain("Invented report on the delivery test");
    expect(message?.options.link_preview_options).toEqual({ is_disabled: true });
    expect((await h.chats.get(reader.id))?.cursor).toBe(article.publishedAt);
    expect(h.fake.sent(idle.id)).toEqual([]);
    expect((await h.chats.get(idle.id))?.cursor).toBe(0);
  });

  it("sends silently in the chat's quiet hours only", async () => {
    const night = Date.parse("2024-12-17T00:30:00Z"); // 02:30 in Kyiv
    const h = await setup({ now: () => night });
    const sleeper = h.fake.addChat({ type: "private" });
    const owl = h.fake.addChat({ type: "private" });
    await subscribe(h, sleeper.id, "private", { quiet: { start: "23:00", end: "07:00" } });
    await subscribe(h, owl.id, "private", { quiet: { start: "09:00", end: "18:00" } });
    h.digests.set(sleeper.id, digestOf(["Invented night news"], 5));
    h.digests.set(owl.id, digestOf(["Invented night news"], 5));

    await finished(h.queue, (await enqueueDigest(h.queue, sleeper.id, night)).id as string);
    await finished(h.queue, (await enqueueDigest(h.queue, owl.id, night)).id as string);
    expect(h.fake.sent(sleeper.id)[0]?.options.disable_notification).toBe(true);
    expect(h.fake.sent(owl.id)[0]?.options.disable_notification).toBeUndefined();
  });

  it("skips chats that are not subscribed, without composing", async () => {
    const h = await setup();
    const paused = h.fake.addChat({ type: "private" });
    await subscribe(h, paused.id, "private");
    await h.chats.setStatus(paused.id, "paused");
    h.digests.set(paused.id, digestOf(["Invented"], 1));
    const job = await enqueueDigest(h.queue, paused.id, 1);
    expect(await finished(h.queue, job.id as string)).toMatchObject({ outcome: "skipped" });
    expect(h.composed).toEqual([]);
    expect(h.fake.calls).toEqual([]);
  });

  it("delivers a slot once, however often it is enqueued", async () => {
    const h = await setup();
    const reader = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private");
    h.digests.set(reader.id, digestOf(["Invented once"], 1));
    const first = await enqueueDigest(h.queue, reader.id, 42_000);
    const again = await enqueueDigest(h.queue, reader.id, 42_000);
    expect(again.id).toBe(first.id);
    await finished(h.queue, first.id as string);
    await enqueueDigest(h.queue, reader.id, 42_000);
    // Even with BullMQ's copy gone, the job's own record says it was delivered.
    await h.queue.remove(first.id as string);
    const rerun = await enqueueDigest(h.queue, reader.id, 42_000);
    expect(await finished(h.queue, rerun.id as string)).toEqual({
      outcome: "skipped",
      reason: "already delivered",
    });
    expect(h.fake.sent(reader.id)).toHaveLength(1);
  });
});

describe("delivery worker: batches", () => {
  it("sends every chat of a batch its digest, in the batch's order, and a batch run again sends none twice", async () => {
    const h = await setup({ concurrency: 1 });
    const readers = Array.from({ length: 6 }, () => h.fake.addChat({ type: "private" }).id);
    for (const [i, id] of readers.entries()) {
      await subscribe(h, id, "private");
      h.digests.set(id, digestOf([`Invented digest ${i}`], 100 + i));
    }
    const order = [...readers].reverse();

    const job = await enqueueDigestBatch(h.queue, 42_000, order);
    expect(await finished(h.queue, job.id as string)).toEqual({
      outcome: "batch",
      dueMs: 42_000,
      chats: 6,
      delivered: 6,
      stopped: 0,
      skipped: 0,
    });
    expect(h.fake.sent().map((m) => m.chat_id)).toEqual(order);
    for (const [i, id] of readers.entries()) expect((await h.chats.get(id))?.cursor).toBe(100 + i);

    // each chat's own record says it is done, whichever job carried it
    await h.queue.remove(job.id as string);
    const again = await enqueueDigestBatch(h.queue, 42_000, order);
    expect(await finished(h.queue, again.id as string)).toMatchObject({ delivered: 0, skipped: 6 });
    const alone = await enqueueDigest(h.queue, order[2] as number, 42_000);
    expect(await finished(h.queue, alone.id as string)).toMatchObject({ outcome: "skipped" });
    expect(h.fake.sent()).toHaveLength(6);
  });

  it("retries a batch in which one chat failed, sending again only to that chat", async () => {
    const h = await setup();
    const readers = Array.from({ length: 5 }, () => h.fake.addChat({ type: "private" }).id);
    for (const id of readers) {
      await subscribe(h, id, "private");
      h.digests.set(id, digestOf(["Invented digest"], 7));
    }
    const unlucky = readers[2] as number;
    const fault = h.fake.failChat(unlucky, faults.serverError(), {
      times: 1,
      methods: ["sendMessage"],
    });

    const job = await enqueueDigestBatch(h.queue, 42_000, readers);
    expect(await finished(h.queue, job.id as string)).toMatchObject({ delivered: 1, skipped: 4 });
    expect(fault.hits).toBe(1);
    // one run that failed, one that finished
    expect((await h.queue.getJob(job.id as string))?.attemptsMade).toBe(2);
    for (const id of readers) expect(h.fake.sent(id)).toHaveLength(1);
    // the chats done on the first run were not composed again
    expect(h.composed.filter((id) => id !== unlucky)).toHaveLength(4);
  });

  it("puts a batch interrupted by close() back, and another worker sends only what is left", async () => {
    const h = await setup({ concurrency: 1 });
    const readers = Array.from({ length: 3 }, () => h.fake.addChat({ type: "private" }).id);
    const parts = ["Invented 1", "Invented 2"];
    for (const id of readers) {
      await subscribe(h, id, "private");
      h.digests.set(id, digestOf(parts, 9));
    }

    const job = await enqueueDigestBatch(h.queue, 1, readers);
    await h.fake.waitForMessage(readers[0] as number);
    // Part 2 is a second away: close() must not wait for it.
    await h.delivery.close();
    expect(h.fake.sent()).toHaveLength(1);
    expect(["delayed", "waiting"]).toContain(await h.queue.getJobState(job.id as string));

    h.startWorker();
    await finished(h.queue, job.id as string);
    for (const id of readers) expect(htmlOf(h.fake.sent(id))).toEqual(parts);
    expect(h.fake.sent()).toHaveLength(6);
  });
});

describe("delivery worker: shutdown", () => {
  it("puts a digest interrupted by close() back, and another worker sends only the rest", async () => {
    const h = await setup();
    const reader = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private");
    const parts = ["Invented 1", "Invented 2", "Invented 3"];
    h.digests.set(reader.id, digestOf(parts, 9));

    const job = await enqueueDigest(h.queue, reader.id, 1);
    await h.fake.waitForMessage(reader.id);
    // Part 2 is a second away: close() must not wait for it.
    await h.delivery.close();
    expect(h.fake.sent(reader.id)).toHaveLength(1);
    expect(["delayed", "waiting"]).toContain(await h.queue.getJobState(job.id as string));
    expect((await h.chats.get(reader.id))?.cursor).toBe(0);

    h.startWorker();
    await finished(h.queue, job.id as string);
    expect(htmlOf(h.fake.sent(reader.id))).toEqual(parts);
    expect((await h.chats.get(reader.id))?.cursor).toBe(9);
    expect(h.composed).toEqual([reader.id]);
  });
});

describe("delivery worker: flashes", () => {
  it("pushes one article with the flash label, silently at night, and remembers it", async () => {
    const night = Date.parse("2024-12-17T00:30:00Z"); // 02:30 in Kyiv
    const h = await setup({ now: () => night });
    const reader = h.fake.addChat({ type: "private" });
    const noFlash = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private", { quiet: { start: "23:00", end: "07:00" } });
    await subscribe(h, noFlash.id, "private", { flash: false });
    const { article } = await h.articles.put({
      url: "https://example.org/invented/flash-1",
      title: "Invented urgent report",
      summary: "An invented urgent summary.",
      source: "Example Wire",
      publishedAt: night - 60_000,
      topics: ["frontline"],
      urgency: "flash",
    });

    const job = await enqueueFlash(h.queue, reader.id, article.id);
    const skipped = await enqueueFlash(h.queue, noFlash.id, article.id);
    expect(await finished(h.queue, job.id as string)).toMatchObject({ outcome: "delivered" });
    expect(await finished(h.queue, skipped.id as string)).toMatchObject({ outcome: "skipped" });

    const [message] = h.fake.sent(reader.id);
    expect(message?.text).toMatch(/^⚡ URGENT Invented urgent report/);
    expect(message?.options.disable_notification).toBe(true);
    expect(h.fake.sent(noFlash.id)).toEqual([]);
    expect(await wasFlashed(h.redis, h.keys, reader.id, article.id)).toBe(true);
    expect(await wasFlashed(h.redis, h.keys, noFlash.id, article.id)).toBe(false);
  });
});

describe("delivery worker: Telegram's rate limits", () => {
  it("keeps under the global rate with 100 chats and many concurrent jobs", async () => {
    const h = await setup({
      limits: { perSecond: 20, perChatPerSecond: 1 },
      broadcastRate: 15,
      concurrency: 50,
    });
    const ids: number[] = [];
    for (let i = 0; i < 100; i++) {
      const chat = h.fake.addChat({ type: "private" });
      await subscribe(h, chat.id, "private");
      h.digests.set(chat.id, digestOf([`Invented digest ${i}`], 1));
      ids.push(chat.id);
    }
    await Promise.all(ids.map((id) => enqueueDigest(h.queue, id, 7_000)));
    await waitFor(() => h.fake.sent().length >= 100, { timeoutMs: 20_000, message: "100 sends" });

    expect(h.fake.violations).toEqual([]);
    expect(h.fake.callsOf("sendMessage")).toHaveLength(100);
    expect(new Set(h.fake.sent().map((m) => m.chat_id)).size).toBe(100);
  });

  it("spaces the parts of each chat's digest at least a second apart", async () => {
    const h = await setup({
      limits: { perSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 },
      broadcastRate: 25,
    });
    const reader = h.fake.addChat({ type: "private" });
    const group = h.fake.addChat({ type: "group", title: "Invented group" });
    await subscribe(h, reader.id, "private");
    await subscribe(h, group.id, "group");
    const parts = ["Invented 1", "Invented 2", "Invented 3", "Invented 4"];
    h.digests.set(reader.id, digestOf(parts, 1));
    h.digests.set(group.id, digestOf(parts, 1));

    const jobs = await Promise.all([
      enqueueDigest(h.queue, reader.id, 1),
      enqueueDigest(h.queue, group.id, 1),
    ]);
    for (const job of jobs) await finished(h.queue, job.id as string);

    expect(h.fake.violations).toEqual([]);
    for (const id of [reader.id, group.id]) {
      const sent = h.fake.sent(id);
      expect(htmlOf(sent)).toEqual(parts);
      for (let i = 1; i < sent.length; i++) {
        const gap = (sent[i] as SentMessage).receivedAt - (sent[i - 1] as SentMessage).receivedAt;
        expect(gap).toBeGreaterThanOrEqual(1000);
      }
    }
  });
});

describe("delivery worker: paid broadcasts", () => {
  it("refuses a rate that is not above 0 (config.ts keeps it within Telegram's limits)", async () => {
    const { redis, url, keys } = await useRedis();
    const base = {
      redisUrl: url,
      redis,
      keys,
      api: new Api("1:never"),
      chats: {} as ChatStore,
      compose: async () => undefined,
      articles: { get: async () => undefined },
      topics,
      translate,
      logger: silent,
    };
    expect(() => createDeliveryWorker({ ...base, broadcastRate: 0 })).toThrow(RangeError);
    expect(() => createDeliveryWorker({ ...base, broadcastRate: -5 })).toThrow(RangeError);
  });

  it("marks messages as paid broadcasts when configured", async () => {
    const h = await setup({ paidBroadcast: true, broadcastRate: 200 });
    const reader = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private");
    h.digests.set(reader.id, digestOf(["Invented paid"], 1));
    await finished(h.queue, (await enqueueDigest(h.queue, reader.id, 1)).id as string);
    expect(h.fake.sent(reader.id)[0]?.options.allow_paid_broadcast).toBe(true);
  });
});
