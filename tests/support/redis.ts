import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { inject, onTestFinished } from "vitest";
import { createRedis } from "../../src/redis/connection.ts";
import { deleteByPrefix } from "../../src/redis/delete-prefix.ts";
import { createKeys, type Keys } from "../../src/redis/keys.ts";

export { deleteByPrefix };

export interface TestRedis {
  redis: Redis;
  keys: Keys;
  prefix: string;
  url: string;
}

/** The URL of the run's throwaway Redis (or REDIS_URL). */
export function testRedisUrl(): string {
  return inject("redisUrl");
}

/** A fresh random key prefix, so tests never see each other's keys. */
export function randomPrefix(): string {
  return `t${randomBytes(5).toString("hex")}:`;
}

/**
 * A connection to the test Redis with a random key prefix of its own, for the
 * test that calls it (inside the test body). Every key under the prefix is
 * deleted and the connection closed when that test finishes.
 */
export async function useRedis(): Promise<TestRedis> {
  const url = testRedisUrl();
  const redis = createRedis(url);
  const prefix = randomPrefix();
  onTestFinished(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });
  return { redis, keys: createKeys(prefix), prefix, url };
}
