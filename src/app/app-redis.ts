import type { Redis } from "ioredis";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { describeRedisUrl } from "../redis/address.ts";
import {
  closeRedis,
  connectRedis,
  createRedis,
  storeConnectionOptions,
} from "../redis/connection.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "../redis/embedded.ts";
import { createRedisHealth, type RedisHealth } from "../redis/health.ts";
import type { OnStop } from "./stop-stack.ts";

export interface AppRedis {
  /** REDIS_URL, or the embedded server's */
  url: string;
  /** the stores' connection, auto-pipelined */
  redis: Redis;
  /** BullMQ's queues' connection */
  queueRedis: Redis;
  health: RedisHealth;
}

/**
 * The app's two Redis connections, connected (within REDIS_CONNECT_TIMEOUT_MS),
 * to REDIS_URL or else to an embedded redis-server started first; each is
 * handed to `onStop`.
 */
export async function connectAppRedis(
  config: Config,
  logger: Logger,
  onStop: OnStop,
): Promise<AppRedis> {
  let redisUrl = config.redisUrl;
  if (!redisUrl) {
    const embedded: EmbeddedRedis = await startEmbeddedRedis({ dataDir: config.dataDir, logger });
    onStop("embedded redis-server", () => embedded.stop());
    redisUrl = embedded.url;
    logger.info({ dataDir: config.dataDir }, "started embedded redis-server");
  }
  // The stores' connection: auto-pipelining sends the commands of everything
  // running at once (updates, delivery jobs) in one write. BullMQ's queues
  // and workers must not share it, so they get a plain one. The stores'
  // commands fail at once while Redis is down (the bot answers "try again");
  // BullMQ's wait through the outage, as BullMQ requires.
  const health = createRedisHealth({ logger, address: describeRedisUrl(redisUrl) });
  const redis = createRedis(redisUrl, {
    enableAutoPipelining: true,
    ...storeConnectionOptions,
    health,
  });
  const queueRedis = createRedis(redisUrl, { health });
  onStop("redis connections", async () => {
    await Promise.all([closeRedis(redis), closeRedis(queueRedis)]);
  });
  await connectRedis(redis, redisUrl, config.redisConnectTimeoutMs);
  await connectRedis(queueRedis, redisUrl, config.redisConnectTimeoutMs);
  return { url: redisUrl, redis, queueRedis, health };
}
