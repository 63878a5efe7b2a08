import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { Article, ArticleInput } from "../articles/article.ts";
import {
  type ArticlePatch,
  type ArticleStore,
  InvalidArticleError,
} from "../articles/article-store.ts";
import { canonicalUrl, InvalidUrlError } from "../articles/canonical-url.ts";
import type { Clusters } from "../articles/clusters.ts";
import type { Tagger } from "../articles/tagger.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import { JITTER, nextPollDelayMs, type PollDelayInput } from "./backoff.ts";
import { createFeedAlerts, type NotifyEditors } from "./feed-alerts.ts";
import { createFeedStateStore, type FeedState, type FeedStateStore } from "./feed-state.ts";
import {
  DEFAULT_TIMEOUT_MS,
  type FetchOptions,
  type FetchResult,
  fetchFeed,
} from "./fetch-feed.ts";
import { itemToArticle } from "./item-to-article.ts";
import { type FeedItem, FeedParseError, type ParsedFeed, parseFeedText } from "./parse-feed.ts";
import { withPollLock } from "./poll-lock.ts";
import type { Source } from "./sources.ts";
import { withoutUndefined } from "./without-undefined.ts";

/**
 * Items of one poll stored at once: their Redis round trips overlap with the
 * summarising of the next ones.
 */
export const INGEST_CONCURRENCY = 16;
/** How long a source remembers an item it carried (refreshed while the item stays in the feed). */
export const ITEM_MEMORY_TTL_SEC = 30 * 24 * 3600;

/** Called for each article a poll created, or changed because the feed changed the item. */
export type OnArticle = (article: Article, created: boolean) => void | Promise<void>;

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
  now?: () => number;
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

type Attempt =
  | { kind: "feed"; url: string; result: Extract<FetchResult, { kind: "ok" }>; feed: ParsedFeed }
  | { kind: "not-modified"; url: string; result: Extract<FetchResult, { kind: "not-modified" }> }
  | {
      kind: "failed";
      url: string;
      reason: string;
      retryAfterSec?: number;
      /** the URL no longer serves a feed: another of the source's URLs may */
      wrongUrl: boolean;
    };

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
 * Items are deduplicated by canonical URL and, per source, by guid (or URL
 * when there is none) with a content fingerprint: an item seen before with
 * the same content costs nothing, one whose content changed refreshes its
 * article's title, summary and topics, one whose guid was seen under another
 * URL is the same article. An article stored first by another source or by
 * an editor is left as it is. Only one instance polls a source at a time.
 */
