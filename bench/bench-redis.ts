import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { createRedis } from "../src/redis/connection.ts";
import { startEmbeddedRedis } from "../src/redis/embedded.ts";

/** A Redis for one benchmark: REDIS_URL when set, else a private redis-server in a temp dir. */
export async function benchRedis(): Promise<{ redis: Redis; url: string; close(): Promise<void> }> {
  if (process.env.REDIS_URL) {
    const redis = createRedis(process.env.REDIS_URL);
    return { redis, url: process.env.REDIS_URL, close: async () => void redis.disconnect() };
  }
  const dir = mkdtempSync(join(tmpdir(), "fd-bench-"));
  const server = await startEmbeddedRedis({ dataDir: dir });
  const redis = createRedis(server.url);
  return {
    redis,
    url: server.url,
    async close() {
      redis.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A connection as src/app/app-redis.ts makes the stores' one, which the bot,
 * the feeds and the article hooks share: auto-pipelined, so everything running
 * at once goes out in one write.
 */
export function storesConnection(url: string): Redis {
  return createRedis(url, { enableAutoPipelining: true });
}
