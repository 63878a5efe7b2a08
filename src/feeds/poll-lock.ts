import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { luaScript, runScript } from "../redis/lua-script.ts";

/** Deletes the lock only while `ARGV[1]` (this poll's token) still holds it. */
const RELEASE_LOCK = luaScript(
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`,
);

/**
 * Runs `task` while holding the lock `key` (SET NX PX with a random token),
 * so only one instance polls a source at a time; undefined, without running
 * it, when another holds the lock. The lock lapses after `ms` should this
 * process die, and is released only if still ours.
 */
export async function withPollLock<T>(
  redis: Redis,
  key: string,
  ms: number,
  task: () => Promise<T>,
): Promise<T | undefined> {
  const token = randomBytes(8).toString("hex");
  if ((await redis.set(key, token, "PX", ms, "NX")) !== "OK") return undefined;
  try {
    return await task();
  } finally {
    await runScript(redis, RELEASE_LOCK, [key], [token]);
  }
}
