import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import { type ChatStore, createChatStore } from "../../src/chats/chat-store.ts";
import { localTime, nextDueAt } from "../../src/chats/next-due.ts";
import {
  createDeliveryQueue,
  type DeliveryQueue,
  digestBatchJobId,
} from "../../src/delivery/queue.ts";
import { createScheduler, planSlot, type Scheduler } from "../../src/delivery/scheduler.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { type TestRedis, useRedis } from "../support/redis.ts";
import { waitFor } from "../support/wait-for.ts";

const silent = pino({ level: "silent" });
const MINUTE = 60_000;
const GRACE = 60 * MINUTE;

interface Harness extends TestRedis {
  chats: ChatStore;
  queue: DeliveryQueue;
  /** the pinned clock every part reads; tests move it */
  clock: { now: number };
  scheduler(options?: {
    batchSize?: number;
    intervalMs?: number;
    chatsPerJob?: number;
    chats?: Pick<ChatStore, "scheduleFields" | "decodeSchedule">;
    redis?: TestRedis["redis"];
  }): Scheduler;
}

async function setup(start: number): Promise<Harness> {
  const testRedis = await useRedis();
  const clock = { now: start };
  const chats = createChatStore(testRedis.redis, testRedis.keys, {
    defaults: { lang: "en", tz: "Europe/Kyiv" },
    topicIds: new Set(["frontline", "kursk"]),
    clock: () => clock.now,
  });
  const queueRedis = createRedis(testRedis.url);
  const queue = createDeliveryQueue({ connection: queueRedis, keys: testRedis.keys });
  const schedulers: Scheduler[] = [];
  onTestFinished(async () => {
    for (const s of schedulers) await s.stop();
    await queue.close();
    await queueRedis.quit();
  });
  return {
    ...testRedis,
    chats,
    queue,
    clock,
    scheduler(options = {}) {
      const scheduler = createScheduler({
        redis: testRedis.redis,
        keys: testRedis.keys,
        chats,
        queue,
        logger: silent,
        graceMs: GRACE,
        clock: () => clock.now,
        ...options,
      });
      schedulers.push(scheduler);
      return scheduler;
    },
  };
}

async function subscribe(
  h: Harness,
  id: number,
  settings: { times?: string[]; tz?: string } = {},
): Promise<void> {
  await h.chats.ensure(id, { kind: "private" });
  if (Object.keys(settings).length > 0) {
    const result = await h.chats.updateSettings(id, settings);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
  }
  await h.chats.setStatus(id, "active");
}

/**
 * Every chat's digest in the queue, in the order the jobs were added and,
 * in a job, its chats' order (the scheduler enqueues only batch jobs, each
 * under the id its slot and chats give it).
 */
async function jobsOf(queue: DeliveryQueue) {
  const jobs = await queue.getJobs(
    ["waiting", "delayed", "active", "completed", "failed"],
    0,
    -1,
    true,
  );
  return jobs.flatMap((job) => {
    if (job.data.kind !== "digests") throw new Error(`unexpected ${job.data.kind} job`);
    const { dueMs, chatIds } = job.data;
    expect(job.id).toBe(digestBatchJobId(dueMs, chatIds));
    return chatIds.map((chatId) => ({ chatId, dueMs }));
  });
}

async function dueOf(h: Harness, id: number): Promise<number | undefined> {
  const score = await h.redis.zscore(h.keys.schedule(), String(id));
  return score === null ? undefined : Number(score);
}

