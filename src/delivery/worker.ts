import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import { DelayedError, Queue, Worker } from "bullmq";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Article } from "../articles/article.ts";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Topic } from "../articles/topics.ts";
import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import { isQuietAt } from "../chats/next-due.ts";
import { toRenderItem } from "../digest/article-item.ts";
import type { ComposedDigest } from "../digest/compose.ts";
import { renderLabels, type Translate } from "../digest/labels.ts";
import { renderDigest } from "../digest/render.ts";
import type { Logger } from "../logger.ts";
import { closeRedis, createRedis } from "../redis/connection.ts";
import type { RedisHealth } from "../redis/health.ts";
import type { Keys } from "../redis/keys.ts";
import { deliverCorrection, recordSentOn } from "./correct-delivery.ts";
import { createDeliveryCounters, type DeliveryCounters } from "./counters.ts";
import { createDeliveryLog, type DeliveryLog, type DeliveryRecord } from "./delivery-log.ts";
import { type ChatDelivery, deliverBatch } from "./digest-batch.ts";
import {
  DELIVERY_QUEUE,
  type DeliveryJob,
  type DeliveryJobData,
  type DigestBatchJobData,
  type DigestJobData,
  digestJobId,
  type FlashJobData,
} from "./queue.ts";
import { createRateGate, type RateGate } from "./rate-gate.ts";
import {
  type SendPartsDeps,
  type SendPartsInput,
  type SendPartsResult,
  sendParts,
} from "./send-parts.ts";
import { createSendPool, type SendPool } from "./send-pool.ts";
import { type SlotAhead, takeSlotAhead } from "./slot-ahead.ts";
import { classifyTelegramError, type TelegramDeliveryError } from "./telegram-errors.ts";
import { deliverWatch, type WatchDeliveryDeps } from "./watch-delivery.ts";

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
  now?: () => number;
}

export interface DeliveryWorker {
  worker: Worker<DeliveryJobData, DeliveryOutcome, DeliveryJobData["kind"]>;
  counters: DeliveryCounters;
  /** Stops taking jobs, lets those in flight finish (briefly), then closes the connection. */
  close(): Promise<void>;
}

/** What a job for one chat did. */
export type ChatOutcome =
  | { outcome: "delivered"; chatId: number; sent: number; skipped: number }
  | { outcome: "stopped"; chatId: number; reason: "blocked" | "chat-gone" }
  | { outcome: "skipped"; reason: string };

/** What a finished job did, kept as its BullMQ return value. */
export type DeliveryOutcome =
  | ChatOutcome
  | {
      outcome: "batch";
      dueMs: number;
      chats: number;
      delivered: number;
      stopped: number;
      skipped: number;
    };

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
  const now = options.now ?? Date.now;
  // BullMQ's own connection; it must not be auto-pipelined
  const redis = createRedis(options.redisUrl, { health: options.health });
  const onError = (what: string) =>
    options.health?.onError(what) ?? ((err: Error) => logger.error({ err }, what));
  const counters = createDeliveryCounters(options.redis, keys);
  const log = createDeliveryLog(options.redis, keys);
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
    now,
    counters,
    log,
    gate,
    paidBroadcast: paid,
    signal: stopping.signal,
    pool: createSendPool(concurrency),
    pauseQueue: (ms) => limits.rateLimit(ms),
    watchQueue: limits,
    recordSent: recordSentOn(options.redis, keys, now),
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

interface ProcessorDeps extends DeliveryWorkerOptions {
  now: () => number;
  counters: DeliveryCounters;
  log: DeliveryLog;
  gate: RateGate;
  paidBroadcast: boolean;
  signal: AbortSignal;
  pool: SendPool;
  pauseQueue(ms: number): Promise<void>;
  /** where a watch job enqueues the chat's next one (watch-delivery.ts) */
  watchQueue: WatchDeliveryDeps["queue"];
  recordSent: SendPartsDeps["recordSent"];
}

