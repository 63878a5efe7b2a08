import type { DigestBatchJobData } from "./queue.ts";
import type { SendPool } from "./send-pool.ts";
import { classifyTelegramError, type TelegramDeliveryError } from "./telegram-errors.ts";

/** What delivering one chat of a batch came to, as the single-chat job would end. */
export type ChatDelivery =
  | { outcome: "delivered" | "stopped" | "skipped" }
  | { outcome: "deferred"; deferMs: number };

/** What a batch job does next, once every chat it started has finished. */
export type BatchEnd =
  /** every chat is done (delivered, stopped or skipped) */
  | { end: "done" }
  /** some chats failed for a reason worth retrying: retry the job, with backoff */
  | { end: "retry"; failure: TelegramDeliveryError; failed: number }
  /** Telegram said 429: the job goes back to wait once the queue's pause is set */
  | { end: "rate-limited"; failure: TelegramDeliveryError }
  /** chats had to wait longer than a worker should hold them: run the job again after `deferMs` */
  | { end: "deferred"; deferMs: number }
  /** the worker is closing: run the job again now, elsewhere */
  | { end: "aborted" };

export interface BatchCounts {
  delivered: number;
  stopped: number;
  skipped: number;
  /** chats left for the job's next run (deferred, failed, or not started after a stop) */
  left: number;
}

export interface DigestBatchDeps {
  pool: SendPool;
  signal: AbortSignal;
  /**
   * One chat's digest for the slot, recorded under the chat's own
   * digestJobId: a chat already delivered comes back "skipped" at the cost
   * of one read. Throws what sendParts throws.
   */
  deliver(chatId: number, dueMs: number): Promise<ChatDelivery>;
  /** ms left of a global pause (a 429), to tell a pause from one chat's own limits */
  pausedFor(): Promise<number>;
}

/**
 * Expands a batch job into one delivery per chat, through the process's send
 * pool (bounded concurrency, first come first served), and says how the job
 * ends. Crash safety is the single-chat job's: each chat's delivery record
 * (delivery-log.ts, keyed by chat and slot) says which parts reached
 * Telegram, so a batch run again — after a crash, a retry or a deferral —
 * skips the chats it finished and resends at most the parts in flight. No
 * per-batch "done" set is needed: that record already is one, and it is
 * read with the chat anyway.
 *
 * A chat that fails in a way worth retrying does not stop the others: the
 * job is retried (with the queue's backoff) once they are done, and only the
 * failed chats are left to send. A chat that must wait longer than a worker
 * should hold it (a group at its 20 a minute) is left for a later run of the
 * job; a global pause (429) or the worker closing stops the batch: chats not
 * yet started are left, those started finish, then the job goes back.
 */
export async function deliverBatch(
  data: DigestBatchJobData,
  deps: DigestBatchDeps,
): Promise<{ end: BatchEnd; counts: BatchCounts }> {
  const counts: BatchCounts = { delivered: 0, stopped: 0, skipped: 0, left: 0 };
  let stop: BatchEnd | undefined;
  let deferMs: number | undefined;
  let failure: TelegramDeliveryError | undefined;
  let failed = 0;

  async function one(chatId: number): Promise<void> {
    if (stop || deps.signal.aborted) {
      counts.left += 1;
      return;
    }
    try {
      const result = await deps.deliver(chatId, data.dueMs);
      if (result.outcome !== "deferred") {
        counts[result.outcome] += 1;
        return;
      }
      counts.left += 1;
      deferMs = Math.min(deferMs ?? result.deferMs, result.deferMs);
      // a pause holds every chat back: stop starting them, and come back when it ends
      if (!stop && (await deps.pausedFor()) > 0) stop = { end: "deferred", deferMs };
    } catch (err) {
      counts.left += 1;
      if (deps.signal.aborted && err instanceof Error && err.name === "AbortError") {
        stop ??= { end: "aborted" };
        return;
      }
      const classified = classifyTelegramError(err);
      if (classified.kind === "rate-limited") {
        stop ??= { end: "rate-limited", failure: classified };
        return;
      }
      failure ??= classified;
      failed += 1;
    }
  }

  await Promise.all(data.chatIds.map((chatId) => deps.pool.run(() => one(chatId))));

  if (deps.signal.aborted && !stop && counts.left > 0) stop = { end: "aborted" };
  if (stop?.end === "aborted" || stop?.end === "rate-limited") return { end: stop, counts };
  if (failure) return { end: { end: "retry", failure, failed }, counts };
  if (deferMs !== undefined) return { end: { end: "deferred", deferMs }, counts };
  return { end: { end: "done" }, counts };
}
