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
import { createRedis } from "../redis/connection.ts";
import type { Keys } from "../redis/keys.ts";
import { deliverCorrection, recordSentOn } from "./correct-delivery.ts";
import { createDeliveryCounters, type DeliveryCounters } from "./counters.ts";
import { createDeliveryLog, type DeliveryLog, type DeliveryRecord } from "./delivery-log.ts";
import {
  DELIVERY_QUEUE,
  type DeliveryJob,
  type DeliveryJobData,
  type DigestJobData,
  type FlashJobData,
} from "./queue.ts";
import { createRateGate, type RateGate } from "./rate-gate.ts";
import {
  type SendPartsDeps,
  type SendPartsInput,
  type SendPartsResult,
  sendParts,
} from "./send-parts.ts";
import { type SlotAhead, takeSlotAhead } from "./slot-ahead.ts";
import { classifyTelegramError } from "./telegram-errors.ts";
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
  /**
   * messages per second over every worker process (default 25); config.ts
   * keeps it within Telegram's limits (30, or 1000 with paid broadcasts)
   */
  broadcastRate?: number;
  /** send with allow_paid_broadcast, allowing broadcastRate up to 1000 */
  paidBroadcast?: boolean;
  /** jobs one process works on at once (default 50), so the rate, not latency, is the limit */
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

/** What a finished job did, kept as its BullMQ return value. */
export type DeliveryOutcome =
  | { outcome: "delivered"; chatId: number; sent: number; skipped: number }
  | { outcome: "stopped"; chatId: number; reason: "blocked" | "chat-gone" }
  | { outcome: "skipped"; reason: string };

/**
 * The BullMQ worker of the "delivery" queue. A digest job composes the chat's
 * digest when it runs, sends its parts at Telegram's limits (see rate-gate.ts)
 * and advances the chat's cursor only after the last part; a flash job pushes
 * one article. Telegram's errors are handled by kind (telegram-errors.ts): a
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
  const redis = createRedis(options.redisUrl);
  const counters = createDeliveryCounters(options.redis, keys);
  const log = createDeliveryLog(options.redis, keys);
  const gate = createRateGate(options.redis, keys, {
    perSecond: rate,
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
  });
  const prefix = keys.queuePrefix();
  const limits = new Queue(DELIVERY_QUEUE, { connection: redis, prefix });
  const stopping = new AbortController();
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
      concurrency: options.concurrency ?? 50,
      limiter: { max: JOB_LIMIT_PER_SECOND, duration: 1000 },
      lockDuration: LOCK_MS,
      stalledInterval: LOCK_MS,
      name: `${hostname()}:${process.pid}`,
    },
  );
  worker.on("error", (err) => logger.error({ err }, "delivery worker error"));

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), options.closeTimeoutMs ?? 10_000);
    });
    const finished = await Promise.race([worker.close().then(() => "closed" as const), timedOut]);
    clearTimeout(timer);
    if (finished === "timeout") {
      logger.warn("delivery jobs still running at shutdown; they will be retried");
      await worker.close(true);
    }
    await limits.close();
    await redis.quit().catch(() => redis.disconnect());
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
  async function start(jobId: string, data: DeliveryJobData): Promise<JobStart> {
    const read = (chatId: number) => Promise.all([deps.chats.get(chatId), log.flashedTo(chatId)]);
    const [record, [first, flashed]] = await Promise.all([log.read(jobId), read(data.chatId)]);
    const to = record.target ?? data.chatId;
    const [chat, flashedThere] = to === data.chatId ? [first, flashed] : await read(to);
    return { record, chat: chat?.status === "active" ? chat : undefined, flashed: flashedThere };
  }

  function send(
    job: DeliveryJob,
    chat: Chat,
    parts: string[],
    record: DeliveryRecord,
    after: Pick<SendPartsInput, "onDelivered" | "saveParts" | "slotAhead">,
  ): Promise<SendPartsResult> {
    return sendParts(deps, {
      jobId: job.id as string,
      chat,
      parts,
      record,
      silent: isQuietAt(chat, deps.now()),
      signal,
      ...after,
    });
  }

  async function digest(
    job: DeliveryJob,
    data: DigestJobData,
    slotAhead: SlotAhead,
  ): Promise<DeliveryOutcome | Deferred> {
    const jobId = job.id as string;
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
    const result = await send(job, chat, parts, record, {
      saveParts,
      slotAhead,
      onDelivered: (chatId) => deps.chats.setCursorCall(chatId, delivered, composedAt, lateFrom),
    });
    return outcomeOf(result);
  }

  async function flash(
    job: DeliveryJob,
    data: FlashJobData,
    slotAhead: SlotAhead,
  ): Promise<DeliveryOutcome | Deferred> {
    const jobId = job.id as string;
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
    const result = await send(job, chat, parts, record, {
      saveParts,
      slotAhead,
      onDelivered: (chatId) => log.markFlashedCall(chatId, data.articleId),
    });
    return outcomeOf(result);
  }

  return async (job: DeliveryJob, token?: string): Promise<DeliveryOutcome> => {
    // asked for now, it travels with the job's first reads; a job that sends nothing hands it back
    const slotAhead = takeSlotAhead(deps.gate, job.data.chatId, signal);
    try {
      const { data } = job;
      const outcome = await (data.kind === "digest"
        ? digest(job, data, slotAhead)
        : data.kind === "watch"
          ? deliverWatch({ ...deps, queue: deps.watchQueue }, job, data, slotAhead)
          : data.kind === "correct"
            ? deliverCorrection(deps, data, slotAhead)
            : flash(job, data, slotAhead)
      ).finally(() => slotAhead.drop());
      if (outcome.outcome === "deferred") {
        await job.moveToDelayed(Date.now() + outcome.deferMs, token);
        throw new DelayedError();
      }
      return outcome;
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      if (signal.aborted && err instanceof Error && err.name === "AbortError") {
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      const failure = classifyTelegramError(err);
      const context = { jobId: job.id, chatId: job.data.chatId, kind: failure.kind };
      if (failure.kind === "rate-limited") {
        const seconds = failure.retryAfterSec ?? 1;
        await deps.gate.pause(seconds * 1000);
        await deps.pauseQueue(seconds * 1000);
        await counters.increment("rateLimitedSeconds", seconds);
        logger.warn({ ...context, retryAfterSec: seconds }, "Telegram asked to wait; queue paused");
        throw Worker.RateLimitError();
      }
      const attempts = job.opts.attempts ?? 1;
      const final = job.attemptsMade + 1 >= attempts;
      await counters.increment(final ? "failed" : "retried");
      const level = final || failure.kind === "unknown" ? "error" : "warn";
      logger[level](
        { ...context, err: failure, attempt: job.attemptsMade + 1, attempts },
        final ? "delivery failed, giving up" : "delivery failed, will retry",
      );
      throw failure;
    }
  };
}

interface JobStart {
  record: DeliveryRecord;
  chat: Chat | undefined;
  flashed: string[];
}

/** A job that must wait for the rate gate longer than it should hold a worker slot. */
type Deferred = { outcome: "deferred"; deferMs: number };

function outcomeOf(result: SendPartsResult): DeliveryOutcome | Deferred {
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
