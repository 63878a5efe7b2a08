import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import { type Article, type ArticleInput, capTitle, SUMMARY_MAX_CHARS } from "./article.ts";
import {
  articleId,
  canonicalUrl,
  InvalidUrlError,
  publisherUrl,
  urlHash,
} from "./canonical-url.ts";
import { indexArticle, type SetWriter, searchArticles } from "./search-index.ts";

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

export interface ArticleStoreOptions {
  /** when an article is first stored (default Date.now) */
  now?: () => number;
}

/** The fields an editor or a later pass may change; `cluster: undefined` takes the article out of its cluster. */
export type ArticlePatch = Partial<
  Pick<Article, "title" | "summary" | "link" | "topics" | "urgency" | "cluster">
>;

export interface PutResult {
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

/** An article field that cannot be stored; the message names the field and what is allowed. */
export class InvalidArticleError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "InvalidArticleError";
  }
}

const ID = /^[0-9a-f]{16}$/;
const TOPIC_ID = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
const LANG_TAG = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MAX_WRITE_ATTEMPTS = 50;
/**
 * How long the store remembers when an article arrived. Only late news is
 * looked up by arrival (arrivedLate), and no digest reaches back more
 * than two days (digest/period.ts MAX_LOOKBACK_MS); a day more is margin.
 * Older entries are dropped as new articles arrive, so the arrival index
 * holds a few days of articles, not every article ever stored.
 */
export const ARRIVALS_KEPT_MS = 3 * 24 * 3600 * 1000;

/**
 * The articles in Redis: a hash per article, a zset of all ids and one per
 * topic scored by publishedAt, a zset of when each was first stored (for
 * ARRIVALS_KEPT_MS), a canonical-URL → id string and the search index.
 * Writes are compare-and-set scripts: each applies only if the article hash
 * still holds what was read, so concurrent writers never leave an index
 * disagreeing with the hash.
 */
