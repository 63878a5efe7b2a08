import type { putBack } from "../chats/schedule-claim.ts";
import type { Logger } from "../logger.ts";
import {
  type DeliveryQueue,
  type DigestBatchJobData,
  type DigestJobData,
  digestBatchJobId,
} from "./queue.ts";

/** A chat claimed for a slot: where the claim moved it, to put it back if its job is not enqueued. */
export interface ClaimedDigest extends DigestJobData {
  member: string;
  due: number;
  movedTo: number;
}

/**
 * Groups claimed chats into batch jobs: one per slot and up to `size` chats,
 * the chats in the order they fell due (the schedule's order), so a slot's
 * chats are sent first come, first served.
 */
function batchJobs(digests: readonly DigestJobData[], size: number): DigestBatchJobData[] {
  const bySlot = new Map<number, number[]>();
  for (const { chatId, dueMs } of digests) {
    const ids = bySlot.get(dueMs);
    if (ids) ids.push(chatId);
    else bySlot.set(dueMs, [chatId]);
  }
  const jobs: DigestBatchJobData[] = [];
  for (const [dueMs, ids] of bySlot) {
    for (let i = 0; i < ids.length; i += size) {
      jobs.push({ kind: "digests", dueMs, chatIds: ids.slice(i, i + size) });
    }
  }
  return jobs;
}

export interface EnqueueDeps {
  queue: DeliveryQueue;
  logger: Logger;
  /** puts chats back on the schedule (chats/schedule-claim.ts putBack, bound) */
  putBack(chats: readonly ClaimedDigest[]): ReturnType<typeof putBack>;
}

/**
 * Enqueues one page's claimed digests as batch jobs with one addBulk. Each
 * job's id comes from its slot and chats, so adding the same jobs again adds
 * nothing: a failed addBulk (a pipeline, not a transaction: some jobs may be
 * in) is tried once more as it was, and if it fails again only the chats of
 * jobs that are not in the queue go back on the schedule. Putting back a
 * chat whose job is in would let the next tick batch it anew, under another
 * id, beside its first job. Rejects with the addBulk error after putting back.
 */
export async function enqueuePage(
  deps: EnqueueDeps,
  digests: readonly ClaimedDigest[],
  chatsPerJob: number,
): Promise<void> {
  if (digests.length === 0) return;
  const jobs = batchJobs(digests, chatsPerJob).map((data) => ({
    name: "digests" as const,
    data,
    opts: { jobId: digestBatchJobId(data.dueMs, data.chatIds) },
  }));
  let failure: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await deps.queue.addBulk(jobs);
      return;
    } catch (err) {
      failure = err;
    }
  }
  const missing = await missingChats(deps.queue, jobs).catch(() => undefined);
  const back = missing ? digests.filter((d) => missing.has(d.chatId)) : digests;
  await deps
    .putBack(back)
    .catch((err: unknown) =>
      deps.logger.error({ err, chats: back.length }, "could not put unsent chats back on schedule"),
    );
  throw failure;
}

/** The chats of `jobs` whose job is not in the queue. */
async function missingChats(
  queue: DeliveryQueue,
  jobs: readonly { data: DigestBatchJobData; opts: { jobId: string } }[],
): Promise<Set<number>> {
  const found = await Promise.all(jobs.map((job) => queue.getJob(job.opts.jobId)));
  const missing = new Set<number>();
  jobs.forEach((job, i) => {
    if (!found[i]) for (const chatId of job.data.chatIds) missing.add(chatId);
  });
  return missing;
}
