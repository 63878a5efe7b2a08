import type { Redis } from "ioredis";
import type { Article } from "../articles/article.ts";
import { enqueueWatch } from "../delivery/queue.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import { createWatchHits, type WatchHits } from "./watch-hits.ts";
import { createWatchStore, type WatchStore } from "./watch-store.ts";
import { articleWatchWords } from "./watch-words.ts";

/** Articles published longer ago than this are not news to a watch (a late import of old content). */
export const WATCH_MAX_AGE_MS = 48 * 3600_000;

export interface WatchHookDeps {
  watches: WatchStore;
  hits: WatchHits;
  /** enqueues a chat's watch message planned for `at` (queue.ts enqueueWatch) */
  enqueue(chatId: number, at: number, now: number): Promise<unknown>;
  logger?: Logger;
  now?: () => number;
}

/**
 * The hook the ingest paths call after storing an article: a newly created,
 * recent article is matched against every watch through the word index
 * (watch-store.ts), and each chat it matches gets it added to its pending
 * matches, with a watch message planned when none is. Edits never fire a
 * watch again. Resolves with the number of chats it matched.
 */
export function createWatchHook(
  deps: WatchHookDeps,
): (article: Article, created: boolean) => Promise<number> {
  const clock = deps.now ?? Date.now;
  return async function onArticleStored(article, created) {
    const now = clock();
    if (!created || article.publishedAt < now - WATCH_MAX_AGE_MS) return 0;
    const matches = await deps.watches.match(articleWatchWords(article));
    // one command for every chat matched, however many
    const planned = await deps.hits.addMany(article.id, matches, now);
    await Promise.all(
      matches.map(({ chatId }, i) => {
        const at = planned[i];
        return at === undefined ? undefined : deps.enqueue(chatId, at, now);
      }),
    );
    if (matches.length > 0) {
      deps.logger?.debug({ article: article.id, chats: matches.length }, "watches matched");
    }
    return matches.length;
  };
}

/** The watch hook on the deployment's Redis and delivery queue. */
export function createWatchHookOn(deps: {
  redis: Redis;
  keys: Keys;
  queue: Parameters<typeof enqueueWatch>[0];
  logger?: Logger;
}): (article: Article, created: boolean) => Promise<number> {
  return createWatchHook({
    watches: createWatchStore(deps.redis, deps.keys),
    hits: createWatchHits(deps.redis, deps.keys),
    enqueue: (chatId, at, now) => enqueueWatch(deps.queue, chatId, at, now),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
}