export function createArticleStore(
  redis: Redis,
  keys: Keys,
  options: ArticleStoreOptions = {},
): ArticleStore {
  const clock = options.now ?? Date.now;
  const writing = new Map<string, Promise<unknown>>();

  /** One write per article at a time in this process, so they never race each other's guard. */
  function oneAtATime<T>(id: string, write: () => Promise<T>): Promise<T> {
    const run = (writing.get(id) ?? Promise.resolve()).then(write, write);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    writing.set(id, settled);
    void settled.then(() => {
      if (writing.get(id) === settled) writing.delete(id);
    });
    return run;
  }

  async function readHash(id: string): Promise<Record<string, string>> {
    return redis.hgetall(keys.article(id));
  }

  /** Writes `article` over `stored` (its hash as read); false when the hash changed meanwhile. */
  function write(article: Article, stored: Record<string, string>): Promise<boolean> {
    const key = keys.article(article.id);
    const fields = encode(article);
    const previous = isEmpty(stored) ? undefined : decode(article.id, stored);
    const plan = new WritePlan(key);
    if (!sameFields(stored, fields)) {
      plan.del(key);
      plan.hset(key, fields);
      plan.incr(keys.articlesVersion()); // answers cached from articles are stale now
    }
    plan.set(keys.articleByUrl(urlHash(article.url)), article.id);
    plan.zadd(keys.articles(), article.publishedAt, article.id);
    if (!previous) {
      const arrivedAt = clock();
      plan.zadd(keys.articlesArrived(), arrivedAt, article.id);
      plan.zremrangebyscore(
        keys.articlesArrived(),
        "-inf",
        bound(arrivedAt - ARRIVALS_KEPT_MS, true),
      );
    }
    for (const topic of article.topics) {
      plan.zadd(keys.articlesByTopic(topic), article.publishedAt, article.id);
    }
    for (const topic of previous?.topics ?? []) {
      if (!article.topics.includes(topic)) plan.zrem(keys.articlesByTopic(topic), article.id);
    }
    indexArticle(plan, keys, article, previous);
    return guardedWrite(redis, plan, stored);
  }

  async function hydrate(ids: string[]): Promise<Article[]> {
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

  function zsets(topics: string[] | undefined): string[] {
    if (!topics || topics.length === 0) return [keys.articles()];
    return [...new Set(topics)].map((topic) => keys.articlesByTopic(topic));
  }

  /** Ids scored within [min, max] in any of `zsetKeys`, newest first, each once. */
  async function rangeIds(
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
  async function arrivedLate(afterMs: number, options: LateOptions): Promise<LateArticle[]> {
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
    const wanted =
      options.topics && options.topics.length > 0 ? new Set(options.topics) : undefined;
    const found = (await hydrate(dated)).filter(
      (a) => !wanted || a.topics.some((topic) => wanted.has(topic)),
    );
    return found.map((article) => ({ article, arrivedAt: arrivals.get(article.id) ?? 0 }));
  }

  async function get(id: string): Promise<Article | undefined> {
    const normalized = id.trim().toLowerCase();
    if (!ID.test(normalized)) return undefined;
    const hash = await readHash(normalized);
    return isEmpty(hash) ? undefined : decode(normalized, hash);
  }

  async function getByUrl(url: string): Promise<Article | undefined> {
    let canonical: string;
    try {
      canonical = canonicalUrl(url);
    } catch (err) {
      if (err instanceof InvalidUrlError) return undefined;
      throw err;
    }
    const id = await redis.get(keys.articleByUrl(urlHash(canonical)));
    if (id === null) return undefined;
    const article = await get(id);
    return article?.url === canonical ? article : undefined;
  }

  return {
    async put(input) {
      const raw = requireString("url", input.url);
      const url = canonicalUrl(raw);
      const link = publisherUrl(raw);
      const article = checkArticle({ ...input, id: articleId(url), url, link });
      return oneAtATime(article.id, async () => {
        for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
          const stored = await readHash(article.id);
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
          if (await write(article, stored)) return { article, created, changed };
        }
        throw new Error(`article ${article.id} kept changing while it was being stored; try again`);
      });
    },

    get,
    getByUrl,

    async find(linkOrId) {
      const text = linkOrId
        .trim()
        .replace(/^<(.*)>$/s, "$1")
        .trim();
      if (text === "") return undefined;
      if (ID.test(text.toLowerCase())) return get(text);
      return getByUrl(SCHEME.test(text) ? text : `https://${text}`);
    },

    async latest(n, options = {}) {
      const count = Math.floor(n);
      if (!(count >= 1)) return [];
      const max = options.before === undefined ? "+inf" : bound(options.before, true);
      return hydrate(await rangeIds(zsets(options.topics), max, "-inf", count));
    },

    async since(afterMs, options = {}) {
      const limit = options.limit === undefined ? undefined : Math.floor(options.limit);
      if (limit !== undefined && !(limit >= 1)) return [];
      const max = options.untilMs === undefined ? "+inf" : bound(options.untilMs, false);
      return hydrate(await rangeIds(zsets(options.topics), max, bound(afterMs, true), limit));
    },

    arrivedLate,

    async countSince(afterMs, options = {}) {
      const min = bound(afterMs, true);
      const [only, ...others] = zsets(options.topics);
      if (only !== undefined && others.length === 0) return redis.zcount(only, min, "+inf");
      return (await rangeIds(zsets(options.topics), "+inf", min)).length;
    },

    async newestAt() {
      const [, score] = await redis.zrange(keys.articles(), 0, 0, "REV", "WITHSCORES");
      return score === undefined ? undefined : Number(score);
    },

    async update(id, patch) {
      const key = id.trim().toLowerCase();
      if (!ID.test(key)) return undefined;
      return oneAtATime(key, async () => {
        for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
          const stored = await readHash(key);
          if (isEmpty(stored)) return undefined;
          const current = decode(key, stored);
          const next = checkArticle(applyPatch(current, patch));
          if (sameFields(stored, encode(next))) return current;
          if (await write(next, stored)) return next;
        }
        throw new Error(`article ${key} kept changing while it was being updated; try again`);
      });
    },

    async search(words, limit) {
      return hydrate(await searchArticles(redis, keys, words, limit));
    },

    count() {
      return redis.zcard(keys.articles());
    },
  };
}

function applyPatch(article: Article, patch: ArticlePatch): Article {
  const next: Article = { ...article };
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.summary !== undefined) next.summary = patch.summary;
  if (patch.link !== undefined) next.link = patch.link;
  if (patch.topics !== undefined) next.topics = patch.topics;
  if (patch.urgency !== undefined) next.urgency = patch.urgency;
  if ("cluster" in patch) {
    if (patch.cluster === undefined) delete next.cluster;
    else next.cluster = patch.cluster;
  }
  return next;
}

