import { Writable } from "node:stream";
import { Api } from "grammy";
import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import { createArticleStore } from "../../src/articles/article-store.ts";
import type { ChatKind } from "../../src/chats/chat.ts";
import { type ChatStore, createChatStore } from "../../src/chats/chat-store.ts";
import {
  createDeliveryQueue,
  DELIVERY_ATTEMPTS,
  type DeliveryQueue,
  enqueueDigest,
} from "../../src/delivery/queue.ts";
import { createDeliveryWorker } from "../../src/delivery/worker.ts";
import type { ComposedDigest } from "../../src/digest/compose.ts";
import { createRedis } from "../../src/redis/connection.ts";
import {
  createFakeTelegram,
  type FakeTelegram,
  faults,
  type SentMessage,
} from "../support/fake-telegram.ts";
import { type TestRedis, useRedis } from "../support/redis.ts";
import { waitFor } from "../support/wait-for.ts";

// Every digest text here is invented.
const CURSOR = 1_734_000_000_000;

interface Harness extends TestRedis {
  fake: FakeTelegram;
  chats: ChatStore;
  queue: DeliveryQueue;
  digests: Map<number, ComposedDigest>;
  logs: Record<string, unknown>[];
  delivery: ReturnType<typeof createDeliveryWorker>;
}

async function setup(options: { retryDelayMs?: number; broadcastRate?: number } = {}) {
  const testRedis = await useRedis();
  const { redis, keys, url } = testRedis;
  const fake = await createFakeTelegram();
  const chats = createChatStore(redis, keys, {
    defaults: { lang: "en", tz: "Europe/Kyiv" },
    topicIds: new Set(["frontline"]),
  });
  const queueRedis = createRedis(url);
  const queue = createDeliveryQueue({
    connection: queueRedis,
    keys,
    retryDelayMs: options.retryDelayMs ?? 100,
  });
  const digests = new Map<number, ComposedDigest>();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const delivery = createDeliveryWorker({
    redisUrl: url,
    redis,
    keys,
    api: new Api(fake.token, { apiRoot: fake.apiRoot }),
    chats,
    compose: async (chat) => digests.get(chat.id),
    articles: createArticleStore(redis, keys),
    topics: [],
    translate: (_lang, key) => key,
    logger: pino({ level: "info" }, sink),
    broadcastRate: options.broadcastRate ?? 25,
  });
  onTestFinished(async () => {
    await delivery.close();
    await queue.close();
    await queueRedis.quit();
    await fake.close();
  });
  const h: Harness = { ...testRedis, fake, chats, queue, digests, logs, delivery };
  return h;
}

async function subscribe(h: Harness, id: number, kind: ChatKind, parts: string[]) {
  await h.chats.ensure(id, { kind });
  await h.chats.setStatus(id, "active");
  h.digests.set(id, { parts, cursor: CURSOR, itemCount: parts.length, more: 0 });
}

async function settled(queue: DeliveryQueue, jobId: string, state = "completed") {
  await waitFor(async () => (await queue.getJobState(jobId)) === state, {
    timeoutMs: 15_000,
    message: `job ${jobId} to be ${state}`,
  });
  return (await queue.getJob(jobId))?.returnvalue;
}

const htmlOf = (messages: SentMessage[]) => messages.map((m) => m.html);
const PARTS = ["Invented part 1", "Invented part 2", "Invented part 3"];