export async function pollSource(
  source: Source,
  deps: PollSourceDeps,
  options: PollOptions = {},
): Promise<PollOutcome> {
  const now = deps.now ?? Date.now;
  const states = createFeedStateStore(deps.redis, deps.keys);
  const state = await states.get(source.id);
  if (state.paused) return { kind: "skipped", reason: "paused" };
  if (!isDue(source, state, now(), options.force === true)) {
    return withoutUndefined({ kind: "skipped", reason: "not-due", nextAt: state.nextAt });
  }

  const timeoutMs = deps.fetchOptions?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const lockMs = timeoutMs * (2 + source.fallbackUrls.length) + 5 * 60_000;
  const outcome = await withPollLock(deps.redis, deps.keys.feedLock(source.id), lockMs, () =>
    poll(source, state, states, deps, now),
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
  now: () => number,
): Promise<PollOutcome> {
  const alerts = createFeedAlerts(
    withoutUndefined({
      states,
      logger: deps.logger,
      clock: now,
      notifyEditors: deps.notifyEditors,
    }),
  );
  const delay = deps.nextDelayMs ?? nextPollDelayMs;
  const random = deps.random ?? Math.random;
  const log = deps.logger.child({ source: source.id });

  const current = state.url ?? source.url;
  let attempt = await fetchAndParse(current, state, deps.fetchOptions);
  if (attempt.kind === "failed" && attempt.wrongUrl) {
    const tried = [`${current}: ${attempt.reason}`];
    for (const url of new Set([source.url, ...source.fallbackUrls])) {
      if (url === current) continue;
      const next = await fetchAndParse(url, {}, deps.fetchOptions);
      if (next.kind !== "failed") {
        log.warn({ from: current, to: url }, "feed URL failed; a fallback URL works");
        attempt = next;
        break;
      }
      tried.push(`${url}: ${next.reason}`);
    }
    if (attempt.kind === "failed" && tried.length > 1) {
      attempt = { ...attempt, reason: `no URL of this source works (${tried.join("; ")})` };
    }
  }

  const at = now();
  if (attempt.kind === "failed") {
    const { reason } = attempt;
    const { failures, nextAt } = await states.recordFailure(source.id, {
      at,
      error: reason,
      nextAt: (count) =>
        at +
        delay(
          withoutUndefined({
            pollMinutes: source.pollMinutes,
            failures: count,
            random,
            retryAfterSec: attempt.retryAfterSec,
          }),
        ),
    });
    log.warn({ url: attempt.url, failures, nextAt, reason }, "feed fetch failed");
    await alerts.failed(source, failures, reason);
    return { kind: "failed", url: attempt.url, error: reason, failures, nextAt };
  }

  const remembered = attempt.result.permanentRedirect ?? attempt.url;
  if (attempt.kind === "not-modified") {
    const nextAt =
      at +
      delay(
        withoutUndefined({
          pollMinutes: source.pollMinutes,
          failures: 0,
          random,
          cacheMaxAgeSec: attempt.result.cacheMaxAgeSec,
        }),
      );
    await states.recordSuccess(source.id, { at, nextAt, ...urlToRemember(source, remembered) });
    await alerts.recovered(source);
    log.debug({ nextAt }, "feed not modified");
    return { kind: "not-modified", url: attempt.url, nextAt };
  }

  const { created, updated } = await ingest(source, attempt.feed.items, deps, at, log);
  const nextAt =
    at +
    delay(
      withoutUndefined({
        pollMinutes: source.pollMinutes,
        failures: 0,
        random,
        cacheMaxAgeSec: attempt.result.cacheMaxAgeSec,
        ttlMinutes: attempt.feed.ttlMinutes,
      }),
    );
  await states.recordSuccess(source.id, {
    at,
    nextAt,
    ...urlToRemember(source, remembered),
    validators: withoutUndefined({
      etag: attempt.result.etag,
      lastModified: attempt.result.lastModified,
    }),
    itemsSeen: attempt.feed.items.length,
  });
  await alerts.recovered(source);
  log.info(
    { url: attempt.url, items: attempt.feed.items.length, created, updated, nextAt },
    "feed polled",
  );
  return {
    kind: "fetched",
    url: attempt.url,
    items: attempt.feed.items.length,
    created,
    updated,
    nextAt,
  };
}

/**
 * The URL to remember, or, once the configured one answers again, to forget
 * the remembered one, so the state holds a URL only while it differs from
 * sources.json.
 */
function urlToRemember(source: Source, url: string): { url: string } | { forgetUrl: true } {
  return url === source.url ? { forgetUrl: true } : { url };
}

async function fetchAndParse(
  url: string,
  validators: { etag?: string; lastModified?: string },
  fetchOptions: FetchOptions | undefined,
): Promise<Attempt> {
  const conditional = withoutUndefined({
    etag: validators.etag,
    lastModified: validators.lastModified,
  });
  const result = await fetchFeed(url, conditional, fetchOptions);
  switch (result.kind) {
    case "ok":
      try {
        return { kind: "feed", url, result, feed: parseFeedText(result.text, { baseUrl: url }) };
      } catch (err) {
        if (!(err instanceof FeedParseError)) throw err;
        return { kind: "failed", url, reason: `not a feed: ${err.reason}`, wrongUrl: true };
      }
    case "not-modified":
      return { kind: "not-modified", url, result };
    case "html":
      return {
        kind: "failed",
        url,
        reason: "serves an HTML page instead of a feed",
        wrongUrl: true,
      };
    case "gone":
      return { kind: "failed", url, reason: `answers ${result.status} (gone)`, wrongUrl: true };
    case "retry-later": {
      const wait =
        result.retryAfterSec === undefined ? "" : `, Retry-After ${result.retryAfterSec} s`;
      return withoutUndefined({
        kind: "failed",
        url,
        reason: `asked to retry later (${result.status}${wait})`,
        wrongUrl: false,
        retryAfterSec: result.retryAfterSec,
      });
    }
    case "error":
      return { kind: "failed", url, reason: result.reason, wrongUrl: false };
  }
}

/** What a source remembers of one item: the article it became and a fingerprint of its content. */
interface ItemMemory {
  articleId: string;
  fingerprint: string;
}

async function ingest(
  source: Source,
  items: FeedItem[],
  deps: PollSourceDeps,
  fetchedAt: number,
  log: Logger,
): Promise<{ created: number; updated: number }> {
  const { redis, keys, articles } = deps;
  const byKey = new Map<string, FeedItem>();
  for (const item of items) {
    const key = itemKey(item);
    if (!byKey.has(key)) byKey.set(key, item);
  }
  const ordered = [...byKey].reverse();
  const memoryKeys = ordered.map(([key]) => keys.feedItem(source.id, key));
  const remembered = await readMemories(redis, memoryKeys);

  const created: (Article | undefined)[] = [];
  const updated: (Article | undefined)[] = [];
  const memorize = redis.pipeline();
  await eachLimit(ordered, INGEST_CONCURRENCY, async ([, item], i) => {
    const memory = remembered[i];
    const fingerprint = itemFingerprint(item);
    if (memory?.fingerprint === fingerprint) return;
    const memoryKey = memoryKeys[i] as string;
    try {
      const input = itemToArticle(item, { source, tagger: deps.tagger, fetchedAt });
      if (!input) return;
      const known =
        (memory ? await articles.get(memory.articleId) : undefined) ??
        (await articles.getByUrl(input.url));
      if (known) {
        if (memory) updated[i] = await refresh(articles, known, input);
        memorize.set(memoryKey, `${known.id} ${fingerprint}`, "EX", ITEM_MEMORY_TTL_SEC);
        return;
      }
      const put = await articles.put(input);
      if (put.created) created[i] = put.article;
      else if (put.changed) updated[i] = put.article;
      memorize.set(memoryKey, `${put.article.id} ${fingerprint}`, "EX", ITEM_MEMORY_TTL_SEC);
    } catch (err) {
      if (!(err instanceof InvalidArticleError || err instanceof InvalidUrlError)) throw err;
      log.warn({ url: item.url, guid: item.guid, reason: err.message }, "feed item skipped");
    }
  });
  if (memorize.length > 0) await memorize.exec();

  const fresh = created.filter((article) => article !== undefined);
  const changed = updated.filter((article) => article !== undefined);
  let grouped = fresh;
  if (deps.clusters && fresh.length > 0) {
    const times = fresh.map((a) => a.publishedAt);
    const session = await deps.clusters.open(Math.min(...times), Math.max(...times));
    grouped = [];
    for (const article of fresh) grouped.push(await session.assign(article));
  }
  for (const article of grouped) await announce(deps, log, article, true);
  for (const article of changed) await announce(deps, log, article, false);
  return { created: fresh.length, updated: changed.length };
}

/** Runs `task` over `list` with at most `limit` running at once; rejects with the first error. */
async function eachLimit<T>(
  list: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < list.length) {
      const index = next++;
      await task(list[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, run));
}

/** Reads the item memories and pushes back their expiry, in one round trip. */
async function readMemories(
  redis: Redis,
  memoryKeys: string[],
): Promise<(ItemMemory | undefined)[]> {
  if (memoryKeys.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const key of memoryKeys) pipeline.getex(key, "EX", ITEM_MEMORY_TTL_SEC);
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err) throw err;
    if (typeof value !== "string") return undefined;
    const [articleId, fingerprint] = value.split(" ");
    return articleId && fingerprint ? { articleId, fingerprint } : undefined;
  });
}