function createProcessor(deps: ProcessorDeps) {
  const { log, counters, logger, signal } = deps;

  /**
   * The job's record, its chat (where the parts go now) when that chat is
   * active, and the articles that chat got as flashes, read together.
   */
  async function start(jobId: string, data: { chatId: number }): Promise<JobStart> {
    const read = (chatId: number) => Promise.all([deps.chats.get(chatId), log.flashedTo(chatId)]);
    const [record, [first, flashed]] = await Promise.all([log.read(jobId), read(data.chatId)]);
    const to = record.target ?? data.chatId;
    const [chat, flashedThere] = to === data.chatId ? [first, flashed] : await read(to);
    return { record, chat: chat?.status === "active" ? chat : undefined, flashed: flashedThere };
  }

  function send(
    jobId: string,
    chat: Chat,
    parts: string[],
    record: DeliveryRecord,
    after: Pick<SendPartsInput, "onDelivered" | "saveParts" | "slotAhead">,
  ): Promise<SendPartsResult> {
    return sendParts(deps, {
      jobId,
      chat,
      parts,
      record,
      silent: isQuietAt(chat, deps.now()),
      signal,
      ...after,
    });
  }

  async function digest(
    jobId: string,
    data: Pick<DigestJobData, "chatId">,
    slotAhead: SlotAhead,
  ): Promise<ChatOutcome | Deferred> {
    const { record, chat, flashed } = await start(jobId, data);
    if (record.done) return { outcome: "skipped", reason: "already delivered" };
    if (!chat) return { outcome: "skipped", reason: "chat not active" };
    let parts = record.parts;
    let cursor = record.cursor;
    // what had arrived by then is in the digest; the next one offers what came later
    let composedAt = record.composedAt ?? deps.now();
    let lateFrom = record.lateFrom;
    let saveParts: (() => Promise<void>) | undefined;
    if (parts === undefined || cursor === undefined) {
      composedAt = deps.now();
      const composed = await deps.compose(chat, { now: composedAt, flashed });
      if (!composed || composed.parts.length === 0) {
        return { outcome: "skipped", reason: "nothing new" };
      }
      ({ parts, cursor, lateFrom } = composed);
      const digest = {
        cursor: composed.cursor,
        composedAt,
        ...(lateFrom === undefined ? {} : { lateFrom }),
      };
      saveParts = () => log.saveParts(jobId, composed.parts, digest);
    }
    const delivered = cursor;
    const result = await send(jobId, chat, parts, record, {
      saveParts,
      slotAhead,
      onDelivered: (chatId, batch) =>
        deps.chats.setCursor(chatId, delivered, composedAt, lateFrom, batch),
    });
    return outcomeOf(result);
  }

  async function flash(
    jobId: string,
    data: FlashJobData,
    slotAhead: SlotAhead,
  ): Promise<ChatOutcome | Deferred> {
    const { record, chat, flashed } = await start(jobId, data);
    if (record.done) return { outcome: "skipped", reason: "already delivered" };
    if (!chat?.flash) return { outcome: "skipped", reason: "chat takes no flashes" };
    let parts = record.parts;
    let saveParts: (() => Promise<void>) | undefined;
    if (parts === undefined) {
      if (flashed.includes(data.articleId)) {
        return { outcome: "skipped", reason: "already flashed" };
      }
      const article = await deps.articles.get(data.articleId);
      if (!article) return { outcome: "skipped", reason: "article not found" };
      const rendered = renderFlash(chat, article, deps);
      parts = rendered;
      saveParts = () => log.saveParts(jobId, rendered);
    }
    const result = await send(jobId, chat, parts, record, {
      saveParts,
      slotAhead,
      onDelivered: (chatId, batch) => log.markFlashed(chatId, data.articleId, batch),
    });
    return outcomeOf(result);
  }

  /** A 429: every send in every process and the queue wait `retry_after`; the job goes back to wait. */
  async function rateLimited(failure: TelegramDeliveryError, context: object): Promise<never> {
    const seconds = failure.retryAfterSec ?? 1;
    await deps.gate.pause(seconds * 1000);
    await deps.pauseQueue(seconds * 1000);
    await counters.increment("rateLimitedSeconds", seconds);
    logger.warn({ ...context, retryAfterSec: seconds }, "Telegram asked to wait; queue paused");
    throw Worker.RateLimitError();
  }

  /** A failure worth retrying (`chats` of the job's chats failed): counted, logged once, thrown. */
  async function failed(
    job: DeliveryJob,
    failure: TelegramDeliveryError,
    context: object,
    chats = 1,
  ): Promise<never> {
    const attempts = job.opts.attempts ?? 1;
    const final = job.attemptsMade + 1 >= attempts;
    await counters.increment(final ? "failed" : "retried", chats);
    const level = final || failure.kind === "unknown" ? "error" : "warn";
    logger[level](
      { ...context, err: failure, attempt: job.attemptsMade + 1, attempts },
      final ? "delivery failed, giving up" : "delivery failed, will retry",
    );
    throw failure;
  }

  /** Runs the job again after `delayMs`, without counting an attempt. */
  async function putBack(job: DeliveryJob, delayMs: number, token?: string): Promise<never> {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  /** One chat of a batch, as a digest job of its own (same record id) would deliver it. */
  async function batchChat(chatId: number, dueMs: number): Promise<ChatDelivery> {
    const slotAhead = takeSlotAhead(deps.gate, chatId, signal);
    try {
      const outcome = await digest(digestJobId(chatId, dueMs), { chatId }, slotAhead);
      return outcome.outcome === "deferred" ? outcome : { outcome: outcome.outcome };
    } finally {
      slotAhead.drop();
    }
  }

  async function batch(
    job: DeliveryJob,
    data: DigestBatchJobData,
    token?: string,
  ): Promise<DeliveryOutcome> {
    const { end, counts } = await deliverBatch(data, {
      pool: deps.pool,
      signal,
      deliver: batchChat,
      pausedFor: () => deps.gate.pausedFor(),
    });
    const context = { jobId: job.id, chats: data.chatIds.length, left: counts.left };
    switch (end.end) {
      case "done": {
        const { delivered, stopped, skipped } = counts;
        const chats = data.chatIds.length;
        return { outcome: "batch", dueMs: data.dueMs, chats, delivered, stopped, skipped };
      }
      case "deferred":
        return putBack(job, end.deferMs, token);
      case "aborted":
        return putBack(job, 0, token);
      case "rate-limited":
        return rateLimited(end.failure, { ...context, kind: end.failure.kind });
      case "retry":
        return failed(job, end.failure, { ...context, kind: end.failure.kind }, end.failed);
    }
  }

  /** A job for one chat (a flash, or a digest of its own), urgent in the send pool. */
  async function single(
    job: DeliveryJob,
    data: Exclude<DeliveryJobData, DigestBatchJobData>,
    token?: string,
  ): Promise<DeliveryOutcome> {
    const jobId = job.id as string;
    try {
      const outcome = await deps.pool.run(
        async () => {
          // asked for now, it travels with the job's first reads; a job that sends nothing hands it back
          const slotAhead = takeSlotAhead(deps.gate, data.chatId, signal);
          return (
            data.kind === "digest"
              ? digest(jobId, data, slotAhead)
              : data.kind === "flash"
                ? flash(jobId, data, slotAhead)
                : data.kind === "watch"
                  ? deliverWatch({ ...deps, queue: deps.watchQueue }, job, data, slotAhead)
                  : deliverCorrection(deps, data, slotAhead)
          ).finally(() => slotAhead.drop());
        },
        { urgent: true },
      );
      if (outcome.outcome === "deferred") return await putBack(job, outcome.deferMs, token);
      return outcome;
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      if (signal.aborted && err instanceof Error && err.name === "AbortError") {
        return putBack(job, 0, token);
      }
      const failure = classifyTelegramError(err);
      const context = { jobId: job.id, chatId: data.chatId, kind: failure.kind };
      if (failure.kind === "rate-limited") return rateLimited(failure, context);
      return failed(job, failure, context);
    }
  }

  return (job: DeliveryJob, token?: string): Promise<DeliveryOutcome> => {
    const data = job.data;
    if (data.kind === "digests") return batch(job, data, token);
    return single(job, data, token);
  };
}

interface JobStart {
  record: DeliveryRecord;
  chat: Chat | undefined;
  flashed: string[];
}

/** A job that must wait for the rate gate longer than it should hold a worker slot. */
type Deferred = { outcome: "deferred"; deferMs: number };

function outcomeOf(result: SendPartsResult): ChatOutcome | Deferred {
  if (result.status === "deferred") return { outcome: "deferred", deferMs: result.deferMs };
  if (result.status === "stopped") {
    return { outcome: "stopped", chatId: result.chatId, reason: result.reason };
  }
  return {
    outcome: "delivered",
    chatId: result.chatId,
    sent: result.sent,
    skipped: result.skipped,
  };
}

/** One article as flash messages in the chat's language and time zone. */
function renderFlash(
  chat: Chat,
  article: Article,
  deps: Pick<DeliveryWorkerOptions, "topics" | "translate">,
): string[] {
  return renderDigest([{ ...toRenderItem(article), urgency: "flash" }], {
    labels: renderLabels(deps.translate, chat.lang, deps.topics),
    timeZone: chat.tz,
  });
}
