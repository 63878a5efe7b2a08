import { GuardedWrite } from "../redis/guarded-write.ts";
import type { Keys } from "../redis/keys.ts";
import { luaScript, type ScriptCall, scriptCall } from "../redis/lua-script.ts";
import type { Article } from "./article.ts";
import { bound } from "./article-reads.ts";
import { decode, encode, isEmpty, sameFields } from "./article-record.ts";
import { urlHash } from "./canonical-url.ts";
import { indexArticle } from "./search-index.ts";

/**
 * How long the store remembers when an article arrived. Only late news is
 * looked up by arrival (arrivedLate), and no digest reaches back more
 * than two days (digest/period.ts MAX_LOOKBACK_MS); a day more is margin.
 * Older entries are dropped as new articles arrive, so the arrival index
 * holds a few days of articles, not every article ever stored.
 */
export const ARRIVALS_KEPT_MS = 3 * 24 * 3600 * 1000;

/**
 * The write of `article` over `stored` (its hash as read), applying only if
 * the hash still holds that: the hash, the URL -> id string, the
 * publishedAt zsets (all and per topic), the arrival index when the article
 * is new (`now` is its arrival), and the search index.
 */
export function articleWrite(
  keys: Keys,
  article: Article,
  stored: Record<string, string>,
  now: number,
): GuardedWrite {
  const key = keys.article(article.id);
  const fields = encode(article);
  const previous = isEmpty(stored) ? undefined : decode(article.id, stored);
  const write = new GuardedWrite();
  write.expect(key, stored);
  if (!sameFields(stored, fields)) {
    write.del(key);
    write.hset(key, fields);
    write.incr(keys.articlesVersion()); // answers cached from articles are stale now
  }
  write.set(keys.articleByUrl(urlHash(article.url)), article.id);
  write.zadd(keys.articles(), article.publishedAt, article.id);
  if (!previous) {
    write.zadd(keys.articlesArrived(), now, article.id);
    write.zremrangebyscore(keys.articlesArrived(), "-inf", bound(now - ARRIVALS_KEPT_MS, true));
  }
  for (const topic of article.topics) {
    write.zadd(keys.articlesByTopic(topic), article.publishedAt, article.id);
  }
  for (const topic of previous?.topics ?? []) {
    if (!article.topics.includes(topic)) write.zrem(keys.articlesByTopic(topic), article.id);
  }
  indexArticle(write, keys, article, previous);
  return write;
}

const BUMP = luaScript("return redis.call('INCR', KEYS[1])");

/**
 * The bump of `articles:version` alone, for a change to what readers are
 * offered that leaves the article's hash as it is (a withdrawal,
 * withdrawals.ts), so answers cached from articles are stale as after an edit.
 */
export function articlesChanged(keys: Keys): ScriptCall<unknown> {
  return scriptCall(BUMP, [keys.articlesVersion()], []);
}

/** Runs writes to the same article one at a time in this process, so they never race each other's guard. */
export class OneAtATime {
  private readonly writing = new Map<string, Promise<unknown>>();

  run<T>(id: string, write: () => Promise<T>): Promise<T> {
    const run = (this.writing.get(id) ?? Promise.resolve()).then(write, write);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.writing.set(id, settled);
    void settled.then(() => {
      if (this.writing.get(id) === settled) this.writing.delete(id);
    });
    return run;
  }
}
