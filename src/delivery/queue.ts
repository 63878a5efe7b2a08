import { createHash } from "node:crypto";
import { type Job, type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { slotKey } from "../chats/next-due.ts";
import type { Correction } from "../corrections/patch.ts";
import type { Keys } from "../redis/keys.ts";

export const DELIVERY_QUEUE = "delivery";

/** One chat's scheduled digest for the slot due at `dueMs`. */
export interface DigestJobData {
  kind: "digest";
  chatId: number;
  dueMs: number;
}

/**
 * The scheduled digests of many chats for one slot, in the order they fell
 * due: one job instead of one per chat (see digest-batch.ts). Each chat's
 * delivery is still recorded under its own digestJobId, so a chat is sent a
 * slot's digest once whichever job carries it.
 */
export interface DigestBatchJobData {
  kind: "digests";
  dueMs: number;
  chatIds: number[];
}

/** One urgent article pushed to one chat at once. */
export interface FlashJobData {
  kind: "flash";
  chatId: number;
  articleId: string;
}

/**
 * One chat's watch message, planned for `at` (ms): every match waiting for
 * it (watches/watch-hits.ts). `articleIds` is set once the job chose them, so
 * a retry sends the same ones.
 */
export interface WatchJobData {
  kind: "watch";
  chatId: number;
  at: number;
  articleIds?: string[];
}

/** One sent message edited to follow an editor's correction (or withdrawal) of an article. */
export interface CorrectJobData {
  kind: "correct";
  chatId: number;
  messageId: number;
  articleId: string;
  correction: Correction;
}

export type DeliveryJobData =
  | DigestJobData
  | DigestBatchJobData
  | FlashJobData
  | WatchJobData
  | CorrectJobData;
export type DeliveryQueue = Queue<DeliveryJobData, unknown, DeliveryJobData["kind"]>;
export type DeliveryJob = Job<DeliveryJobData, unknown, DeliveryJobData["kind"]>;

/** Completed jobs kept (the newest); see createDeliveryQueue. */
export const COMPLETED_KEPT = 1000;

/** Retries of transient failures: 8 attempts, waits doubling from `retryDelayMs` (1 s, 2 s, ... 128 s). */
export const DELIVERY_ATTEMPTS = 8;

/** The job id of a digest slot; BullMQ forbids ":" and plain numbers in custom ids. */
export function digestJobId(chatId: number, dueMs: number): string {
  return `digest_${slotKey(chatId, dueMs)}`;
}

/**
 * A batch's job id, from its slot and its chats: enqueueing the same batch
 * again adds nothing. A hash keeps it short whatever the batch's size.
 */
export function digestBatchJobId(dueMs: number, chatIds: readonly number[]): string {
  const digest = createHash("sha1").update(chatIds.join(",")).digest("base64url").slice(0, 16);
  return `digests_${dueMs}_${digest}`;
}

/** The chats a delivery job delivers to. */
export function chatsOfJob(data: DeliveryJobData): number[] {
  return data.kind === "digests" ? data.chatIds : [data.chatId];
}

export function flashJobId(articleId: string, chatId: number): string {
  return `flash_${articleId}_${chatId}`;
}

export interface DeliveryQueueOptions {
  /** a connection this queue may share (a Queue never blocks on it); it is not closed with the queue */
  connection: Redis;
  keys: Keys;
  /** first retry delay, doubled on each further attempt (default 1000) */
  retryDelayMs?: number;
}

/**
 * The "delivery" queue, its keys under our Redis prefix, with the retry
 * policy every delivery job gets. Only the last COMPLETED_KEPT completed
 * jobs are kept, for a look at what was just sent: a day of them would be
 * about 1 KB for each chat and slot (200 MB a day for 100,000 chats with two
 * digests), and a slot enqueued again after its job is gone sends nothing,
 * since the job's delivery record (delivery-log.ts, kept three days) says it
 * is done. Failed jobs are kept a week, to be looked into.
 */
export function createDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const defaultJobOptions: JobsOptions = {
    attempts: DELIVERY_ATTEMPTS,
    backoff: { type: "exponential", delay: options.retryDelayMs ?? 1000 },
    removeOnComplete: { count: COMPLETED_KEPT },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
  return new Queue<DeliveryJobData, unknown, DeliveryJobData["kind"]>(DELIVERY_QUEUE, {
    connection: options.connection,
    prefix: options.keys.queuePrefix(),
    defaultJobOptions,
  });
}

/** A digest, a batch of digests or a flash: the jobs whose id their data gives. */
type KeyedJobData = DigestJobData | DigestBatchJobData | FlashJobData;

/** The job id `data` always gets, so that enqueueing the same data again adds nothing. */
function jobIdOf(data: KeyedJobData): string {
  if (data.kind === "digest") return digestJobId(data.chatId, data.dueMs);
  if (data.kind === "digests") return digestBatchJobId(data.dueMs, data.chatIds);
  return flashJobId(data.articleId, data.chatId);
}

/** Enqueues one job under the id its data gives: enqueueing the same data again adds nothing. */
function enqueueKeyed(queue: DeliveryQueue, data: KeyedJobData): Promise<DeliveryJob> {
  return queue.add(data.kind, data, { jobId: jobIdOf(data) });
}

/** Enqueues a chat's digest for one slot; enqueueing the same slot again adds nothing. */
export const enqueueDigest = (queue: DeliveryQueue, chatId: number, dueMs: number) =>
  enqueueKeyed(queue, { kind: "digest", chatId, dueMs });

/** Enqueues one flash for one chat; enqueueing the same (article, chat) again adds nothing. */
export const enqueueFlash = (queue: DeliveryQueue, chatId: number, articleId: string) =>
  enqueueKeyed(queue, { kind: "flash", chatId, articleId });

/** Enqueues the digests of `chatIds` for one slot as one batch job; the same batch again adds nothing. */
export const enqueueDigestBatch = (queue: DeliveryQueue, dueMs: number, chatIds: number[]) =>
  enqueueKeyed(queue, { kind: "digests", dueMs, chatIds });

/** What enqueueWatch needs of the delivery queue. */
export interface WatchQueue {
  add(name: "watch", data: WatchJobData, opts: JobsOptions): Promise<unknown>;
}

/** Enqueues a chat's watch message planned for `at`; the same plan enqueued again adds nothing. */
export function enqueueWatch(
  queue: WatchQueue,
  chatId: number,
  at: number,
  now: number,
): Promise<unknown> {
  return queue.add(
    "watch",
    { kind: "watch", chatId, at },
    { jobId: `watch_${chatId}_${at}`, delay: Math.max(0, at - now) },
  );
}
