import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { loadTopics } from "../src/articles/topics.ts";
import { createChatStore } from "../src/chats/chat-store.ts";
import { chatsOfJob, createDeliveryQueue, DELIVERY_QUEUE } from "../src/delivery/queue.ts";
import { createScheduler } from "../src/delivery/scheduler.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys } from "../src/redis/keys.ts";
import { benchRedis } from "./bench-redis.ts";
import { type Bench, chatCount, result, runIfMain } from "./lib.ts";
import { eachKeyMemory, memoryOf } from "./redis-memory.ts";
import { copyChats } from "./seed-chats.ts";

/** chats due at once; SCHEDULE_CHATS overrides it (e.g. 100000 for a quicker run) */
const DEFAULT_CHATS = 1_000_000;
const TARGET_SECONDS = 10;
/** the goal for Redis bytes the queue holds per due chat */
const TARGET_QUEUED_BYTES = 50;
const ZONES = ["Europe/Kyiv", "Europe/Kyiv", "Europe/Kyiv", "Europe/Berlin", "America/New_York"];
const TIMES = [["08:00"], ["07:30", "19:30"], ["09:00"], ["12:00", "21:00"]];
const topicsFile = fileURLToPath(new URL("../content/topics.json", import.meta.url));

/**
 * A million subscribed chats (SCHEDULE_CHATS; a few time zones and digest
 * times) all due at once: the seconds one scheduler tick takes to enqueue
 * every digest, against the target of 10 s (ratio = value / 10). Also prints
 * the Redis bytes each due chat costs: its schedule entry, and its share of
 * the queue (MEMORY USAGE of every key of the queue, over the due chats;
 * goal ≤ 50). One chat of each kind subscribes through the ChatStore; the
 * rest are copies of those under their own ids (seed-chats.ts), which is
 * what the store would write, in a fraction of the time.
 */
export const schedule: Bench = {
  name: "schedule",
  async run() {
    const count = chatCount("SCHEDULE_CHATS", DEFAULT_CHATS);
    const { redis, close } = await benchRedis();
    const keys = createKeys(`q${Math.random().toString(36).slice(2, 3)}:`);
    try {
      const chats = createChatStore(redis, keys, {
        defaults: { lang: "en", tz: "Europe/Kyiv" },
        topicIds: new Set(loadTopics(topicsFile).map((t) => t.id)),
      });
      const firstId = 300_000_000;
      const kinds = ZONES.length * TIMES.length;
      const templates: number[] = [];
      for (let n = 0; n < Math.min(kinds, count); n++) {
        const id = firstId + n;
        await chats.ensure(id, { kind: "private" });
        const set = await chats.updateSettings(id, {
          tz: ZONES[n % ZONES.length],
          times: TIMES[n % TIMES.length],
        });
        if (!set.ok) throw new Error(JSON.stringify(set.errors));
        await chats.setStatus(id, "active");
        templates.push(id);
      }
      await copyChats(
        redis,
        keys,
        templates,
        Array.from({ length: count - templates.length }, (_, i) => firstId + templates.length + i),
      );
      const now = Date.now();
      for (let i = 0; i < count; i += 10_000) {
        const due = redis.pipeline();
        for (let n = i; n < Math.min(count, i + 10_000); n++) {
          due.zadd(keys.schedule(), now - 1000 - (n % 600) * 1000, String(firstId + n));
        }
        await due.exec();
      }
      const scheduleBytes = await memoryOf(redis, keys.schedule());

      const queue = createDeliveryQueue({ connection: redis, keys });
      const scheduler = createScheduler({
        redis,
        keys,
        chats,
        queue,
        logger: pino({ level: "silent" }),
        graceMs: 3_600_000,
      });
      if (process.env.SCHEDULE_COMMANDSTATS) await redis.config("RESETSTAT");
      const redisCpuBefore = await redisCpuSeconds(redis);
      const ourCpu = process.cpuUsage();
      const started = performance.now();
      const enqueued = await scheduler.tick();
      const seconds = (performance.now() - started) / 1000;
      const { user, system } = process.cpuUsage(ourCpu);
      const redisCpu = (await redisCpuSeconds(redis)) - redisCpuBefore;
      if (process.env.SCHEDULE_COMMANDSTATS) process.stderr.write(await commandStats(redis));
      if (enqueued !== count) throw new Error(`enqueued ${enqueued} of ${count} digests`);
      const waiting = await queue.getWaiting(0, -1);
      const queued = waiting.reduce((sum, job) => sum + chatsOfJob(job.data).length, 0);
      if (queued !== count) throw new Error(`${queued} of ${count} chats waiting`);
      const jobBytes = await memoryUnder(redis, `${keys.queuePrefix()}:${DELIVERY_QUEUE}:`);
      await queue.close();

      process.stderr.write(
        `schedule: ${count} due chats enqueued in ${seconds.toFixed(2)} s, in ${waiting.length} jobs; Redis bytes per due chat: schedule entry ${(scheduleBytes / count).toFixed(1)}, queued ${(jobBytes / count).toFixed(1)} (goal ≤ ${TARGET_QUEUED_BYTES}), together ${((scheduleBytes + jobBytes) / count).toFixed(1)}; CPU of the tick: ${((user + system) / 1e6).toFixed(2)} s ours, ${redisCpu.toFixed(2)} s Redis\n`,
      );
      return result(schedule.name, seconds, "s", TARGET_SECONDS, seconds / TARGET_SECONDS);
    } finally {
      await deleteByPrefix(redis, keys.prefix);
      await close();
    }
  },
};

/** CPU time the Redis server has used, in seconds. */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return seconds("used_cpu_user") + seconds("used_cpu_sys");
}

/** The commands Redis ran since its stats were reset, costliest first (SCHEDULE_COMMANDSTATS=1). */
async function commandStats(redis: Redis): Promise<string> {
  const info = await redis.info("commandstats");
  const rows = [...info.matchAll(/cmdstat_(\w+):calls=(\d+),usec=(\d+)/g)].map((m) => ({
    command: m[1],
    calls: Number(m[2]),
    seconds: Number(m[3]) / 1e6,
  }));
  rows.sort((a, b) => b.seconds - a.seconds);
  return rows.map((r) => `  ${r.command}: ${r.calls} calls, ${r.seconds.toFixed(2)} s\n`).join("");
}

/** MEMORY USAGE summed over every key starting with `prefix`. */
async function memoryUnder(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  await eachKeyMemory(redis, prefix, (_key, bytes) => {
    total += bytes;
  });
  return total;
}

runIfMain(schedule, import.meta.url);
