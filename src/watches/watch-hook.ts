import type { Redis } from "ioredis";
import type { Article } from "../articles/article.ts";
import { enqueueWatch } from "../delivery/queue.ts";
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

/** Matches a round of articles, records each chat's matches in one command, enqueues what it planned. */
async function matchRound(deps: WatchHookDeps, articles: Article[], now: number) {
  const matches = await deps.watches.matchMany(articles.map(articleWatchWords));
  const byChat = new Map<number, Map<string, string>>();
  matches.forEach((found, i) => {
    const id = (articles[i] as Article).id;
    for (const { chatId, phrase } of found) {
      const hits = byChat.get(chatId) ?? new Map<string, string>();
      byChat.set(chatId, hits.set(id, phrase));
    }
  });
  const chats = [...byChat].map(([chatId, hits]) => ({ chatId, hits }));
  const planned = await deps.hits.addMany(chats, now);
  await Promise.all(
    chats.map(({ chatId }, i) => {
      const at = planned[i];
      return at === undefined ? undefined : deps.enqueue(chatId, at, now);
    }),
  );
  if (chats.length > 0) {
    deps.logger?.debug({ articles: articles.length, chats: chats.length }, "watches matched");
  }
  return matches.map((found) => found.length);
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
