import type { Redis } from "ioredis";
import type { Article } from "../articles/article.ts";
import { enqueueWatch, type WatchQueue } from "../delivery/queue.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import { Rounds } from "./rounds.ts";
import { createWatchHits, type WatchHits } from "./watch-hits.ts";
import { createWatchStore, type WatchStore } from "./watch-store.ts";
import { articleWatchWords } from "./watch-words.ts";

/** Articles published longer ago than this are not news to a watch (a late import of old content). */
const WATCH_MAX_AGE_MS = 48 * 3600_000;

export interface WatchHookDeps {
  watches: WatchStore;
  hits: WatchHits;
  /** enqueues a chat's watch message planned for `at` (queue.ts enqueueWatch) */
  enqueue(chatId: number, at: number, now: number): Promise<unknown>;
  logger?: Logger;
  clock?: () => number;
}

/**
 * The hook the ingest paths call after storing an article: a newly created,
 * recent article is matched against every watch through the word index
 * (watch-store.ts), and each chat it matches gets it added to its pending
 * matches, with a watch message planned when none is. Edits never fire a
 * watch again. Articles stored while a round runs are matched together in
 * the next (rounds.ts): one command reads the index for all of them, one
 * records every chat's matches. Resolves with the number of chats the
 * article matched.
 */
export function createWatchHook(
  deps: WatchHookDeps,
): (article: Article, created: boolean) => Promise<number> {
  const clock = deps.clock ?? Date.now;
  const rounds = new Rounds<Article, number>((articles) => matchRound(deps, articles, clock()));
  return async function onArticleStored(article, created) {
    if (!created || article.publishedAt < clock() - WATCH_MAX_AGE_MS) return 0;
    return rounds.add(article);
  };
}

/**
 * Rounds whose matches are written only while the index copy they were
 * found on is current; past them, the copy is read fresh and the matches
 * written as they are.
 */
const CHECKED_ROUNDS = 2;

/**
 * Matches a round of articles and records each chat's matches, enqueueing
 * what it planned. The matching runs on this process's copy of the index,
 * and the record goes ahead only if no watch sharing a word changed since
 * the copy was read: in the usual round that is one command. When one did,
 * the copy is read fresh and the round runs again.
 */
async function matchRound(deps: WatchHookDeps, articles: Article[], now: number) {
  const words = articles.map(articleWatchWords);
  for (let round = 0; ; round++) {
    const found = await deps.watches.matchMany(words, { fresh: round > 0 });
    const matched = articles.map((article, i) => ({
      articleId: article.id,
      matches: found.matches[i] ?? [],
    }));
    const checked = round < CHECKED_ROUNDS ? found.counts : undefined;
    const planned = await deps.hits.addRound(matched, now, checked);
    if (planned === "stale") continue;
    await Promise.all([...planned].map(([chatId, at]) => deps.enqueue(chatId, at, now)));
    if (planned.size > 0) deps.logger?.debug({ chats: planned.size }, "watch messages planned");
    return found.matches.map((matches) => matches.length);
  }
}

/** The watch hook on the deployment's Redis and delivery queue. */
export function createWatchHookOn(deps: {
  redis: Redis;
  keys: Keys;
  queue: WatchQueue;
  logger?: Logger;
}): (article: Article, created: boolean) => Promise<number> {
  return createWatchHook({
    watches: createWatchStore(deps.redis, deps.keys),
    hits: createWatchHits(deps.redis, deps.keys),
    enqueue: (chatId, at, now) => enqueueWatch(deps.queue, chatId, at, now),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
}
