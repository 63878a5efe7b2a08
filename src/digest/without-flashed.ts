import type { Redis } from "ioredis";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Keys } from "../redis/keys.ts";

/**
 * The store as one chat's digest should see it: articles already pushed to
 * that chat as flashes are left out of `since` and `arrivedLate`, so a
 * digest does not repeat them (the worker records them, see delivery-log.ts).
 */
export function withoutFlashed(
  store: ArticleStore,
  redis: Redis,
  keys: Keys,
  chatId: number,
): ArticleStore {
  return withoutArticles(store, async () => new Set(await redis.smembers(keys.flashed(chatId))));
}

/**
 * The store with the articles `skipped` names left out of `since` (and its
 * limit applied after them) and of `arrivedLate`, for a caller that already
 * knows a chat's flashed articles, as the delivery worker does.
 */
export function withoutArticles(
  store: ArticleStore,
  skipped: ReadonlySet<string> | (() => Promise<ReadonlySet<string>>),
): ArticleStore {
  const skipping = () => (typeof skipped === "function" ? skipped() : skipped);
  return {
    ...store,
    async since(afterMs, options = {}) {
      const { limit, ...unlimited } = options;
      const [articles, skip] = await Promise.all([store.since(afterMs, unlimited), skipping()]);
      const kept = skip.size === 0 ? articles : articles.filter((article) => !skip.has(article.id));
      return limit === undefined ? kept : kept.slice(0, limit);
    },
    async arrivedLate(afterMs, options) {
      const [late, skip] = await Promise.all([store.arrivedLate(afterMs, options), skipping()]);
      return skip.size === 0 ? late : late.filter(({ article }) => !skip.has(article.id));
    },
  };
}
