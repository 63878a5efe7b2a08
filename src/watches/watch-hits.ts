import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import {
  luaScript,
  runScript,
  runWrite,
  type ScriptBatch,
  scriptCall,
} from "../redis/lua-script.ts";

/** A chat gets at most one watch message in any such span. */
export const WATCH_WINDOW_MS = 10 * 60_000;
/** How long matches wait for their message before they are dropped (a chat that never gets one). */
const HITS_TTL_SECONDS = 2 * 24 * 3600;
/** A plan outlives its send time by this much, so a job lost for good frees the chat for the next one. */
const PLAN_SLACK_MS = 3600_000;

/**
 * Records matches (ARGV[6..]: article id, phrase pairs) in the chat's hits
 * hash (KEYS[1], its TTL renewed with each plan) and plans the chat's next watch message unless one is
 * planned (KEYS[2]): at now, or the watch window after the last message
 * (KEYS[3]). With ARGV[5] = 1 the current plan is dropped first (its job is
 * done). Returns the planned time in ms, or -1 when there is nothing to
 * plan (no hits, or a job already waits for them).
 */
const PLAN = luaScript(`
local now = tonumber(ARGV[1])
if ARGV[5] == '1' then redis.call('DEL', KEYS[2]) end
if #ARGV >= 6 then
  for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
if redis.call('HLEN', KEYS[1]) == 0 then return -1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
redis.call('EXPIRE', KEYS[1], ARGV[3])
local last = tonumber(redis.call('GET', KEYS[3]) or '0') or 0
local at = math.max(now, last + tonumber(ARGV[2]))
redis.call('SET', KEYS[2], tostring(at), 'PX', math.floor(at - now + tonumber(ARGV[4])))
return at
`);

/**
 * PLAN for many chats in one command: for chat i, KEYS[3i-2..3i] are its
 * hits, plan and last-sent keys, and from ARGV[5] on, one after another,
 * each chat's count of matches n and then its n pairs (article id, phrase).
 * Returns each chat's planned time, or -1.
 */
const PLAN_MANY = luaScript(`
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local planned = {}
local at_arg = 5
for i = 1, #KEYS / 3 do
  local hits, plan, last = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local n = tonumber(ARGV[at_arg])
  redis.call('HSET', hits, unpack(ARGV, at_arg + 1, at_arg + 2 * n))
  at_arg = at_arg + 1 + 2 * n
  local at = -1
  -- the hits' TTL is renewed with each plan: while one waits, its job takes them well within it
  if redis.call('EXISTS', plan) == 0 then
    redis.call('EXPIRE', hits, ARGV[3])
    local sent = tonumber(redis.call('GET', last) or '0') or 0
    at = math.max(now, sent + window)
    redis.call('SET', plan, tostring(at), 'PX', math.floor(at - now + tonumber(ARGV[4])))
  end
  planned[i] = at
end
return planned
`);

/**
 * HDEL of the sent ids (ARGV[3..]) from the hits (KEYS[1]), and the time of
 * this message (ARGV[1]) kept as the chat's last (KEYS[2]) for the watch
 * window (ARGV[2] ms).
 */
const SENT = luaScript(`
if #ARGV > 2 then redis.call('HDEL', KEYS[1], unpack(ARGV, 3)) end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
`);

/**
 * The pending matches of each chat and the plan of its next watch message.
 * Matches wait in a hash per chat; one job per chat is planned at a time, at
 * once or when the watch window since the chat's last message has passed, so
 * a chat never gets two watch messages within WATCH_WINDOW_MS and each one
 * holds every match since the last.
 */
export interface WatchHits {
  /**
   * Adds a match and plans the chat's message; resolves with the planned
   * time when a job must be enqueued for it, else undefined.
   */
  add(chatId: number, articleId: string, phrase: string, now: number): Promise<number | undefined>;
  /**
   * add() for many chats, each with the articles it matched (article id ->
   * phrase), in one command; resolves with each chat's planned time
   * (undefined when its message is planned already).
   */
  addMany(
    matches: readonly { chatId: number; hits: ReadonlyMap<string, string> }[],
    now: number,
  ): Promise<(number | undefined)[]>;
  /** Drops the chat's plan (its job finished) and plans the next if matches wait. */
  release(chatId: number, now: number): Promise<number | undefined>;
  /** article id -> phrase of the chat's pending matches. */
  pending(chatId: number): Promise<Record<string, string>>;
  /** When the chat's last watch message went out, or 0. */
  lastSent(chatId: number): Promise<number>;
  /** Drops pending matches that will never be sent (gone, flashed, already in a digest). */
  drop(chatId: number, articleIds: string[]): Promise<void>;
  /**
   * The write that goes with the message's delivery: its matches done and
   * the window started; given a `batch`, it goes out with the batch's other
   * writes (the articles recorded as sent to the chat, delivery-log.ts).
   */
  sent(chatId: number, articleIds: string[], now: number, batch?: ScriptBatch): Promise<void>;
}

/** The hits store over `redis`; the only writer of watchHits, watchPlan and watchLast. */
export function createWatchHits(redis: Redis, keys: Keys): WatchHits {
  async function plan(chatId: number, now: number, release: boolean, pairs: string[]) {
    const at = await runScript(
      redis,
      PLAN,
      [keys.watchHits(chatId), keys.watchPlan(chatId), keys.watchLast(chatId)],
      [now, WATCH_WINDOW_MS, HITS_TTL_SECONDS, PLAN_SLACK_MS, release ? 1 : 0, ...pairs],
    );
    return Number(at) >= 0 ? Number(at) : undefined;
  }
  return {
    add: (chatId, articleId, phrase, now) => plan(chatId, now, false, [articleId, phrase]),
    async addMany(matches, now) {
      if (matches.length === 0) return [];
      const planned = (await runScript(
        redis,
        PLAN_MANY,
        matches.flatMap(({ chatId }) => [
          keys.watchHits(chatId),
          keys.watchPlan(chatId),
          keys.watchLast(chatId),
        ]),
        [
          now,
          WATCH_WINDOW_MS,
          HITS_TTL_SECONDS,
          PLAN_SLACK_MS,
          ...matches.flatMap(({ hits }) => [hits.size, ...[...hits].flat()]),
        ],
      )) as number[];
      return planned.map((at) => (Number(at) >= 0 ? Number(at) : undefined));
    },
    release: (chatId, now) => plan(chatId, now, true, []),
    pending: (chatId) => redis.hgetall(keys.watchHits(chatId)),
    async lastSent(chatId) {
      return Number((await redis.get(keys.watchLast(chatId))) ?? 0);
    },
    async drop(chatId, articleIds) {
      if (articleIds.length > 0) await redis.hdel(keys.watchHits(chatId), ...articleIds);
    },
    async sent(chatId, articleIds, now, batch) {
      const call = scriptCall(
        SENT,
        [keys.watchHits(chatId), keys.watchLast(chatId)],
        [now, WATCH_WINDOW_MS, ...articleIds],
      );
      await runWrite(redis, call, batch);
    },
  };
}
