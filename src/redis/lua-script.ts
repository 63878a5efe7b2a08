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

/**
 * One run of a script, described but not yet sent: a store hands these out so
 * that a caller can send several as one command (runTogether), where each
 * would otherwise cost a command of its own, in our process and in Redis.
 */
export interface ScriptCall<T = unknown> {
  script: LuaScript;
  keys: string[];
  args: (string | number)[];
  /** what the caller gets from the script's reply */
  read(reply: unknown): T;
}

const ignore = (): undefined => undefined;

export function scriptCall<T = undefined>(
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
  read: (reply: unknown) => T = ignore as () => T,
): ScriptCall<T> {
  return { script, keys, args, read };
}

export async function runCall<T>(redis: Redis, call: ScriptCall<T>): Promise<T> {
  return call.read(await runScript(redis, call.script, call.keys, call.args));
}

/**
 * Writes collected to go to Redis together, as one command (runTogether),
 * in the order they were added: a store method given a batch adds its write
 * here instead of sending it (see runWrite), and the caller sends them all
 * with run(). For writes that happen at the same moment anyway, such as a
 * delivered part's bookkeeping (delivery/send-parts.ts).
 */
export class ScriptBatch {
  private calls: ScriptCall<unknown>[] = [];

  add(call: ScriptCall<unknown>): void {
    this.calls.push(call);
  }

  /** How many writes wait to be run. */
  get size(): number {
    return this.calls.length;
  }

  /** Sends every write added so far, atomically, and empties the batch; nothing is sent when it is empty. */
  async run(redis: Redis): Promise<void> {
    const calls = this.calls;
    this.calls = [];
    if (calls.length > 0) await runTogether(redis, calls);
  }
}

/**
 * Runs a write now, or adds it to `batch` (when given) to go out with
 * batch.run(): the one way a store method takes an optional batch. With a
 * batch, nothing is sent, and the returned promise resolves at once.
 */
export async function runWrite(
  redis: Redis,
  call: ScriptCall<unknown>,
  batch?: ScriptBatch,
): Promise<void> {
  if (batch) batch.add(call);
  else await runCall(redis, call);
}

type Results<C extends readonly ScriptCall<unknown>[]> = {
  -readonly [I in keyof C]: C[I] extends ScriptCall<infer T> ? T : never;
};

/**
 * Runs `calls` in order as one script: one command, atomic, each script
 * seeing only its own KEYS and ARGV, and each caller getting what its call
 * reads from its own reply. For scripts that go to Redis at the same moment
 * anyway (a delivered part's bookkeeping, send-parts.ts): in our process one
 * command costs less than three. Not worth it for plain reads: an HGETALL or
 * SMEMBERS run through Lua costs Redis several times the direct command.
 */
export async function runTogether<const C extends readonly ScriptCall<unknown>[]>(
  redis: Redis,
  calls: C,
): Promise<Results<C>> {
  if (calls.length === 1) return [await runCall(redis, calls[0] as ScriptCall)] as Results<C>;
  const keys: string[] = [];
  const args: (string | number)[] = [];
  for (const call of calls) {
    keys.push(...call.keys);
    args.push(call.keys.length, call.args.length);
  }
  for (const call of calls) args.push(...call.args);
  const replies = (await runScript(redis, combined(calls), keys, args)) as unknown[];
  return calls.map((call, index) => call.read(replies[index] ?? null)) as Results<C>;
}

/** Combined scripts, found by their parts in order: a handful of fixed combinations, each made once. */
interface Combination {
  script?: LuaScript;
  next: Map<LuaScript, Combination>;
}
const combinations: Combination = { next: new Map() };

function combined(calls: readonly ScriptCall<unknown>[]): LuaScript {
  let node = combinations;
  for (const { script } of calls) {
    let next = node.next.get(script);
    if (!next) {
      next = { next: new Map() };
      node.next.set(script, next);
    }
    node = next;
  }
  node.script ??= combine(calls.map((call) => call.script));
  return node.script;
}

/**
 * One script running `scripts` in order, each body as a local function whose
 * parameters shadow KEYS and ARGV, so a body reads its own slices unchanged.
 * ARGV starts with each call's key and argument counts; a nil reply becomes
 * false, so it cannot cut the list of replies short.
 */
function combine(scripts: LuaScript[]): LuaScript {
  const functions = scripts.map(
    (script, index) => `local function step${index + 1}(KEYS, ARGV)\n${script.lua}\nend`,
  );
  return luaScript(`${functions.join("\n")}
local steps = {${scripts.map((_, index) => `step${index + 1}`).join(", ")}}
local replies = {}
local k, a = 0, #steps * 2
for i, step in ipairs(steps) do
  local nk, na = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local reply = step({unpack(KEYS, k + 1, k + nk)}, {unpack(ARGV, a + 1, a + na)})
  if reply == nil then reply = false end
  replies[i] = reply
  k, a = k + nk, a + na
end
return replies
`);
}
