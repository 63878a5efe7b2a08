import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import { luaScript, runTogether, scriptCall } from "../redis/lua-script.ts";
import type { Article } from "./article.ts";
import type { ArticleStore } from "./article-store.ts";
import { articlesChanged } from "./article-writes.ts";

const WITHDRAW = luaScript("return redis.call('SADD', KEYS[1], ARGV[1])");

/** Times a list is read again to make up for withdrawn articles left out of it. */
const REFILLS = 3;

/**
 * The articles an editor withdrew (/withdraw): kept in the store, so links
 * and corrections still find them, but never again offered to readers.
 * The only writer of the `withdrawn` key.
 */
export class Withdrawals {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Marks an article withdrawn, and the article set changed (answers cached
   * from it are stale), in one step; true the first time, false when it already was.
   */
  async withdraw(articleId: string): Promise<boolean> {
    const [added] = await runTogether(this.redis, [
      scriptCall(WITHDRAW, [this.keys.withdrawn()], [articleId], (reply) => reply === 1),
      articlesChanged(this.keys),
    ]);
    return added;
  }

  /** Which of `articleIds` are withdrawn. */
  async among(articleIds: readonly string[]): Promise<Set<string>> {
    if (articleIds.length === 0) return new Set();
    const flags = await this.redis.smismember(this.keys.withdrawn(), ...articleIds);
    return new Set(articleIds.filter((_, i) => flags[i] === 1));
  }

  /** `articles` without the withdrawn ones, in order. */
  async without<T extends Pick<Article, "id">>(articles: readonly T[]): Promise<T[]> {
    const gone = await this.among(articles.map((article) => article.id));
    return gone.size === 0 ? [...articles] : articles.filter((article) => !gone.has(article.id));
  }
}

type ListedBy = "latest" | "since" | "arrivedLate" | "search";

/**
 * `store` with its lists for readers (latest, since, late news, search)
 * leaving withdrawn articles out, so /latest, /search, inline answers and
 * digests never offer them; a list of n read with withdrawn articles in it is
 * read again, longer, to still hold n. Every other method is the store's own
 * (get and find still see a withdrawn article, for editors and corrections).
 */
export function withoutWithdrawn<S extends Pick<ArticleStore, ListedBy>>(
  store: S,
  withdrawals: Withdrawals,
): S {
  const lists: Pick<ArticleStore, ListedBy> = {
    latest: (n, options) => refilled(n, (size) => store.latest(size, options), withdrawals),
    search: (words, limit) => refilled(limit, (size) => store.search(words, size), withdrawals),
    since: async (afterMs, options) => withdrawals.without(await store.since(afterMs, options)),
    async arrivedLate(afterMs, options) {
      const late = await store.arrivedLate(afterMs, options);
      const gone = await withdrawals.among(late.map(({ article }) => article.id));
      return late.filter(({ article }) => !gone.has(article.id));
    },
  };
  return new Proxy(store, {
    get(target, name, receiver) {
      if (typeof name === "string" && Object.hasOwn(lists, name)) {
        return lists[name as ListedBy];
      }
      const value = Reflect.get(target, name, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function refilled(
  n: number,
  read: (size: number) => Promise<Article[]>,
  withdrawals: Withdrawals,
): Promise<Article[]> {
  let size = n;
  let kept: Article[] = [];
  for (let round = 0; round <= REFILLS; round++) {
    const page = await read(size);
    kept = await withdrawals.without(page);
    // complete: nothing left out, or the store has no more to give
    if (kept.length >= n || page.length < size) break;
    size = n + page.length - kept.length;
  }
  return kept.slice(0, n);
}
