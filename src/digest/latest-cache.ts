import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";

export interface LatestCacheOptions {
  /** at most this many answers are kept; the least recently used goes first (default 500) */
  maxEntries?: number;
  /** an answer older than this is built again even if no article changed: a safety bound (default 60 s) */
  maxAgeMs?: number;
  clock?: () => number;
}

interface Entry<T> {
  /** the articles version read before the answer was built */
  version: number;
  builtAt: number;
  answer: Promise<T>;
}

const LATEST_CACHE_ENTRIES = 500;
const LATEST_CACHE_MAX_AGE_MS = 60_000;

/**
 * Answers built from the stored articles (such as /latest's rendered
 * messages), each built once and shared by every reader who asks the same
 * question — the key must name everything the answer depends on (language,
 * count, news languages, topic, time zone), so nothing of one reader's
 * settings reaches another with different ones.
 *
 * An answer holds until the article store changes: every write that changes
 * an article, and every withdrawal, bumps the `articles:version` counter in
 * Redis (articles/article-writes.ts), so a change made by any process —
 * ingest, an editor's edit or withdrawal — is seen with one GET per
 * question. Readers asking at once while an answer is built wait for that
 * one build. Bounded: at most `maxEntries` answers, none older than
 * `maxAgeMs`.
 */
export class LatestCache<T> {
  /** How many answers were built (not taken from the cache); for tests and metrics. */
  builds = 0;
  private readonly entries = new Map<string, Entry<T>>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    options: LatestCacheOptions = {},
  ) {
    this.maxEntries = Math.max(1, options.maxEntries ?? LATEST_CACHE_ENTRIES);
    this.maxAgeMs = options.maxAgeMs ?? LATEST_CACHE_MAX_AGE_MS;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * The answer for `key`: the cached one when no article changed since it
   * was built, else `build()`'s (kept for the next reader). An answer built
   * after a newer version was read is as good as one for that version; a
   * failed build is not kept.
   */
  async get(key: string, build: () => Promise<T>): Promise<T> {
    const version = await this.version();
    const now = this.clock();
    const entry = this.entries.get(key);
    if (entry && entry.version >= version && now - entry.builtAt < this.maxAgeMs) {
      this.entries.delete(key); // most recently used goes last
      this.entries.set(key, entry);
      return entry.answer;
    }
    this.builds++;
    const fresh: Entry<T> = { version, builtAt: now, answer: build() };
    this.entries.delete(key);
    this.entries.set(key, fresh);
    this.evict();
    fresh.answer.catch(() => {
      if (this.entries.get(key) === fresh) this.entries.delete(key);
    });
    return fresh.answer;
  }

  /** How many answers are held. */
  get size(): number {
    return this.entries.size;
  }

  /** The articles' version: the store's change counter, which a withdrawal bumps too. */
  private async version(): Promise<number> {
    return Number((await this.redis.get(this.keys.articlesVersion())) ?? 0);
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) return;
      this.entries.delete(key);
    }
  }
}