describe("scheduler", () => {
  it("enqueues each due chat once per slot with two instances ticking at once", async () => {
    const start = Date.UTC(2025, 0, 15, 0, 0);
    const h = await setup(start);
    const ids = Array.from({ length: 240 }, (_, i) => 1000 + i);
    // At 08:00:30 UTC the first three times of each zone fell due within the last hour.
    const zones = [
      { tz: "Europe/Kyiv", times: ["09:15", "09:45", "10:00", "20:00"] },
      { tz: "Europe/London", times: ["07:15", "07:45", "08:00", "20:00"] },
    ];
    const settingsOf = (i: number) => {
      const zone = zones[i % 2] as (typeof zones)[number];
      return { tz: zone.tz, times: [zone.times[Math.floor(i / 2) % 4] as string] };
    };
    await Promise.all(ids.map((id, i) => subscribe(h, id, settingsOf(i))));
    h.clock.now = Date.UTC(2025, 0, 15, 8, 0, 30);
    // Two connections, so the two instances' pages interleave at Redis as they come.
    const other = createRedis(h.url);
    onTestFinished(() => void other.disconnect());
    const a = h.scheduler({ batchSize: 16 });
    const b = h.scheduler({ batchSize: 16, redis: other });

    const [fromA, fromB] = await Promise.all([a.tick(), b.tick()]);

    const dueIds = ids.filter((_, i) => settingsOf(i).times[0] !== "20:00");
    expect(dueIds).toHaveLength(180);
    expect(fromA + fromB).toBe(dueIds.length);
    const jobs = await jobsOf(h.queue);
    expect(jobs).toHaveLength(dueIds.length);
    expect(new Set(jobs.map((j) => j.chatId))).toEqual(new Set(dueIds));
    for (const job of jobs) {
      const chat = await h.chats.get(job.chatId);
      if (!chat) throw new Error("chat missing");
      expect(localTime(chat.tz, job.dueMs)).toBe(chat.times[0]);
      expect(job.dueMs).toBeLessThanOrEqual(h.clock.now);
    }
    for (const id of ids) {
      const chat = await h.chats.get(id);
      if (!chat) throw new Error("chat missing");
      expect(await dueOf(h, id)).toBe(nextDueAt(chat, h.clock.now));
    }
    expect(await Promise.all([a.tick(), b.tick()])).toEqual([0, 0]);
    expect(await jobsOf(h.queue)).toHaveLength(dueIds.length);
  });

  it("enqueues a slot's chats in batch jobs of at most chatsPerJob, in the order they fell due", async () => {
    const h = await setup(Date.UTC(2025, 0, 15, 0, 0));
    const ids = Array.from({ length: 25 }, (_, i) => 5000 + i);
    await Promise.all(ids.map((id) => subscribe(h, id)));
    const kyiv8 = Date.UTC(2025, 0, 15, 6, 0);
    // due a millisecond apart, last first: the order they fell due is not the order of their ids
    const order = [...ids].reverse();
    const due = h.redis.pipeline();
    order.forEach((id, i) => {
      due.zadd(h.keys.schedule(), kyiv8 - 25 + i, String(id));
    });
    await due.exec();
    h.clock.now = kyiv8 + 1000;

    expect(await h.scheduler({ chatsPerJob: 10 }).tick()).toBe(25);

    const jobs = await h.queue.getJobs(["waiting"], 0, -1, true);
    expect(jobs.map((job) => (job.data.kind === "digests" ? job.data.chatIds : []))).toEqual([
      order.slice(0, 10),
      order.slice(10, 20),
      order.slice(20),
    ]);
    // every chat's slot is the 08:00 it was due for, whatever its score a moment before
    expect(new Set(jobs.map((job) => (job.data.kind === "digests" ? job.data.dueMs : 0)))).toEqual(
      new Set([kyiv8]),
    );
  });

  it("delivers a chat at its own local 08:00: Kyiv and New York", async () => {
    // Winter: Kyiv is UTC+2, New York UTC-5.
    const h = await setup(Date.UTC(2025, 0, 15, 0, 0));
    await subscribe(h, 1, { tz: "Europe/Kyiv", times: ["08:00"] });
    await subscribe(h, 2, { tz: "America/New_York", times: ["08:00"] });
    const scheduler = h.scheduler();

    h.clock.now = Date.UTC(2025, 0, 15, 5, 59, 59);
    expect(await scheduler.tick()).toBe(0);
    h.clock.now = Date.UTC(2025, 0, 15, 6, 0, 1);
    expect(await scheduler.tick()).toBe(1);
    h.clock.now = Date.UTC(2025, 0, 15, 12, 59, 59);
    expect(await scheduler.tick()).toBe(0);
    h.clock.now = Date.UTC(2025, 0, 15, 13, 0, 1);
    expect(await scheduler.tick()).toBe(1);

    const jobs = await jobsOf(h.queue);
    expect(
      jobs.map(({ chatId, dueMs }) => ({ chatId, dueMs })).sort((x, y) => x.chatId - y.chatId),
    ).toEqual([
      { chatId: 1, dueMs: Date.UTC(2025, 0, 15, 6, 0) },
      { chatId: 2, dueMs: Date.UTC(2025, 0, 15, 13, 0) },
    ]);
    expect(await dueOf(h, 1)).toBe(Date.UTC(2025, 0, 16, 6, 0));
    expect(await dueOf(h, 2)).toBe(Date.UTC(2025, 0, 16, 13, 0));

    // Summer: both clocks moved forward an hour, on different dates; 08:00 local stays 08:00.
    h.clock.now = Date.UTC(2025, 6, 1, 0, 0);
    await h.chats.reschedule(1);
    await h.chats.reschedule(2);
    h.clock.now = Date.UTC(2025, 6, 1, 5, 0, 1);
    expect(await scheduler.tick()).toBe(1);
    h.clock.now = Date.UTC(2025, 6, 1, 12, 0, 1);
    expect(await scheduler.tick()).toBe(1);
    const summer = (await jobsOf(h.queue)).filter((j) => j.dueMs >= Date.UTC(2025, 6, 1));
    expect(summer.map((j) => [j.chatId, j.dueMs]).sort()).toEqual([
      [1, Date.UTC(2025, 6, 1, 5, 0)],
      [2, Date.UTC(2025, 6, 1, 12, 0)],
    ]);
  });

  it("sends one digest for slots missed while down, within the grace period", async () => {
    // Kyiv, winter (UTC+2): 08:00 local = 06:00Z, 10:00 local = 08:00Z.
    const h = await setup(Date.UTC(2025, 0, 15, 5, 0));
    await subscribe(h, 7, { times: ["08:00", "10:00"] });
    expect(await dueOf(h, 7)).toBe(Date.UTC(2025, 0, 15, 6, 0));

    // Down from 07:30 to 10:30 local: both slots missed, 10:00 is 30 minutes ago.
    h.clock.now = Date.UTC(2025, 0, 15, 8, 30);
    expect(await h.scheduler().tick()).toBe(1);
    const jobs = await jobsOf(h.queue);
    expect(jobs.map(({ chatId, dueMs }) => ({ chatId, dueMs }))).toEqual([
      { chatId: 7, dueMs: Date.UTC(2025, 0, 15, 8, 0) },
    ]);
    expect(await dueOf(h, 7)).toBe(Date.UTC(2025, 0, 16, 6, 0));
  });

  it("sends nothing when even the latest missed slot is older than the grace period", async () => {
    const h = await setup(Date.UTC(2025, 0, 15, 5, 0));
    await subscribe(h, 7, { times: ["08:00", "10:00"] });

    // Down until 11:30 local: the 10:00 slot is 90 minutes old.
    h.clock.now = Date.UTC(2025, 0, 15, 9, 30);
    expect(await h.scheduler().tick()).toBe(0);
    expect(await jobsOf(h.queue)).toEqual([]);
    expect(await dueOf(h, 7)).toBe(Date.UTC(2025, 0, 16, 6, 0));

    // Down for days: still nothing, and the chat is back on its daily rhythm.
    await subscribe(h, 8, { times: ["08:00"] });
    h.clock.now = Date.UTC(2025, 0, 20, 12, 0);
    expect(await h.scheduler().tick()).toBe(0);
    expect(await dueOf(h, 8)).toBe(Date.UTC(2025, 0, 21, 6, 0));
  });

  it("plans slots from the grace window, not from the whole downtime", () => {
    const chat = { tz: "Europe/Kyiv", times: ["08:00", "10:00"] };
    const due = Date.UTC(2025, 0, 15, 6, 0);
    expect(planSlot(chat, due, due + 1000, GRACE)).toEqual({
      slot: due,
      next: Date.UTC(2025, 0, 15, 8, 0),
    });
    expect(planSlot(chat, due, due + GRACE, GRACE)).toMatchObject({ slot: due });
    expect(planSlot(chat, due, due + GRACE + 1, GRACE)).toEqual({
      next: Date.UTC(2025, 0, 15, 8, 0),
    });
    // A month down: only the slot 30 minutes ago.
    const later = Date.UTC(2025, 1, 15, 8, 30);
    expect(planSlot(chat, due, later, GRACE)).toEqual({
      slot: Date.UTC(2025, 1, 15, 8, 0),
      next: Date.UTC(2025, 1, 16, 6, 0),
    });
  });

  it("never enqueues chats that unsubscribed, and drops stale schedule entries", async () => {
    const h = await setup(Date.UTC(2025, 0, 15, 0, 0));
    await subscribe(h, 1);
    await subscribe(h, 2);
    await subscribe(h, 3);
    await h.chats.setStatus(2, "paused");
    await h.chats.setStatus(3, "blocked");
    // Entries no store would leave: a paused chat, a chat that does not exist, and no chat id.
    const kyiv8 = Date.UTC(2025, 0, 15, 6, 0);
    await h.chats.ensure(4, { kind: "private" });
    await h.redis.zadd(h.keys.schedule(), kyiv8, "4", kyiv8, "5", kyiv8, "chat,6");

    h.clock.now = kyiv8 + 1000;
    expect(await h.scheduler().tick()).toBe(1);
    expect((await jobsOf(h.queue)).map((j) => j.chatId)).toEqual([1]);
    expect(await h.redis.zrange(h.keys.schedule(), 0, -1)).toEqual(["1"]);
  });

  it("does not claim a chat whose schedule changed after it was read", async () => {
    const h = await setup(Date.UTC(2025, 0, 15, 0, 0));
    await subscribe(h, 1);
    const kyiv8 = Date.UTC(2025, 0, 15, 6, 0);
    h.clock.now = kyiv8 + 1000;
    // The chat's schedule changes between the scheduler's read and its claim:
    // its entry moves to 21:00 Kyiv (on the scheduler's own connection, so
    // before the claim) while the scheduler plans the times it read.
    const chats: Pick<ChatStore, "scheduleFields" | "decodeSchedule"> = {
      scheduleFields: h.chats.scheduleFields,
      decodeSchedule: (id, values) => {
        void h.redis.zadd(h.keys.schedule(), Date.UTC(2025, 0, 15, 19, 0), "1");
        return h.chats.decodeSchedule(id, values);
      },
    };
    const scheduler = createScheduler({
      redis: h.redis,
      keys: h.keys,
      chats,
      queue: h.queue,
      logger: silent,
      graceMs: GRACE,
      clock: () => h.clock.now,
    });
    expect(await scheduler.tick()).toBe(0);
    expect(await dueOf(h, 1)).toBe(Date.UTC(2025, 0, 15, 19, 0));
  });

  it("leaves a chat due when its job could not be enqueued", async () => {
    const h = await setup(Date.UTC(2025, 0, 15, 0, 0));
    await subscribe(h, 1);
    const kyiv8 = Date.UTC(2025, 0, 15, 6, 0);
    h.clock.now = kyiv8 + 1000;
    const failing = Object.create(h.queue) as DeliveryQueue;
    failing.addBulk = () => Promise.reject(new Error("queue unavailable"));
    const broken = createScheduler({
      redis: h.redis,
      keys: h.keys,
      chats: h.chats,
      queue: failing,
      logger: silent,
      graceMs: GRACE,
      clock: () => h.clock.now,
    });

    await expect(broken.tick()).rejects.toThrow("queue unavailable");
    expect(await dueOf(h, 1)).toBe(kyiv8);
    expect(await h.scheduler().tick()).toBe(1);
    expect(await jobsOf(h.queue)).toEqual([{ chatId: 1, dueMs: kyiv8 }]);
  });

  it("puts a chat in one batch only when an addBulk fails part way", async () => {
    const h = await setup(Date.UTC(2025, 0, 15, 0, 0));
    for (const id of [11, 12, 13, 14]) await subscribe(h, id);
    const kyiv8 = Date.UTC(2025, 0, 15, 6, 0);
    h.clock.now = kyiv8 + 1000;
    // The first job of each addBulk goes in, then the pipeline fails.
    const partial = Object.create(h.queue) as DeliveryQueue;
    partial.addBulk = async (jobs) => {
      await h.queue.addBulk(jobs.slice(0, 1));
      throw new Error("connection lost");
    };
    const broken = createScheduler({
      redis: h.redis,
      keys: h.keys,
      chats: h.chats,
      queue: partial,
      logger: silent,
      graceMs: GRACE,
      clock: () => h.clock.now,
      chatsPerJob: 2,
    });
    await expect(broken.tick()).rejects.toThrow("connection lost");
    // Only the chats of the job that is not in the queue are due again.
    expect(await dueOf(h, 11)).toBe(Date.UTC(2025, 0, 16, 6, 0));
    expect(await dueOf(h, 13)).toBe(kyiv8);
    // A chat falling due at the same time changes how the next tick batches the rest.
    await subscribe(h, 10);
    await h.redis.zadd(h.keys.schedule(), kyiv8, "10");

    expect(await h.scheduler({ chatsPerJob: 2 }).tick()).toBe(3);
    const chats = (await jobsOf(h.queue)).map((j) => j.chatId);
    expect(chats.sort()).toEqual([10, 11, 12, 13, 14]);
  });

  it("ticks on its own once started, and stops cleanly", async () => {
    const h = await setup(Date.UTC(2025, 0, 15, 0, 0));
    await subscribe(h, 1);
    const timersBefore = countTimers();
    const scheduler = h.scheduler({ intervalMs: 20 });
    scheduler.start();
    scheduler.start();
    h.clock.now = Date.UTC(2025, 0, 15, 6, 0, 1);
    await waitFor(async () => (await jobsOf(h.queue)).length === 1, {
      message: "the started scheduler to enqueue the due chat",
    });
    await scheduler.stop();
    await scheduler.stop();
    expect(countTimers()).toBeLessThanOrEqual(timersBefore);
    // Ticking by hand still works after stop.
    h.clock.now = Date.UTC(2025, 0, 16, 6, 0, 1);
    expect(await scheduler.tick()).toBe(1);
  });
});

function countTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
}
