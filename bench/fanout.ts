import { Queue, Worker } from "bullmq";
import { Api } from "grammy";
import { createRedis } from "../src/redis/connection.ts";
import { telegramClientOptions } from "../src/telegram/http-client.ts";
import {
  type BroadcastWorld,
  broadcastWorld,
  type Deployment,
  dropDeployment,
  enqueueDue,
  seedDeployment,
  startWorker,
  timeCompletion,
  warmUp,
} from "./broadcast-world.ts";
import { type Bench, result, runIfMain } from "./lib.ts";

const CHATS = 10_000;
/** the worker's default concurrency; the bare loop keeps as many sends going */
const CONCURRENCY = 50;
/**
 * "No rate limit": a gate rate no run comes near, so the gate does all its
 * work (global schedule, per-chat spacing) without ever making a send wait.
 */
const UNLIMITED_RATE = 1_000_000;

/** Sends of each bare loop before the measured ones, as the worker has its warm-up broadcast. */
const BARE_WARM_UP = 500;

/** Messages/s of a bare grammY sendMessage loop to `chatIds`, CONCURRENCY sends at a time. */
async function bareLoop(api: Api, chatIds: number[], text: string): Promise<number> {
  const send = async (ids: number[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ids.length) {
          await api.sendMessage(ids[next++] as number, text, { parse_mode: "HTML" });
        }
      }),
    );
  };
  await send(chatIds.slice(0, BARE_WARM_UP));
  const started = performance.now();
  await send(chatIds);
  return chatIds.length / ((performance.now() - started) / 1000);
}

/** CPU time the Redis server has used, in microseconds. */
async function redisCpuMicros(world: BroadcastWorld): Promise<number> {
  const info = await world.redis.info("cpu");
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1e6;
}

/**
 * Messages/s of a BullMQ worker (CONCURRENCY jobs at once) whose jobs only
 * call sendMessage: what the queue and the HTTP client cost by themselves,
 * for comparison, with none of what our jobs do to never lose or repeat a
 * part. Its jobs are enqueued beforehand, as ours are.
 */
async function queueOnlyLoop(world: BroadcastWorld, chatIds: number[], text: string) {
  const prefix = `benchq${Math.random().toString(36).slice(2, 8)}`;
  const queue = new Queue<{ chatId: number }>("send", { connection: world.redis, prefix });
  const connection = createRedis(world.url);
  try {
    await queue.addBulk(
      chatIds.map((chatId) => ({
        name: "send",
        data: { chatId },
        opts: { jobId: `send_${chatId}`, removeOnComplete: { count: 1000 } },
      })),
    );
    let done = 0;
    const started = performance.now();
    const worker = new Worker<{ chatId: number }>(
      "send",
      async (job) => {
        await world.api.sendMessage(job.data.chatId, text, { parse_mode: "HTML" });
      },
      { connection, prefix, concurrency: CONCURRENCY },
    );
    await new Promise<void>((resolve, reject) => {
      worker.on("completed", () => {
        if (++done === chatIds.length) resolve();
      });
      worker.on("failed", (_job, err) => reject(err));
    });
    const perSecond = chatIds.length / ((performance.now() - started) / 1000);
    await worker.close();
    return perSecond;
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  }
}

/**
 * One digest to 10,000 chats through our worker (jobs enqueued by our
 * scheduler beforehand), against a bare grammY sendMessage loop sending the
 * same text to the same chats at the same concurrency, both through the fake
 * Telegram (in its own process) with no flood limit. Our worker's gate runs
 * at a rate no run reaches (UNLIMITED_RATE), so it checks every send but
 * makes none wait. Both are measured warm: the worker after a small
 * broadcast of its own (see warmUp), each loop after BARE_WARM_UP sends.
 */
export const fanout: Bench = {
  name: "fanout",
  async run() {
    const world = await broadcastWorld();
    let d: Deployment | undefined;
    try {
      const options = { rate: UNLIMITED_RATE, paid: true, concurrency: CONCURRENCY };
      await warmUp(world, { ...options, settleMs: 0 });
      d = await seedDeployment(world, CHATS);
      await enqueueDue(world, d);
      const before = await world.fake.summary();
      const redisBefore = await redisCpuMicros(world);
      const ourCpu = process.cpuUsage();
      const worker = startWorker(world, d, options);
      const seconds = await timeCompletion([worker], CHATS, 300_000);
      const { user, system } = process.cpuUsage(ourCpu);
      const redisCpu = (await redisCpuMicros(world)) - redisBefore;
      await worker.close();
      const ours = CHATS / seconds;
      const after = await world.fake.summary(before.sent);
      if (after.sent !== CHATS || after.chats !== CHATS) {
        throw new Error(`${after.sent} messages sent to ${after.chats} of ${CHATS} chats`);
      }
      const { token, apiRoot } = world.fake;
      const text = after.lastHtml;
      const base = await bareLoop(new Api(token, { apiRoot }), d.chatIds, text);
      const sameClient = await bareLoop(
        new Api(token, telegramClientOptions(apiRoot)),
        d.chatIds,
        text,
      );
      const queueOnly = await queueOnlyLoop(world, d.chatIds, text);
      const perMessage = (micros: number) => (micros / CHATS).toFixed(0);
      process.stderr.write(
        `fanout: ours ${ours.toFixed(0)} msg/s (${CONCURRENCY} jobs at once; CPU a message: ${perMessage(user + system)} µs ours, ${perMessage(redisCpu)} µs Redis, ${perMessage(after.cpuMicros - before.cpuMicros)} µs the fake Telegram); bare grammY loop ${base.toFixed(0)} msg/s, ${sameClient.toFixed(0)} msg/s with our HTTP client; a BullMQ worker that only sends ${queueOnly.toFixed(0)} msg/s\n`,
      );
      return result(fanout.name, ours, "messages/s", base);
    } finally {
      if (d) await dropDeployment(world, d);
      await world.close();
    }
  },
};

runIfMain(fanout, import.meta.url);
