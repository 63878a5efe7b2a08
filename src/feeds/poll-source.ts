import type { Redis } from "ioredis";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Clusters } from "../articles/clusters.ts";
import type { Tagger } from "../articles/tagger.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import { JITTER, nextPollDelayMs, type PollDelayInput } from "./backoff.ts";
import { createFeedAlerts, type FeedAlerts, type NotifyEditors } from "./feed-alerts.ts";
import { createFeedStateStore, type FeedState, type FeedStateStore } from "./feed-state.ts";
import { type Attempt, fetchFromSource } from "./fetch-attempt.ts";
import { DEFAULT_TIMEOUT_MS, type FetchOptions } from "./fetch-feed.ts";
import { ingestItems, type OnArticle } from "./ingest-items.ts";
import { withPollLock } from "./poll-lock.ts";
import type { Source } from "./sources.ts";
import { withoutUndefined } from "./without-undefined.ts";

export { INGEST_CONCURRENCY } from "./ingest-items.ts";

export interface PollSourceDeps {
  redis: Redis;
  keys: Keys;
  articles: ArticleStore;
  tagger: Tagger;
  logger: Logger;
  /** groups near-duplicates across sources; left out, nothing is grouped */
  clusters?: Clusters;
  onArticle?: OnArticle;
  notifyEditors?: NotifyEditors;
  fetchOptions?: FetchOptions;
  /** the time, ms since epoch; default Date.now */
  clock?: () => number;
  /** numbers in [0, 1) for the poll delay's jitter; default Math.random */
  random?: () => number;
  /** how long to wait before the next fetch; default nextPollDelayMs */
  nextDelayMs?: (input: PollDelayInput) => number;
}

export interface PollOptions {
  /**
   * Fetch now even if the regular interval (or the publisher's max-age) has
   * not passed. A backoff after failures or a Retry-After is still obeyed.
   */
  force?: boolean;
}

export type PollOutcome =
  | { kind: "skipped"; reason: "paused" | "not-due" | "busy"; nextAt?: number }
  | { kind: "not-modified"; url: string; nextAt: number }
  | {
      kind: "fetched";
      url: string;
      items: number;
      created: number;
      updated: number;
      nextAt: number;
    }
  | { kind: "failed"; url: string; error: string; failures: number; nextAt: number };

/**
 * One poll of one source: fetch (conditional GET) → parse → items →
 * articles → fetch state. Honours the state kept in Redis: a paused source
 * is skipped, and so is one whose next due time (backoff, Retry-After,
 * max-age) has not come — a scheduled tick may run up to twice the jitter
 * early, so that jitter never costs a whole interval. A URL that answers
 * 403/404/410, an HTML page or something unparseable makes the source's
 * other URLs be tried in order; the one that works is remembered, like a
 * permanent redirect. Failures back off (nextPollDelayMs) and are reported
 * to editors once after three in a row, recovery once.
 *
 * Items become articles as ingestItems says (deduplicated by canonical URL
 * and per source by guid and content fingerprint). Only one instance polls a
 * source at a time.
 */
export async function pollSource(
  source: Source,
  deps: PollSourceDeps,
  options: PollOptions = {},
): Promise<PollOutcome> {
  const clock = deps.clock ?? Date.now;
  const states = createFeedStateStore(deps.redis, deps.keys);
  const state = await states.get(source.id);
  if (state.paused) return { kind: "skipped", reason: "paused" };
  if (!isDue(source, state, clock(), options.force === true)) {
    return withoutUndefined({ kind: "skipped", reason: "not-due", nextAt: state.nextAt });
  }

  const timeoutMs = deps.fetchOptions?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const lockMs = timeoutMs * (2 + source.fallbackUrls.length) + 5 * 60_000;
  const outcome = await withPollLock(deps.redis, deps.keys.feedLock(source.id), lockMs, () =>
    poll(source, state, states, deps, clock),
  );
  return outcome ?? { kind: "skipped", reason: "busy" };
}

function isDue(source: Source, state: FeedState, now: number, force: boolean): boolean {
  if (state.nextAt === undefined) return true;
  if (state.failures > 0) return now >= state.nextAt;
  if (force) return true;
  const slack = 2 * JITTER * source.pollMinutes * 60_000;
  return now >= state.nextAt - slack;
}

