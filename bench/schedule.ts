import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { loadTopics } from "../src/articles/topics.ts";
import { createChatStore } from "../src/chats/chat-store.ts";
import { createDeliveryQueue } from "../src/delivery/queue.ts";
import { createScheduler } from "../src/delivery/scheduler.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys } from "../src/redis/keys.ts";
import { benchRedis } from "./bench-redis.ts";
import { type Bench, result, runIfMain } from "./lib.ts";
import { eachKeyMemory, memoryOf } from "./redis-memory.ts";

const CHATS = 100_000;
const TARGET_SECONDS = 10;
const ZONES = ["Europe/Kyiv", "Europe/Kyiv", "Europe/Kyiv", "Europe/Berlin", "America/New_York"];
const TIMES = [["08:00"], ["07:30", "19:30"], ["09:00"], ["12:00", "21:00"]];
const topicsFile = fileURLToPath(new URL("../content/topics.json", import.meta.url));

/**
 * 100,000 subscribed chats (a few time zones and digest times) all due at
 * once: the seconds one scheduler tick takes to enqueue every digest job,
 * against the target of 10 s (ratio = value / 10). Also prints the Redis
 * bytes each scheduled chat costs: its schedule entry, and its queued job.
 */
export const schedule: Bench = {
  name: "schedule",
  async run() {
    const { redis, close } = await benchRedis();
    const keys = createKeys(`q${Math.random().toString(36).slice(2, 3)}:`);
    try {
      const chats = createChatStore(redis, keys, {
        defaults: { lang: "en", tz: "Europe/Kyiv" },
        topicIds: new Set(loadTopics(topicsFile).map((t) => t.id)),
      });
      const firstId = 300_000_000;
      for (let i = 0; i < CHATS; i += 1000) {
        await Promise.all(
          Array.from({ length: Math.min(1000, CHATS - i) }, async (_, j) => {
            const n = i + j;
            const id = firstId + n;
            await chats.ensure(id, { kind: "private" });
            const set = await chats.updateSettings(id, {
              tz: ZONES[n % ZONES.length],
              times: TIMES[n % TIMES.length],
            });
            if (!set.ok) throw new Error(JSON.stringify(set.errors));
            await chats.setStatus(id, "active");
          }),
        );
      }
      const now = Date.now();
      for (let i = 0; i < CHATS; i += 10_000) {
        const due = redis.pipeline();
        for (let n = i; n < Math.min(CHATS, i + 10_000); n++) {
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
      const started = performance.now();
      const enqueued = await scheduler.tick();
      const seconds = (performance.now() - started) / 1000;
      if (enqueued !== CHATS) throw new Error(`enqueued ${enqueued} of ${CHATS} digests`);
      const waiting = await queue.getWaitingCount();
      if (waiting !== CHATS) throw new Error(`${waiting} of ${CHATS} jobs waiting`);
      const jobBytes = await memoryUnder(redis, `${keys.queuePrefix()}:`);
      await queue.close();

      process.stderr.write(
        `schedule: ${CHATS} due chats enqueued in ${seconds.toFixed(2)} s; Redis bytes per scheduled chat: schedule entry ${(scheduleBytes / CHATS).toFixed(1)}, queued job ${(jobBytes / CHATS).toFixed(1)}, together ${((scheduleBytes + jobBytes) / CHATS).toFixed(1)}\n`,
      );
      return result(schedule.name, seconds, "s", TARGET_SECONDS, seconds / TARGET_SECONDS);
    } finally {
      await deleteByPrefix(redis, keys.prefix);
      await close();
    }
  },
};

/** MEMORY USAGE summed over every key starting with `prefix`. */
async function memoryUnder(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  await eachKeyMemory(redis, prefix, (_key, bytes) => {
    total += bytes;
  });
  return total;
}

runIfMain(schedule, import.meta.url);