type Unchecked = Omit<ArticleInput, "url"> & { id: string; url: string; link?: string };

/** The article as it will be stored, or an InvalidArticleError naming the first bad field. */
function checkArticle(input: Unchecked): Article {
  const title = capTitle(text(requireString("title", input.title)));
  if (title === "") throw new InvalidArticleError("title", "is empty");
  const summary = text(requireString("summary", input.summary));
  const summaryChars = [...summary].length;
  if (summaryChars > SUMMARY_MAX_CHARS) {
    throw new InvalidArticleError(
      "summary",
      `${summaryChars} characters, at most ${SUMMARY_MAX_CHARS}`,
    );
  }
  const source = text(requireString("source", input.source));
  if (source === "") throw new InvalidArticleError("source", "is empty: name the publisher");
  if (typeof input.publishedAt !== "number" || !Number.isFinite(input.publishedAt)) {
    throw new InvalidArticleError(
      "publishedAt",
      `${String(input.publishedAt)} is not a time in ms since the epoch`,
    );
  }
  const topics = checkTopics(input.topics ?? []);
  const urgency = input.urgency ?? "normal";
  if (urgency !== "normal" && urgency !== "flash") {
    throw new InvalidArticleError("urgency", `${JSON.stringify(urgency)} is not normal or flash`);
  }
  const lang = input.lang ?? "en";
  if (typeof lang !== "string" || !LANG_TAG.test(lang)) {
    throw new InvalidArticleError(
      "lang",
      `${JSON.stringify(lang)} is not a language code such as en or uk`,
    );
  }
  const article: Article = {
    id: input.id,
    url: input.url,
    title,
    summary,
    source,
    publishedAt: input.publishedAt,
    topics,
    urgency,
    lang,
  };
  if (input.link !== undefined) article.link = input.link;
  const author = input.author === undefined ? "" : text(requireString("author", input.author));
  if (author !== "") article.author = author;
  const cluster = input.cluster === undefined ? "" : text(requireString("cluster", input.cluster));
  if (cluster !== "") article.cluster = cluster;
  return article;
}

function checkTopics(topics: unknown): string[] {
  if (!Array.isArray(topics))
    throw new InvalidArticleError("topics", "must be a list of topic ids");
  for (const topic of topics) {
    if (typeof topic !== "string" || !TOPIC_ID.test(topic)) {
      throw new InvalidArticleError(
        "topics",
        `${JSON.stringify(topic)} is not a topic id (lower-case letters, digits and "-", such as north-korea)`,
      );
    }
  }
  return [...new Set(topics as string[])];
}

function requireString(field: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new InvalidArticleError(
      field,
      `must be text, got ${value === null ? "null" : typeof value}`,
    );
  }
  return value;
}

function text(value: string): string {
  return value.replace(LONE_SURROGATE, "\uFFFD").trim();
}

function encode(article: Article): Record<string, string> {
  const fields: Record<string, string> = {
    url: article.url,
    title: article.title,
    summary: article.summary,
    source: article.source,
    publishedAt: String(article.publishedAt),
    topics: article.topics.join(","),
    urgency: article.urgency,
    lang: article.lang,
  };
  if (article.link !== undefined) fields.link = article.link;
  if (article.author !== undefined) fields.author = article.author;
  if (article.cluster !== undefined) fields.cluster = article.cluster;
  return fields;
}

function decode(id: string, fields: Record<string, string>): Article {
  const article: Article = {
    id,
    url: fields.url ?? "",
    title: fields.title ?? "",
    summary: fields.summary ?? "",
    source: fields.source ?? "",
    publishedAt: Number(fields.publishedAt),
    topics: fields.topics ? fields.topics.split(",") : [],
    urgency: fields.urgency === "flash" ? "flash" : "normal",
    lang: fields.lang || "en",
  };
  if (fields.link) article.link = fields.link;
  if (fields.author) article.author = fields.author;
  if (fields.cluster) article.cluster = fields.cluster;
  return article;
}