describe("delivery errors", () => {
  it("marks a chat that blocked the bot and stops, without retrying", async () => {
    const h = await setup();
    const reader = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private", PARTS);
    h.fake.failChat(reader.id, faults.blocked());

    const job = await enqueueDigest(h.queue, reader.id, 1);
    expect(await settled(h.queue, job.id as string)).toMatchObject({
      outcome: "stopped",
      reason: "blocked",
    });
    expect(h.fake.callsOf("sendMessage")).toHaveLength(1);
    const chat = await h.chats.get(reader.id);
    expect(chat?.status).toBe("blocked");
    expect(chat?.cursor).toBe(0);
    expect(await h.redis.zscore(h.keys.schedule(), String(reader.id))).toBeNull();
    expect(await h.delivery.counters.readCounters()).toMatchObject({ blocked: 1, retried: 0 });
  });

  it("marks a vanished chat as left", async () => {
    const h = await setup();
    const group = h.fake.addChat({ type: "supergroup", title: "Invented group" });
    await subscribe(h, group.id, "supergroup", PARTS);
    h.fake.removeChat(group.id);

    const job = await enqueueDigest(h.queue, group.id, 1);
    expect(await settled(h.queue, job.id as string)).toMatchObject({ reason: "chat-gone" });
    expect(h.fake.callsOf("sendMessage")).toHaveLength(1);
    expect((await h.chats.get(group.id))?.status).toBe("left");
    expect(await h.delivery.counters.readCounters()).toMatchObject({ left: 1 });
  });

  it("follows a group that becomes a supergroup in the middle of a digest", async () => {
    const h = await setup();
    const group = h.fake.addChat({ type: "group", title: "Invented group" });
    await subscribe(h, group.id, "group", PARTS);

    const job = await enqueueDigest(h.queue, group.id, 1);
    await h.fake.waitForMessage(group.id);
    const { chat: supergroup } = h.fake.migrateChat(group.id);
    expect(await settled(h.queue, job.id as string)).toMatchObject({
      outcome: "delivered",
      chatId: supergroup.id,
      sent: 3,
    });

    expect(htmlOf(h.fake.sent(group.id))).toEqual([PARTS[0]]);
    expect(htmlOf(h.fake.sent(supergroup.id))).toEqual(PARTS.slice(1));
    expect(await h.chats.get(group.id)).toBeUndefined();
    const moved = await h.chats.get(supergroup.id);
    expect(moved).toMatchObject({ status: "active", cursor: CURSOR });
    expect(await h.delivery.counters.readCounters()).toMatchObject({ migrated: 1, sent: 3 });
  });

  it("skips a part Telegram cannot parse, logs it, and delivers the rest", async () => {
    const h = await setup();
    const reader = h.fake.addChat({ type: "private" });
    const broken = "<b>Invented part with an unclosed tag";
    await subscribe(h, reader.id, "private", [PARTS[0] as string, broken, PARTS[2] as string]);

    const job = await enqueueDigest(h.queue, reader.id, 1);
    expect(await settled(h.queue, job.id as string)).toMatchObject({ sent: 2, skipped: 1 });
    expect(htmlOf(h.fake.sent(reader.id))).toEqual([PARTS[0], PARTS[2]]);
    expect((await h.chats.get(reader.id))?.cursor).toBe(CURSOR);
    const logged = h.logs.find((line) => line.level === 50 && line.kind === "bad-message");
    expect(logged).toMatchObject({ chatId: reader.id, jobId: job.id, part: 1, text: broken });
    expect(await h.delivery.counters.readCounters()).toMatchObject({ badMessages: 1, sent: 2 });
  });

  it("retries a 5xx without resending the parts already delivered", async () => {
    const h = await setup();
    const reader = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private", PARTS);

    const job = await enqueueDigest(h.queue, reader.id, 1);
    await h.fake.waitForMessage(reader.id);
    const fault = h.fake.failChat(reader.id, faults.serverError(502), { times: 1 });
    // The failed attempt must not have moved the cursor.
    await waitFor(() => fault.hits === 1, { message: "the 502" });
    expect((await h.chats.get(reader.id))?.cursor).toBe(0);
    // The retry sends the rest as first composed, not what would be composed now.
    h.digests.set(reader.id, {
      parts: ["Invented other"],
      cursor: CURSOR + 1,
      itemCount: 1,
      more: 0,
    });

    expect(await settled(h.queue, job.id as string)).toMatchObject({ sent: 2 });
    expect(htmlOf(h.fake.sent(reader.id))).toEqual(PARTS);
    expect(h.fake.callsOf("sendMessage")).toHaveLength(4);
    // one failed attempt, one that finished
    expect((await h.queue.getJob(job.id as string))?.attemptsMade).toBe(2);
    expect((await h.chats.get(reader.id))?.cursor).toBe(CURSOR);
    expect(await h.delivery.counters.readCounters()).toMatchObject({
      retried: 1,
      failed: 0,
      sent: 3,
    });
  });

  it("composes a one-part digest again when it is retried, with what arrived meanwhile", async () => {
    const h = await setup();
    const reader = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private", ["Invented digest"]);
    const fault = h.fake.failChat(reader.id, faults.serverError(502), { times: 1 });

    const job = await enqueueDigest(h.queue, reader.id, 1);
    await waitFor(() => fault.hits === 1, { message: "the 502" });
    const later = "Invented digest, and one more article";
    h.digests.set(reader.id, { parts: [later], cursor: CURSOR + 1, itemCount: 2, more: 0 });

    expect(await settled(h.queue, job.id as string)).toMatchObject({ sent: 1 });
    expect(htmlOf(h.fake.sent(reader.id))).toEqual([later]);
    expect((await h.chats.get(reader.id))?.cursor).toBe(CURSOR + 1);
    // one part is never stored in the job's record
    expect(await h.redis.hexists(h.keys.deliveryRecord(job.id as string), "parts")).toBe(0);
  });

  it("gives up after the last attempt and leaves the cursor where it was", async () => {
    const h = await setup({ retryDelayMs: 5 });
    const reader = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private", PARTS);
    h.fake.failChat(reader.id, faults.serverError(500));

    const job = await enqueueDigest(h.queue, reader.id, 1);
    await settled(h.queue, job.id as string, "failed");
    expect(h.fake.callsOf("sendMessage")).toHaveLength(DELIVERY_ATTEMPTS);
    const chat = await h.chats.get(reader.id);
    expect(chat).toMatchObject({ status: "active", cursor: 0 });
    expect(await h.delivery.counters.readCounters()).toMatchObject({
      retried: DELIVERY_ATTEMPTS - 1,
      failed: 1,
      sent: 0,
    });
  });

  it("on a 429 sends nothing anywhere until retry_after has passed, and loses nothing", async () => {
    const h = await setup({ broadcastRate: 5 });
    const chats = [
      h.fake.addChat({ type: "private" }),
      h.fake.addChat({ type: "private" }),
      h.fake.addChat({ type: "private" }),
    ];
    for (const chat of chats) await subscribe(h, chat.id, "private", [`Invented for ${chat.id}`]);
    h.fake.failAll(faults.tooManyRequests(1), { times: 1 });

    const jobs = await Promise.all(chats.map((chat) => enqueueDigest(h.queue, chat.id, 1)));
    for (const job of jobs) await settled(h.queue, job.id as string);

    const refused = h.fake.calls.find((call) => call.response?.error_code === 429);
    expect(refused).toBeDefined();
    const resumeAt = (refused?.at ?? 0) + 1000;
    expect(h.fake.earlyRetries).toEqual([]);
    for (const message of h.fake.sent())
      expect(message.receivedAt).toBeGreaterThanOrEqual(resumeAt);
    for (const chat of chats) expect(h.fake.sent(chat.id)).toHaveLength(1);
    expect(await h.delivery.counters.readCounters()).toMatchObject({
      rateLimitedSeconds: 1,
      sent: 3,
      retried: 0,
    });
  });

  it("pauses the whole queue on a 429 in the middle of a digest, then finishes it", async () => {
    const h = await setup();
    const reader = h.fake.addChat({ type: "private" });
    const other = h.fake.addChat({ type: "private" });
    await subscribe(h, reader.id, "private", PARTS);
    await subscribe(h, other.id, "private", ["Invented for the other chat"]);

    const job = await enqueueDigest(h.queue, reader.id, 1);
    await h.fake.waitForMessage(reader.id);
    const limit = h.fake.failAll(faults.tooManyRequests(2), { times: 1 });
    await waitFor(() => limit.hits === 1, { message: "the 429" });
    const later = await enqueueDigest(h.queue, other.id, 1);

    await settled(h.queue, job.id as string);
    await settled(h.queue, later.id as string);
    expect(h.fake.earlyRetries).toEqual([]);
    expect(htmlOf(h.fake.sent(reader.id))).toEqual(PARTS);
    expect(h.fake.sent(other.id)).toHaveLength(1);
    const refused = h.fake.calls.find((call) => call.response?.error_code === 429);
    const resumeAt = (refused?.at ?? 0) + 2000;
    const afterPause = h.fake.sent().filter((m) => m.receivedAt > (refused?.at ?? 0));
    expect(afterPause).toHaveLength(3);
    for (const message of afterPause) expect(message.receivedAt).toBeGreaterThanOrEqual(resumeAt);
    expect(await h.delivery.counters.readCounters()).toMatchObject({ rateLimitedSeconds: 2 });
  });
});
