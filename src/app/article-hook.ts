import type { Redis } from "ioredis";
import type { Article } from "../articles/article.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import { createFlashHook } from "../delivery/flash.ts";
import type { DeliveryQueue } from "../delivery/queue.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import type { Metrics } from "../server/metrics.ts";
import { createWatchHookOn } from "../watches/watch-hook.ts";

/** What runs once an article is stored, from any source. */
export type OnArticleStored = (article: Article, created: boolean) => Promise<void>;

/**
 * Counts a new article, and enqueues its flashes (when urgent) and the
 * watch messages of the chats whose watches it matches.
 */
export function createArticleHook(deps: {
  redis: Redis;
  keys: Keys;
  chats: ChatStore;
  queue: DeliveryQueue;
  logger: Logger;
  metrics: Metrics;
}): OnArticleStored {
  const { redis, keys, chats, queue, logger, metrics } = deps;
  const flash = createFlashHook({ redis, keys, chats, queue, logger });
  const watch = createWatchHookOn({ redis, keys, queue, logger });
  return async (article, created) => {
    if (created) metrics.articleIngested();
    await Promise.all([flash(article, created), watch(article, created)]);
  };
}
