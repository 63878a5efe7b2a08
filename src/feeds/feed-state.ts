import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import { withoutUndefined } from "./without-undefined.ts";

/** What the poller remembers about one source between fetches. */
export interface FeedState {
  etag?: string;
  lastModified?: string;
  /** the URL to fetch instead of the configured one (a permanent redirect or a fallback that worked) */
  url?: string;
  lastFetchAt?: number;
  lastSuccessAt?: number;
  /** consecutive failures; 0 after a success */
  failures: number;
  /** when the source is next due, ms since epoch */
  nextAt?: number;
  lastError?: string;
  /** set by an editor; a paused source is not fetched */
  paused: boolean;
  /** items in the last successfully parsed feed */
  itemsSeen?: number;
}

interface SuccessRecord {
  at: number;
  nextAt: number;
  /**
   * The validators of a 200 response, replacing the stored ones (a missing
   * one is deleted). Leave out after a 304, which keeps the stored ones.
   */
  validators?: { etag?: string; lastModified?: string };
  /** remember this URL for the next fetches */
  url?: string;
  /** the configured URL answered: forget a remembered one (ignored when `url` is given) */
  forgetUrl?: boolean;
  itemsSeen?: number;
}

interface FailureRecord {
  at: number;
  error: string;
  /** the next due time, or a function of the new consecutive-failure count */
  nextAt: number | ((failures: number) => number);
}

export interface FeedStateStore {
  get(sourceId: string): Promise<FeedState>;
  recordSuccess(sourceId: string, record: SuccessRecord): Promise<void>;
  /** Counts one more consecutive failure; returns the new count and the next due time. */
  recordFailure(
    sourceId: string,
    record: FailureRecord,
  ): Promise<{ failures: number; nextAt: number }>;
  setPaused(sourceId: string, paused: boolean): Promise<void>;
  /**
   * Notes that editors were told the source is failing; true only for the
   * first call since the last clearAlerted, so of several instances exactly
   * one tells them.
   */
  markAlerted(sourceId: string, now: number): Promise<boolean>;
  /** Forgets the alert; true only if there was one to forget (editors hear of the recovery once). */
  clearAlerted(sourceId: string): Promise<boolean>;
}

const ERROR_MAX_CHARS = 500;
const ALERTED_FIELD = "alerted";

/**
 * The per-source fetch state, one Redis hash per source (keys.feed(id)), and
 * the only code that writes it. Conditional-GET validators, the remembered
 * URL, failure count and next due time survive restarts, so a restarted bot
 * neither refetches everything nor forgets a backoff.
 */
export function createFeedStateStore(redis: Redis, keys: Keys): FeedStateStore {
  return new RedisFeedStateStore(redis, keys);
}

class RedisFeedStateStore implements FeedStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async get(sourceId: string): Promise<FeedState> {
    const h = await this.redis.hgetall(this.keys.feed(sourceId));
    return withoutUndefined({
      etag: h.etag,
      lastModified: h.lastModified,
      url: h.url,
      lastFetchAt: int(h.lastFetchAt),
      lastSuccessAt: int(h.lastSuccessAt),
      failures: int(h.failures) ?? 0,
      nextAt: int(h.nextAt),
      lastError: h.lastError,
      paused: h.paused === "1",
      itemsSeen: int(h.itemsSeen),
    });
  }

  async recordSuccess(sourceId: string, record: SuccessRecord): Promise<void> {
    const key = this.keys.feed(sourceId);
    const set: Record<string, string | number> = {
      lastFetchAt: record.at,
      lastSuccessAt: record.at,
      nextAt: record.nextAt,
      failures: 0,
    };
    const del = ["lastError"];
    if (record.validators) {
      for (const field of ["etag", "lastModified"] as const) {
        const value = record.validators[field];
        if (value) set[field] = value;
        else del.push(field);
      }
    }
    if (record.url) set.url = record.url;
    else if (record.forgetUrl) del.push("url");
    if (record.itemsSeen !== undefined) set.itemsSeen = record.itemsSeen;
    await this.redis
      .multi()
      .hset(key, set)
      .hdel(key, ...del)
      .exec();
  }

  async recordFailure(
    sourceId: string,
    record: FailureRecord,
  ): Promise<{ failures: number; nextAt: number }> {
    const key = this.keys.feed(sourceId);
    const failures = await this.redis.hincrby(key, "failures", 1);
    const nextAt = typeof record.nextAt === "function" ? record.nextAt(failures) : record.nextAt;
    await this.redis.hset(key, {
      lastFetchAt: record.at,
      nextAt,
      lastError: record.error.slice(0, ERROR_MAX_CHARS),
    });
    return { failures, nextAt };
  }

  async setPaused(sourceId: string, paused: boolean): Promise<void> {
    const key = this.keys.feed(sourceId);
    if (paused) await this.redis.hset(key, "paused", "1");
    else await this.redis.hdel(key, "paused");
  }

  async markAlerted(sourceId: string, now: number): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.feed(sourceId), ALERTED_FIELD, String(now))) === 1;
  }

  async clearAlerted(sourceId: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.feed(sourceId), ALERTED_FIELD)) === 1;
  }
}

function int(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
