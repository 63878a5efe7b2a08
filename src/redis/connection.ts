import { Redis, type RedisOptions } from "ioredis";

/**
 * Opens an ioredis connection from a redis://, rediss:// or unix:///path URL.
 * `maxRetriesPerRequest: null` is what BullMQ workers need and lets commands
 * wait through a Redis restart instead of failing.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const base: RedisOptions = { maxRetriesPerRequest: null, lazyConnect: false, ...options };
  if (url.startsWith("unix://")) {
    return new Redis({ ...base, path: url.slice("unix://".length) });
  }
  return new Redis(url, base);
}
