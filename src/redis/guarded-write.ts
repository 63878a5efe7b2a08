import type { Redis } from "ioredis";
import { luaScript, runCall, type ScriptCall, scriptCall } from "./lua-script.ts";

/**
 * Compare-and-set over hashes: checks that each expected hash still holds
 * exactly the fields it was read with, then runs every write; returns 1 when
 * written, 0 when a hash had changed (nothing is written then). A store reads,
 * computes in TypeScript, and commits atomically; a changed hash means retry
 * from a fresh read. Comparing the content needs no version field in the
 * hash, and is safe on a shared connection, unlike WATCH.
 *
 * ARGV[1] is the number of checks; each check is: key slot, pair count n,
 * then n field/value pairs. Each write after the checks is: command, key
 * slot, argument count, arguments. Only the commands in `allowed` run, and
 * only once every write was read whole.
 */
const GUARDED_WRITE = luaScript(`
local i = 2
for _ = 1, tonumber(ARGV[1]) do
  local key, n = KEYS[tonumber(ARGV[i])], tonumber(ARGV[i + 1])
  local current = redis.call('HGETALL', key)
  if #current ~= 2 * n then return 0 end
  local stored = {}
  for j = 1, #current, 2 do stored[current[j]] = current[j + 1] end
  for j = i + 2, i + 2 * n, 2 do
    if stored[ARGV[j]] ~= ARGV[j + 1] then return 0 end
  end
  i = i + 2 + 2 * n
end
local allowed = {
  del = true, hset = true, set = true, zadd = true, zrem = true, zremrangebyscore = true,
  sadd = true, srem = true, incr = true,
}
local writes = {}
while i <= #ARGV do
  local command, key, argc = ARGV[i], KEYS[tonumber(ARGV[i + 1])], tonumber(ARGV[i + 2])
  if not allowed[command] or not key or not argc then
    return redis.error_reply('ERR malformed guarded write')
  end
  writes[#writes + 1] = { command, key, i + 3, i + 2 + argc }
  i = i + 3 + argc
end
for _, w in ipairs(writes) do
  redis.call(w[1], w[2], unpack(ARGV, w[3], w[4]))
end
return 1
`);

/** Hash fields as a record, or flat as HGETALL pairs them: name, value, name, value, ... */
export type HashFields = Record<string, string> | readonly string[];

const flat = (fields: HashFields): string[] =>
  Array.isArray(fields) ? [...fields] : Object.entries(fields).flat();

/**
 * Writes that apply only if the hashes they were computed from are
 * unchanged: expect() each hash as read, queue the writes, then run(). The
 * one compare-and-set of the stores (chats, articles).
 */
export class GuardedWrite {
  private readonly keys: string[] = [];
  private readonly slots = new Map<string, number>();
  private readonly checks: string[] = [];
  private checkCount = 0;
  private readonly writes: string[] = [];

  /** The writes apply only while the hash at `key` holds exactly `fields`; none means it must not exist. */
  expect(key: string, fields: HashFields): void {
    const pairs = flat(fields);
    this.checks.push(String(this.slot(key)), String(pairs.length / 2), ...pairs);
    this.checkCount += 1;
  }

  del(key: string): void {
    this.queue("del", key, []);
  }
  hset(key: string, fields: HashFields): void {
    this.queue("hset", key, flat(fields));
  }
  set(key: string, value: string): void {
    this.queue("set", key, [value]);
  }
  /** ZADD; with `onlyNew`, an existing member keeps its score (NX). */
  zadd(key: string, score: number | string, member: string, onlyNew = false): void {
    this.queue("zadd", key, onlyNew ? ["NX", String(score), member] : [String(score), member]);
  }
  zrem(key: string, member: string): void {
    this.queue("zrem", key, [member]);
  }
  /** `min` and `max` are ZRANGE BYSCORE bounds ("(5", "-inf") */
  zremrangebyscore(key: string, min: string, max: string): void {
    this.queue("zremrangebyscore", key, [min, max]);
  }
  sadd(key: string, ...members: string[]): void {
    this.queue("sadd", key, members);
  }
  srem(key: string, ...members: string[]): void {
    this.queue("srem", key, members);
  }
  incr(key: string): void {
    this.queue("incr", key, []);
  }

  /** The whole write as one script call: true when written, false when an expected hash had changed. */
  call(): ScriptCall<boolean> {
    return scriptCall(
      GUARDED_WRITE,
      this.keys,
      [String(this.checkCount), ...this.checks, ...this.writes],
      (reply) => reply === 1,
    );
  }

  /** Runs the write; false when another writer got there first. */
  run(redis: Redis): Promise<boolean> {
    return runCall(redis, this.call());
  }

  private queue(command: string, key: string, args: readonly string[]): void {
    this.writes.push(command, String(this.slot(key)), String(args.length), ...args);
  }

  private slot(key: string): number {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      this.keys.push(key);
      slot = this.keys.length;
      this.slots.set(key, slot);
    }
    return slot;
  }
}
