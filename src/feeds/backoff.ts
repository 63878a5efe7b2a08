/**
 * When to fetch a source again: the poll interval, the publisher's hints,
 * exponential backoff after failures and Retry-After, with jitter. Pure: no
 * Redis, no clock; the randomness comes in as an argument.
 */

/** No source is fetched more often than this. */
export const POLL_FLOOR_MS = 5 * 60_000;
export const MAX_BACKOFF_MS = 6 * 60 * 60_000;
/** A Retry-After beyond this is treated as a server mistake rather than obeyed for days. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;
export const JITTER = 0.1;

export interface PollDelayInput {
  pollMinutes: number;
  /** consecutive failures counting the one just recorded; 0 after a success */
  failures: number;
  /** Cache-Control max-age of the last response */
  cacheMaxAgeSec?: number;
  /** the feed's own ttl / sy:updatePeriod */
  ttlMinutes?: number;
  /** from a 429/503 */
  retryAfterSec?: number;
  /** a source of numbers in [0, 1), e.g. Math.random; fixed in tests */
  random: () => number;
}

/**
 * How long to wait before fetching a source again. After a success: the
 * longest of 5 minutes, the source's pollMinutes and what the publisher asks
 * for (max-age or ttl, counted up to 6 h), ±10% jitter so sources drift
 * apart. After failures: that interval doubled per further failure, at most
 * 6 h. A Retry-After is always honoured (up to 24 h), even above 6 h. Never
 * below 5 minutes. Deterministic given `random`.
 */
export function nextPollDelayMs(input: PollDelayInput): number {
  const hinted = Math.min(
    MAX_BACKOFF_MS,
    Math.max(finite(input.cacheMaxAgeSec) * 1000, finite(input.ttlMinutes) * 60_000),
  );
  const interval = Math.max(POLL_FLOOR_MS, finite(input.pollMinutes) * 60_000, hinted);
  const failures = Math.floor(finite(input.failures));
  const base =
    failures <= 0 ? interval : Math.min(MAX_BACKOFF_MS, interval * 2 ** Math.min(failures - 1, 32));
  const r = Math.min(1, Math.max(0, finite(input.random())));
  let delay = Math.max(POLL_FLOOR_MS, Math.round(base * (1 + (r * 2 - 1) * JITTER)));
  if (failures > 0) delay = Math.min(MAX_BACKOFF_MS, delay);
  const retryAfter = Math.min(MAX_RETRY_AFTER_MS, Math.ceil(finite(input.retryAfterSec) * 1000));
  return Math.max(delay, retryAfter);
}

function finite(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}
