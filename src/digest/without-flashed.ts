import type { Redis } from "ioredis";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Keys } from "../redis/keys.ts";

/**
 * The store as one chat's digest should see it: articles already pushed to
 * that chat as flashes are left out of `since`, so a digest does not repeat
 * them (the worker records them, see delivery-log.ts).
 */
export function withoutFlashed(
  store: ArticleStore,
  redis: Redis,
  keys: Keys,
  chatId: number,
): ArticleStore {
  return {
    ...store,
    async since(afterMs, options = {}) {
      const { limit, ...unlimited } = options;
      const [articles, flashed] = await Promise.all([
        store.since(afterMs, unlimited),
        redis.smembers(keys.flashed(chatId)),
      ]);
      const skip = new Set(flashed);
      const kept = skip.size === 0 ? articles : articles.filter((article) => !skip.has(article.id));
      return limit === undefined ? kept : kept.slice(0, limit);
    },
  };
}
