import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** A Lua script with its SHA1, for EVALSHA. */
export interface LuaScript {
  lua: string;
  sha: string;
}

export function luaScript(lua: string): LuaScript {
  return { lua, sha: createHash("sha1").update(lua).digest("hex") };
}

/**
 * Runs `script` by EVALSHA, and by EVAL the first time a server does not know
 * it yet (a new or restarted Redis), which also caches it there. ioredis's
 * defineCommand does the same for a command on one connection; this suits a
 * call that builds its key list at run time.
 */
export async function runScript(
  redis: Redis,
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
    return await redis.eval(script.lua, keys.length, ...keys, ...args);
  }
}
