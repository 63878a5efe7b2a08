import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import { Queue, Worker } from "bullmq";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Topic } from "../articles/topics.ts";
import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import type { ComposedDigest } from "../digest/compose.ts";
import type { Translate } from "../digest/labels.ts";
import type { Logger } from "../logger.ts";
import { closeRedis, createRedis } from "../redis/connection.ts";
import type { RedisHealth } from "../redis/health.ts";
import type { Keys } from "../redis/keys.ts";
import { recordSentOn } from "./correct-delivery.ts";
import { createDeliveryCounters, type DeliveryCounters } from "./counters.ts";
import { createDeliveryLog } from "./delivery-log.ts";
import type { DeliveryOutcome } from "./job-outcome.ts";
import { createProcessor } from "./processor.ts";
import { DELIVERY_QUEUE, type DeliveryJobData } from "./queue.ts";
import { createRateGate } from "./rate-gate.ts";
import { createSendPool } from "./send-pool.ts";

/**
 * A killed worker's jobs are retaken after at most about lockDuration +
 * stalledInterval; live workers renew their locks every lockDuration / 2.
 */
const LOCK_MS = 10_000;
/**
 * Jobs fetched per second. The rate gate paces messages; this limiter is kept
 * only because BullMQ honours queue.rateLimit (a 429's pause) on workers that
 * have one, so it is set well above any message rate.
 */
const JOB_LIMIT_PER_SECOND = 10_000;

export interface DeliveryWorkerOptions {
  /** BullMQ's worker opens its own connection from it (maxRetriesPerRequest: null) */
  redisUrl: string;
  /**
   * The rate gate, job records and counters; best with auto-pipelining and
   * shared with the chat store, so a job's reads and writes go out together.
   * Not closed by the worker.
   */
  redis: Redis;
  keys: Keys;
  api: Api;
  chats: ChatStore;
  /**
   * The chat's digest at send time without the articles it got as flashes,
   * or undefined when nothing is new (start-delivery.ts wires digest-composer.ts).
   */
  compose(
    chat: Chat,
    options: { now: number; flashed: string[] },
  ): Promise<ComposedDigest | undefined>;
  /** what flashes are rendered from */
  articles: Pick<ArticleStore, "get">;
  topics: Topic[];
  translate: Translate;
  logger: Logger;
  /** hears the errors of the worker's connection and queues; connection errors are its to log */
  health?: RedisHealth;
  /**
   * messages per second over every worker process (default 25); config.ts
   * keeps it within Telegram's limits (30, or 1000 with paid broadcasts)
   */
  broadcastRate?: number;
  /** send with allow_paid_broadcast, allowing broadcastRate up to 1000 */
  paidBroadcast?: boolean;
  /**
   * chats one process delivers to at once (default 50), so the rate, not
   * latency, is the limit; also how many jobs (a batch is one) it holds at once
   */
  concurrency?: number;
  /** how long close() lets jobs in flight finish (default 10 s) */
  closeTimeoutMs?: number;
  /** rate waits longer than this put the job aside instead of holding a slot (default 5 s) */
  maxWaitMs?: number;
  clock?: () => number;
}

export interface DeliveryWorker {
  worker: Worker<DeliveryJobData, DeliveryOutcome, DeliveryJobData["kind"]>;
  counters: DeliveryCounters;
  /** Stops taking jobs, lets those in flight finish (briefly), then closes the connection. */
  close(): Promise<void>;
}

/**
 * The BullMQ worker of the "delivery" queue. A digest job composes the chat's
 * digest when it runs, sends its parts at Telegram's limits (see rate-gate.ts)
 * and advances the chat's cursor only after the last part; a batch job does
 * that for each of its chats (digest-batch.ts); a flash job pushes one
 * article. Every chat goes through one pool of `concurrency` sends a process
 * (send-pool.ts). Telegram's errors are handled by kind (telegram-errors.ts): a
 * 429 pauses the whole queue and every send for retry_after, transient
 * failures retry with backoff without resending delivered parts, blocked or
 * vanished chats stop being scheduled, migrated groups are followed.
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const paid = options.paidBroadcast ?? false;
  const rate = options.broadcastRate ?? 25;
  if (!(rate > 0)) throw new RangeError("broadcastRate must be above 0");
  const { keys, logger } = options;
  const clock = options.clock ?? Date.now;
  // BullMQ's own connection; it must not be auto-pipelined
  const redis = createRedis(options.redisUrl, { health: options.health });
  const onError = (what: string) =>
    options.health?.onError(what) ?? ((err: Error) => logger.error({ err }, what));
  const counters = createDeliveryCounters(options.redis, keys);
  const deliveryLog = createDeliveryLog(options.redis, keys);
  const gate = createRateGate(options.redis, keys, {
    perSecond: rate,
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
  });
  const prefix = keys.queuePrefix();
  const limits = new Queue(DELIVERY_QUEUE, { connection: redis, prefix });
  limits.on("error", onError("delivery queue error"));
  const stopping = new AbortController();
  const concurrency = options.concurrency ?? 50;
  // every job waiting at the rate gate listens to it
  setMaxListeners(0, stopping.signal);

  const processor = createProcessor({
    ...options,
    clock,
    counters,
    deliveryLog,
    gate,
    paidBroadcast: paid,
    signal: stopping.signal,
    pool: createSendPool(concurrency),
    pauseQueue: (ms) => limits.rateLimit(ms),
    watchQueue: limits,
    recordSent: recordSentOn(options.redis, keys, clock),
  });
  const worker = new Worker<DeliveryJobData, DeliveryOutcome, DeliveryJobData["kind"]>(
    DELIVERY_QUEUE,
    processor,
    {
      connection: redis,
      prefix,
      concurrency,
      limiter: { max: JOB_LIMIT_PER_SECOND, duration: 1000 },
      lockDuration: LOCK_MS,
      stalledInterval: LOCK_MS,
      name: `${hostname()}:${process.pid}`,
    },
  );
  worker.on("error", onError("delivery worker error"));

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), options.closeTimeoutMs ?? 10_000);
    });
    // With Redis down a job cannot finish (its result waits for Redis), and a
    // graceful close() cannot be forced later: stop at once; the jobs are retried.
    const force = options.health?.isUp() === false;
    const finished = await Promise.race([
      worker.close(force).then(() => "closed" as const),
      timedOut,
    ]);
    clearTimeout(timer);
    if (finished === "timeout") {
      logger.warn("delivery jobs still running at shutdown; they will be retried");
      await worker.close(true);
    }
    await limits.close();
    await closeRedis(redis);
  }

  return {
    worker,
    counters,
    close() {
      closing ??= close();
      return closing;
    },
  };
}
