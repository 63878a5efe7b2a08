import type { Redis } from "ioredis";

/**
 * Every key under `prefix` with its value, sorted, as one comparable object:
 * hashes as objects, sorted sets with scores, sets sorted, strings as they
 * are. Keys starting with one of `skip` (full key names) are left out.
 */
export async function snapshotKeys(
  redis: Redis,
  prefix: string,
  skip: readonly string[] = [],
): Promise<Record<string, unknown>> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== "0");
  const out: Record<string, unknown> = {};
  for (const key of found.filter((k) => !skip.some((s) => k.startsWith(s))).sort()) {
    const type = await redis.type(key);
    if (type === "hash") out[key] = await redis.hgetall(key);
    else if (type === "zset") out[key] = await redis.zrange(key, 0, -1, "WITHSCORES");
    else if (type === "set") out[key] = (await redis.smembers(key)).sort();
    else if (type === "list") out[key] = await redis.lrange(key, 0, -1);
    else if (type === "string") out[key] = await redis.get(key);
    else out[key] = type;
  }
  return out;
}