/** Brings a known article in line with its item's new content; the changed article or undefined. */
async function refresh(
  articles: ArticleStore,
  known: Article,
  input: ArticleInput,
): Promise<Article | undefined> {
  const patch: ArticlePatch = {};
  if (input.title !== known.title) patch.title = input.title;
  if (input.summary !== known.summary) patch.summary = input.summary;
  const topics = input.topics ?? [];
  if (topics.join(",") !== known.topics.join(",")) patch.topics = topics;
  if (Object.keys(patch).length === 0) return undefined;
  return articles.update(known.id, patch);
}

async function announce(
  deps: PollSourceDeps,
  log: Logger,
  article: Article,
  created: boolean,
): Promise<void> {
  if (!deps.onArticle) return;
  try {
    await deps.onArticle(article, created);
  } catch (err) {
    log.error({ err, article: article.id }, "handling a new feed article failed");
  }
}

/** Names an item within its source: its guid, else its canonical link. */
function itemKey(item: FeedItem): string {
  let name = item.guid ? `guid ${item.guid}` : `url ${item.url ?? ""}`;
  if (!item.guid && item.url) {
    try {
      name = `url ${canonicalUrl(item.url)}`;
    } catch {
      // an unusable link is skipped later; its raw spelling names it meanwhile
    }
  }
  return sha1(name).slice(0, 24);
}

function itemFingerprint(item: FeedItem): string {
  const fields = [item.url, item.title, item.html, item.description, item.author, item.publishedAt];
  return sha1(JSON.stringify(fields)).slice(0, 16);
}

function sha1(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}