function sameFields(a: Record<string, string>, b: Record<string, string>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

function isEmpty(fields: Record<string, string>): boolean {
  return Object.keys(fields).length === 0;
}

/** A ZRANGE BYSCORE bound for a time in ms. */
function bound(ms: number, exclusive: boolean): string {
  if (Number.isNaN(ms)) throw new RangeError("a time bound is NaN");
  if (ms === Number.POSITIVE_INFINITY) return "+inf";
  if (ms === Number.NEGATIVE_INFINITY) return "-inf";
  return exclusive ? `(${ms}` : String(ms);
}

/**
 * Runs its queued writes only if the hash at KEYS[1] still holds exactly the
 * fields in ARGV[2..2n+1] (n = ARGV[1]); returns 1 when written, 0 when not.
 * Each write after that is: command, key slot, argument count, arguments.
 */
const GUARDED_WRITE = `
local n = tonumber(ARGV[1])
local current = redis.call('HGETALL', KEYS[1])
if #current ~= 2 * n then return 0 end
local stored = {}
for i = 1, #current, 2 do stored[current[i]] = current[i + 1] end
for i = 2, 2 * n, 2 do
  if stored[ARGV[i]] ~= ARGV[i + 1] then return 0 end
end
local allowed = {
  del = true, hset = true, incr = true, set = true, zadd = true, zrem = true, zremrangebyscore = true,
  sadd = true, srem = true,
}
local writes = {}
local i = 2 * n + 2
while i <= #ARGV do
  local command, key, argc = ARGV[i], KEYS[tonumber(ARGV[i + 1])], tonumber(ARGV[i + 2])
  if not allowed[command] or not key or not argc then
    return redis.error_reply('ERR malformed guarded write')
  end
  writes[#writes + 1] = { command, key, i + 3, i + 2 + argc }
  i = i + 3 + argc
end
for _, w in ipairs(writes) do
  redis.call(w[1], w[2], unpack(ARGV, w[3], w[4]))
end
return 1
`;
const GUARDED_WRITE_SHA = createHash("sha1").update(GUARDED_WRITE).digest("hex");

/** Writes queued for one guarded script call; the guarded hash is always KEYS[1]. */
class WritePlan implements SetWriter {
  readonly keys: string[] = [];
  readonly args: string[] = [];
  private readonly slots = new Map<string, number>();

  constructor(guardedKey: string) {
    this.slot(guardedKey);
  }

  del(key: string): void {
    this.queue("del", key, []);
  }
  hset(key: string, fields: Record<string, string>): void {
    this.queue("hset", key, Object.entries(fields).flat());
  }
  incr(key: string): void {
    this.queue("incr", key, []);
  }
  set(key: string, value: string): void {
    this.queue("set", key, [value]);
  }
  zadd(key: string, score: number, member: string): void {
    this.queue("zadd", key, [String(score), member]);
  }
  zrem(key: string, member: string): void {
    this.queue("zrem", key, [member]);
  }
  /** `min` and `max` are ZRANGE BYSCORE bounds (see bound()) */
  zremrangebyscore(key: string, min: string, max: string): void {
    this.queue("zremrangebyscore", key, [min, max]);
  }
  sadd(key: string, ...members: string[]): void {
    this.queue("sadd", key, members);
  }
  srem(key: string, ...members: string[]): void {
    this.queue("srem", key, members);
  }

  private queue(command: string, key: string, args: string[]): void {
    this.args.push(command, String(this.slot(key)), String(args.length), ...args);
  }

  private slot(key: string): number {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      this.keys.push(key);
      slot = this.keys.length;
      this.slots.set(key, slot);
    }
    return slot;
  }
}

/** Runs `plan` if its guarded hash still equals `expected`; false when another writer got there first. */
async function guardedWrite(
  redis: Redis,
  plan: WritePlan,
  expected: Record<string, string>,
): Promise<boolean> {
  const pairs = Object.entries(expected).flat();
  const args = [...plan.keys, String(pairs.length / 2), ...pairs, ...plan.args];
  let reply: unknown;
  try {
    reply = await redis.evalsha(GUARDED_WRITE_SHA, plan.keys.length, ...args);
  } catch (err) {
    if (!(err instanceof Error && err.message.startsWith("NOSCRIPT"))) throw err;
    reply = await redis.eval(GUARDED_WRITE, plan.keys.length, ...args);
  }
  return reply === 1;
}
