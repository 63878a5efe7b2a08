import { DelayedError } from "bullmq";
import type { Keys } from "../redis/keys.ts";
import { deliverCorrection } from "./correct-delivery.ts";
import { deliverBatch } from "./digest-batch.ts";
import { type DigestJobDeps, deliverBatchChat, deliverDigest } from "./digest-job.ts";
import { deliverFlash, type FlashJobDeps } from "./flash-job.ts";
import type { Deferred, DeliveryOutcome } from "./job-outcome.ts";
import { failJob, putBack } from "./job-retry.ts";
import type { DeliveryJob, DeliveryJobData, DigestBatchJobData } from "./queue.ts";
import { pauseForRetryAfter, type RateLimitedDeps } from "./rate-limited.ts";
import type { SendPool } from "./send-pool.ts";
import { type SlotAhead, takeSlotAhead } from "./slot-ahead.ts";
import { classifyTelegramError } from "./telegram-errors.ts";
import { deliverWatch, type WatchDeliveryDeps } from "./watch-delivery.ts";

export interface ProcessorDeps extends DigestJobDeps, FlashJobDeps, RateLimitedDeps {
  keys: Keys;
  pool: SendPool;
  /** where a watch job enqueues the chat's next one (watch-delivery.ts) */
  watchQueue: WatchDeliveryDeps["queue"];
}

/** The function BullMQ's worker runs for each job of the "delivery" queue. */
export function createProcessor(deps: ProcessorDeps) {
  return (job: DeliveryJob, token?: string): Promise<DeliveryOutcome> => {
    const data = job.data;
    if (data.kind === "digests") return runBatch(deps, job, data, token);
    return runSingle(deps, job, data, token);
  };
}

/** A batch of digests due at one time, each chat through the send pool (digest-batch.ts). */
async function runBatch(
  deps: ProcessorDeps,
  job: DeliveryJob,
  data: DigestBatchJobData,
  token?: string,
): Promise<DeliveryOutcome> {
  const { end, counts } = await deliverBatch(data, {
    pool: deps.pool,
    signal: deps.signal,
    deliver: (chatId, dueMs) => deliverBatchChat(deps, chatId, dueMs),
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
      return pauseForRetryAfter(deps, end.failure, { ...context, kind: end.failure.kind });
    case "retry":
      return failJob(deps, job, end.failure, { ...context, kind: end.failure.kind }, end.failed);
  }
}

/** A job for one chat (a flash, or a digest of its own), urgent in the send pool. */
async function runSingle(
  deps: ProcessorDeps,
  job: DeliveryJob,
  data: Exclude<DeliveryJobData, DigestBatchJobData>,
  token?: string,
): Promise<DeliveryOutcome> {
  const { signal } = deps;
  try {
    const outcome = await deps.pool.run(
      async () => {
        // asked for now, it travels with the job's first reads; a job that sends nothing hands it back
        const slotAhead = takeSlotAhead(deps.gate, data.chatId, signal);
        return deliverForChat(deps, job, data, slotAhead).finally(() => slotAhead.drop());
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
    if (failure.kind === "rate-limited") return pauseForRetryAfter(deps, failure, context);
    return failJob(deps, job, failure, context);
  }
}

/** What a job for one chat does, by its kind. */
function deliverForChat(
  deps: ProcessorDeps,
  job: DeliveryJob,
  data: Exclude<DeliveryJobData, DigestBatchJobData>,
  slotAhead: SlotAhead,
): Promise<DeliveryOutcome | Deferred> {
  const jobId = job.id as string;
  switch (data.kind) {
    case "digest":
      return deliverDigest(deps, jobId, data, slotAhead);
    case "flash":
      return deliverFlash(deps, jobId, data, slotAhead);
    case "watch": {
      const watchDeps = { ...deps, queue: deps.watchQueue };
      return deliverWatch(watchDeps, job, data, slotAhead);
    }
    default:
      return deliverCorrection(deps, data, slotAhead);
  }
}
