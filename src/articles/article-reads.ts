import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import type { Article } from "./article.ts";
import { decode, isEmpty } from "./article-record.ts";

export interface LatestOptions {
  /** only articles in at least one of these topics; absent or empty means every topic */
  topics?: string[];
  /** only articles published strictly before this time (ms) */
  before?: number;
}

export interface SinceOptions {
  /** only articles in at least one of these topics; absent or empty means every topic */
  topics?: string[];
  /** at most this many, the newest; absent means all */
  limit?: number;
  /** only articles published at or before this time (ms) */
  untilMs?: number;
}

/**
 * The late news after a time: articles published at or before it (but
 * after `publishedAfter`) that the store first got after `arrivedAfter` and
 * not after `untilMs`. A feed shows an item some minutes after its date, so
 * it can arrive after a digest that moved past that date.
 */
export interface LateOptions {
  arrivedAfter: number;
  publishedAfter: number;
  untilMs: number;
  /** only articles in at least one of these topics; absent or empty means every topic */
  topics?: string[];
}

/** An article and when the store first got it (ms). */
export interface LateArticle {
  article: Article;
  arrivedAt: number;
}

/** Where the articles are read from. */
export interface ArticleSource {
  redis: Redis;
  keys: Keys;
}

/** The stored articles of `ids`, in their order, in one pipelined round trip; missing ones left out. */
export async function hydrate({ redis, keys }: ArticleSource, ids: string[]): Promise<Article[]> {
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetall(keys.article(id));
  const results = (await pipeline.exec()) ?? [];
  const articles: Article[] = [];
  results.forEach(([err, hash], i) => {
    if (err) throw err;
    const id = ids[i];
    const fields = hash as Record<string, string>;
    if (id !== undefined && !isEmpty(fields)) articles.push(decode(id, fields));
  });
  return articles;
}

/** The publishedAt zsets to read: every article, or one per topic. */
export function zsets(keys: Keys, topics: string[] | undefined): string[] {
  if (!topics || topics.length === 0) return [keys.articles()];
  return [...new Set(topics)].map((topic) => keys.articlesByTopic(topic));
}

/** Ids scored within [min, max] in any of `zsetKeys`, newest first, each once. */
export async function rangeIds(
  redis: Redis,
  zsetKeys: string[],
  max: string,
  min: string,
  limit?: number,
): Promise<string[]> {
  const [only] = zsetKeys;
  if (zsetKeys.length === 1 && only !== undefined) {
    return limit === undefined
      ? redis.zrange(only, max, min, "BYSCORE", "REV")
      : redis.zrange(only, max, min, "BYSCORE", "REV", "LIMIT", 0, limit);
  }
  const pipeline = redis.pipeline();
  for (const key of zsetKeys) {
    if (limit === undefined) pipeline.zrange(key, max, min, "BYSCORE", "REV", "WITHSCORES");
    else pipeline.zrange(key, max, min, "BYSCORE", "REV", "LIMIT", 0, limit, "WITHSCORES");
  }
  const scores = new Map<string, number>();
  for (const [err, reply] of (await pipeline.exec()) ?? []) {
    if (err) throw err;
    const flat = reply as string[];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      scores.set(flat[i] as string, Number(flat[i + 1]));
    }
  }
  const merged = [...scores].sort(([a, x], [b, y]) => y - x || (a < b ? 1 : a > b ? -1 : 0));
  const ids = merged.map(([id]) => id);
  return limit === undefined ? ids : ids.slice(0, limit);
}

/**
 * Most of what arrived is on time, so dates are checked in the publishedAt
 * zset before any article is read.
 */
export async function arrivedLate(
  source: ArticleSource,
  afterMs: number,
  options: LateOptions,
): Promise<LateArticle[]> {
  const { redis, keys } = source;
  const arrived = await redis.zrange(
    keys.articlesArrived(),
    bound(options.arrivedAfter, true),
    bound(options.untilMs, false),
    "BYSCORE",
    "WITHSCORES",
  );
  if (arrived.length === 0) return [];
  const ids: string[] = [];
  const arrivals = new Map<string, number>();
  for (let i = 0; i + 1 < arrived.length; i += 2) {
    ids.push(arrived[i] as string);
    arrivals.set(arrived[i] as string, Number(arrived[i + 1]));
  }
  const dates = await redis.zmscore(keys.articles(), ...ids);
  const dated = ids.filter((_, i) => {
    const at = Number(dates[i] ?? Number.NaN);
    return at <= afterMs && at > options.publishedAfter;
  });
  const wanted = options.topics && options.topics.length > 0 ? new Set(options.topics) : undefined;
  const found = (await hydrate(source, dated)).filter(
    (a) => !wanted || a.topics.some((topic) => wanted.has(topic)),
  );
  return found.map((article) => ({ article, arrivedAt: arrivals.get(article.id) ?? 0 }));
}

/** A ZRANGE BYSCORE bound for a time in ms. */
export function bound(ms: number, exclusive: boolean): string {
  if (Number.isNaN(ms)) throw new RangeError("a time bound is NaN");
  if (ms === Number.POSITIVE_INFINITY) return "+inf";
  if (ms === Number.NEGATIVE_INFINITY) return "-inf";
  return exclusive ? `(${ms}` : String(ms);
}
