import { DelayedError } from "bullmq";
import type { Logger } from "../logger.ts";
import type { DeliveryCounters } from "./counters.ts";
import type { DeliveryJob } from "./queue.ts";
import type { TelegramDeliveryError } from "./telegram-errors.ts";

/**
 * A failure worth retrying (`chats` of the job's chats failed): counted,
 * logged once, and thrown for BullMQ to retry the job with backoff, or to
 * give up after its last attempt.
 */
export async function failJob(
  deps: { counters: DeliveryCounters; logger: Logger },
  job: DeliveryJob,
  failure: TelegramDeliveryError,
  context: object,
  chats = 1,
): Promise<never> {
  const attempts = job.opts.attempts ?? 1;
  const final = job.attemptsMade + 1 >= attempts;
  await deps.counters.increment(final ? "failed" : "retried", chats);
  const level = final || failure.kind === "unknown" ? "error" : "warn";
  deps.logger[level](
    { ...context, err: failure, attempt: job.attemptsMade + 1, attempts },
    final ? "delivery failed, giving up" : "delivery failed, will retry",
  );
  throw failure;
}

/** Runs the job again after `delayMs`, without counting an attempt. */
export async function putBack(job: DeliveryJob, delayMs: number, token?: string): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}