async function poll(
  source: Source,
  state: FeedState,
  states: FeedStateStore,
  deps: PollSourceDeps,
  clock: () => number,
): Promise<PollOutcome> {
  const log = deps.logger.child({ source: source.id });
  const alerts = createFeedAlerts(
    withoutUndefined({
      states,
      logger: deps.logger,
      clock,
      notifyEditors: deps.notifyEditors,
    }),
  );
  const attempt = await fetchFromSource(source, state, deps.fetchOptions, log);
  const run: PollRun = { source, deps, states, alerts, log, at: clock() };
  switch (attempt.kind) {
    case "failed":
      return failed(run, attempt);
    case "not-modified":
      return notModified(run, attempt);
    case "feed":
      return fetched(run, attempt);
  }
}

/** What the steps after the fetch of one poll share. */
interface PollRun {
  source: Source;
  deps: PollSourceDeps;
  states: FeedStateStore;
  alerts: FeedAlerts;
  log: Logger;
  /** when the fetch ended */
  at: number;
}

/** Counts the failure, backs off and tells editors once the failures pile up. */
async function failed(
  run: PollRun,
  attempt: Extract<Attempt, { kind: "failed" }>,
): Promise<PollOutcome> {
  const { source, log, at } = run;
  const { reason, retryAfterSec } = attempt;
  const { failures, nextAt } = await run.states.recordFailure(source.id, {
    at,
    error: reason,
    nextAt: (count) => nextDueAt(run, { failures: count, retryAfterSec }),
  });
  log.warn({ url: attempt.url, failures, nextAt, reason }, "feed fetch failed");
  await run.alerts.failed(source, failures, reason);
  return { kind: "failed", url: attempt.url, error: reason, failures, nextAt };
}

/** A 304: the stored validators stay; only the next due time and the URL are recorded. */
async function notModified(
  run: PollRun,
  attempt: Extract<Attempt, { kind: "not-modified" }>,
): Promise<PollOutcome> {
  const { source, at } = run;
  const { cacheMaxAgeSec, permanentRedirect } = attempt.result;
  const nextAt = nextDueAt(run, { failures: 0, cacheMaxAgeSec });
  const url = urlToRemember(source, permanentRedirect ?? attempt.url);
  await run.states.recordSuccess(source.id, { at, nextAt, ...url });
  await run.alerts.recovered(source);
  run.log.debug({ nextAt }, "feed not modified");
  return { kind: "not-modified", url: attempt.url, nextAt };
}

/** A feed: its items become articles, then the success and the new validators are recorded. */
async function fetched(
  run: PollRun,
  attempt: Extract<Attempt, { kind: "feed" }>,
): Promise<PollOutcome> {
  const { source, deps, log, at } = run;
  const { result, feed } = attempt;
  const { created, updated } = await ingestItems(source, feed.items, deps, at, log);
  const nextAt = nextDueAt(run, {
    failures: 0,
    cacheMaxAgeSec: result.cacheMaxAgeSec,
    ttlMinutes: feed.ttlMinutes,
  });
  await run.states.recordSuccess(source.id, {
    at,
    nextAt,
    ...urlToRemember(source, result.permanentRedirect ?? attempt.url),
    validators: withoutUndefined({ etag: result.etag, lastModified: result.lastModified }),
    itemsSeen: feed.items.length,
  });
  await run.alerts.recovered(source);
  const items = feed.items.length;
  log.info({ url: attempt.url, items, created, updated, nextAt }, "feed polled");
  return { kind: "fetched", url: attempt.url, items, created, updated, nextAt };
}

/** When the source is next due, from the end of this fetch (deps.nextDelayMs, else nextPollDelayMs). */
function nextDueAt(run: PollRun, hints: Omit<PollDelayInput, "pollMinutes" | "random">): number {
  const delay = run.deps.nextDelayMs ?? nextPollDelayMs;
  const random = run.deps.random ?? Math.random;
  return (
    run.at + delay(withoutUndefined({ pollMinutes: run.source.pollMinutes, random, ...hints }))
  );
}

/**
 * The URL to remember, or, once the configured one answers again, to forget
 * the remembered one, so the state holds a URL only while it differs from
 * sources.json.
 */
function urlToRemember(source: Source, url: string): { url: string } | { forgetUrl: true } {
  return url === source.url ? { forgetUrl: true } : { url };
}
