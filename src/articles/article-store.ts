import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import type { Article, ArticleInput } from "./article.ts";
import { ARTICLE_ID, checkArticle, requireString } from "./article-check.ts";
import {
  type ArticleSource,
  arrivedLate,
  bound,
  hydrate,
  type LateArticle,
  type LateOptions,
  type LatestOptions,
  rangeIds,
  type SinceOptions,
  zsets,
} from "./article-reads.ts";
import {
  type ArticlePatch,
  applyPatch,
  decode,
  encode,
  isEmpty,
  sameFields,
} from "./article-record.ts";
import { articleWrite, OneAtATime } from "./article-writes.ts";
import {
  articleId,
  canonicalUrl,
  InvalidUrlError,
  publisherUrl,
  urlHash,
} from "./canonical-url.ts";
import { searchArticles } from "./search-index.ts";

export { InvalidArticleError } from "./article-check.ts";
export type { LateArticle, LateOptions } from "./article-reads.ts";
export type { ArticlePatch } from "./article-record.ts";
export { ARRIVALS_KEPT_MS } from "./article-writes.ts";

export interface ArticleStoreOptions {
  /** when an article is first stored (default Date.now) */
  clock?: () => number;
}

interface PutResult {
  article: Article;
  /** no article had this canonical URL before */
  created: boolean;
  /** a stored field differs from before (always true when created) */
  changed: boolean;
}

export interface ArticleStore {
  /** Inserts or updates the article with this canonical URL — never a second copy. */
  put(input: ArticleInput): Promise<PutResult>;
  get(id: string): Promise<Article | undefined>;
  /** The article stored under any spelling of this link; undefined when none or not a link. */
  getByUrl(url: string): Promise<Article | undefined>;
  /** Resolves "a link or an id" as an editor would type it. */
  find(linkOrId: string): Promise<Article | undefined>;
  /** The newest `n`, newest first; with topics, articles in any of them, each once. */
  latest(n: number, options?: LatestOptions): Promise<Article[]>;
  /** Articles published strictly after `afterMs` (and at or before `untilMs`), newest first, optionally in topics, at most `limit`. */
  since(afterMs: number, options?: SinceOptions): Promise<Article[]>;
  /** The late news dated at or before `afterMs` (see LateOptions), first arrived first. */
  arrivedLate(afterMs: number, options: LateOptions): Promise<LateArticle[]>;
  /** How many articles since() would return without a limit. */
  countSince(afterMs: number, options?: { topics?: string[] }): Promise<number>;
  /** Newest publishedAt, or undefined when empty. */
  newestAt(): Promise<number | undefined>;
  /** Changes some fields of a stored article; undefined when there is no such article. */
  update(id: string, patch: ArticlePatch): Promise<Article | undefined>;
  /** Articles whose title and summary contain every word, newest first. */
  search(words: string, limit: number): Promise<Article[]>;
  count(): Promise<number>;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const MAX_WRITE_ATTEMPTS = 50;

/**
 * The articles in Redis: a hash per article, a zset of all ids and one per
 * topic scored by publishedAt, a zset of when each was first stored (for
 * ARRIVALS_KEPT_MS), a canonical-URL → id string and the search index.
 * Writes are compare-and-set scripts (GuardedWrite): each applies only if the
 * article hash still holds what was read, so concurrent writers never leave
 * an index disagreeing with the hash.
 */
export function createArticleStore(
  redis: Redis,
  keys: Keys,
  options: ArticleStoreOptions = {},
): ArticleStore {
  return new RedisArticleStore(redis, keys, options.clock ?? Date.now);
}

/**
 * The store's methods are own properties (arrow functions), as in a store
 * built from an object literal: a caller may spread the store to override one
 * method (digest/without-flashed.ts) or pass a method on its own.
 */
class RedisArticleStore implements ArticleStore {
  private readonly source: ArticleSource;
  private readonly writes = new OneAtATime();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly clock: () => number,
  ) {
    this.source = { redis, keys };
  }

