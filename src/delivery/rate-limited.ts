import { Worker } from "bullmq";
import type { Logger } from "../logger.ts";
import type { DeliveryCounters } from "./counters.ts";
import type { RateGate } from "./rate-gate.ts";
import type { TelegramDeliveryError } from "./telegram-errors.ts";

export interface RateLimitedDeps {
  gate: RateGate;
  /** pauses the delivery queue itself (BullMQ's rateLimit) for `ms` */
  pauseQueue(ms: number): Promise<void>;
  counters: DeliveryCounters;
  logger: Logger;
}

/**
 * A 429: every send in every process (the rate gate) and the queue wait
 * `retry_after`; the job goes back to wait, without counting an attempt.
 */
export async function pauseForRetryAfter(
  deps: RateLimitedDeps,
  failure: TelegramDeliveryError,
  context: object,
): Promise<never> {
  const seconds = failure.retryAfterSec ?? 1;
  await deps.gate.pause(seconds * 1000);
  await deps.pauseQueue(seconds * 1000);
  await deps.counters.increment("rateLimitedSeconds", seconds);
  deps.logger.warn({ ...context, retryAfterSec: seconds }, "Telegram asked to wait; queue paused");
  throw Worker.RateLimitError();
}
