import type { Redis } from "ioredis";

/**
 * Deletes every key that starts with `prefix` (SCAN + UNLINK in batches, so
 * Redis never blocks on a large deployment). For tests and benchmarks that
 * work under a prefix of their own; never point it at a live deployment's.
 */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (batch.length) await redis.unlink(...batch);
  } while (cursor !== "0");
}