  readonly put = async (input: ArticleInput): Promise<PutResult> => {
    const raw = requireString("url", input.url);
    const url = canonicalUrl(raw);
    const link = publisherUrl(raw);
    const article = checkArticle({ ...input, id: articleId(url), url, link });
    return this.writes.run(article.id, async () => {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        const stored = await this.readHash(article.id);
        if (!isEmpty(stored) && stored.url !== article.url) {
          throw new Error(
            `article id ${article.id} is taken by ${stored.url}, so ${article.url} cannot be stored`,
          );
        }
        // The first spelling stored stays: the same page re-listed under a
        // tracker or without its slash is not a change. An article stored
        // before links were kept takes the spelling it is next given.
        if (stored.link) article.link = stored.link;
        const created = isEmpty(stored);
        const changed = !sameFields(stored, encode(article));
        if (await this.write(article, stored)) return { article, created, changed };
      }
      throw new Error(`article ${article.id} kept changing while it was being stored; try again`);
    });
  };

  readonly get = async (id: string): Promise<Article | undefined> => {
    const normalized = id.trim().toLowerCase();
    if (!ARTICLE_ID.test(normalized)) return undefined;
    const hash = await this.readHash(normalized);
    return isEmpty(hash) ? undefined : decode(normalized, hash);
  };

  readonly getByUrl = async (url: string): Promise<Article | undefined> => {
    let canonical: string;
    try {
      canonical = canonicalUrl(url);
    } catch (err) {
      if (err instanceof InvalidUrlError) return undefined;
      throw err;
    }
    const id = await this.redis.get(this.keys.articleByUrl(urlHash(canonical)));
    if (id === null) return undefined;
    const article = await this.get(id);
    return article?.url === canonical ? article : undefined;
  };

  readonly find = async (linkOrId: string): Promise<Article | undefined> => {
    const text = linkOrId
      .trim()
      .replace(/^<(.*)>$/s, "$1")
      .trim();
    if (text === "") return undefined;
    if (ARTICLE_ID.test(text.toLowerCase())) return this.get(text);
    return this.getByUrl(SCHEME.test(text) ? text : `https://${text}`);
  };

  readonly latest = async (n: number, options: LatestOptions = {}): Promise<Article[]> => {
    const count = Math.floor(n);
    if (!(count >= 1)) return [];
    const max = options.before === undefined ? "+inf" : bound(options.before, true);
    const ids = await rangeIds(this.redis, zsets(this.keys, options.topics), max, "-inf", count);
    return hydrate(this.source, ids);
  };

  readonly since = async (afterMs: number, options: SinceOptions = {}): Promise<Article[]> => {
    const limit = options.limit === undefined ? undefined : Math.floor(options.limit);
    if (limit !== undefined && !(limit >= 1)) return [];
    const max = options.untilMs === undefined ? "+inf" : bound(options.untilMs, false);
    const zsetKeys = zsets(this.keys, options.topics);
    return hydrate(
      this.source,
      await rangeIds(this.redis, zsetKeys, max, bound(afterMs, true), limit),
    );
  };

  readonly arrivedLate = (afterMs: number, options: LateOptions): Promise<LateArticle[]> => {
    return arrivedLate(this.source, afterMs, options);
  };

  readonly countSince = async (
    afterMs: number,
    options: { topics?: string[] } = {},
  ): Promise<number> => {
    const min = bound(afterMs, true);
    const zsetKeys = zsets(this.keys, options.topics);
    const [only, ...others] = zsetKeys;
    if (only !== undefined && others.length === 0) return this.redis.zcount(only, min, "+inf");
    return (await rangeIds(this.redis, zsetKeys, "+inf", min)).length;
  };

  readonly newestAt = async (): Promise<number | undefined> => {
    const [, score] = await this.redis.zrange(this.keys.articles(), 0, 0, "REV", "WITHSCORES");
    return score === undefined ? undefined : Number(score);
  };

  readonly update = async (id: string, patch: ArticlePatch): Promise<Article | undefined> => {
    const key = id.trim().toLowerCase();
    if (!ARTICLE_ID.test(key)) return undefined;
    return this.writes.run(key, async () => {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        const stored = await this.readHash(key);
        if (isEmpty(stored)) return undefined;
        const current = decode(key, stored);
        const next = checkArticle(applyPatch(current, patch));
        if (sameFields(stored, encode(next))) return current;
        if (await this.write(next, stored)) return next;
      }
      throw new Error(`article ${key} kept changing while it was being updated; try again`);
    });
  };

  readonly search = async (words: string, limit: number): Promise<Article[]> => {
    return hydrate(this.source, await searchArticles(this.redis, this.keys, words, limit));
  };

  readonly count = (): Promise<number> => {
    return this.redis.zcard(this.keys.articles());
  };

  private readHash(id: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.article(id));
  }

  /** Writes `article` over `stored` (its hash as read); false when the hash changed meanwhile. */
  private write(article: Article, stored: Record<string, string>): Promise<boolean> {
    return articleWrite(this.keys, article, stored, this.clock()).run(this.redis);
  }
}
