import type { Redis } from "ioredis";

/** MEMORY USAGE of one key, every element counted. */
export async function memoryOf(redis: Redis, key: string): Promise<number> {
  return Number(await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0"));
}

/**
 * MEMORY USAGE (every element counted) of every key starting with `prefix`,
 * handed to `each`; one SCAN page and one pipelined round trip at a time.
 */
export async function eachKeyMemory(
  redis: Redis,
  prefix: string,
  each: (key: string, bytes: number) => void,
): Promise<void> {
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.call("MEMORY", "USAGE", key, "SAMPLES", "0");
    const replies = (await pipeline.exec()) ?? [];
    batch.forEach((key, i) => {
      const [err, bytes] = replies[i] ?? [];
      if (err) throw err;
      each(key, Number(bytes ?? 0));
    });
  } while (cursor !== "0");
}
