import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import {
  luaScript,
  runScript,
  runWrite,
  type ScriptBatch,
  scriptCall,
} from "../redis/lua-script.ts";
import type { WatchMatch } from "./watch-index.ts";

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
 * PLAN for a round of articles in one command, if the word index's change
 * counts (KEYS[1], the watch store's) still hold what the matches were found
 * with; when one differs nothing is written and the reply is nil. ARGV: now,
 * the window, the hits' TTL, the plan's slack, then the key prefixes of the
 * hits, plan and last-sent keys (the chat id follows each), then the number
 * m of (bucket, count) pairs and the pairs, then the number p of phrases and
 * the phrases, then for each article its id, its number k of matches and k
 * pairs (chat id, phrase number from 1). Each chat's matches are recorded,
 * and its message planned at its first match unless one is. Returns the
 * chats planned and when, flat: chat id, ms, chat id, ms, ...
 */
const PLAN_ROUND = luaScript(`
local call = redis.call
local now, window, ttl, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local hits_of, plan_of, last_of = ARGV[5], ARGV[6], ARGV[7]
local i = 8
for _ = 1, tonumber(ARGV[i]) do
  if (call('HGET', KEYS[1], ARGV[i + 1]) or '0') ~= ARGV[i + 2] then return false end
  i = i + 2
end
i = i + 1
local phrases = {}
for p = 1, tonumber(ARGV[i]) do phrases[p] = ARGV[i + p] end
i = i + #phrases + 1
local seen, planned = {}, {}
while i <= #ARGV do
  local article, k = ARGV[i], tonumber(ARGV[i + 1])
  for j = i + 2, i + 2 * k, 2 do
    local chat = ARGV[j]
    local hits = hits_of .. chat
    call('HSET', hits, article, phrases[tonumber(ARGV[j + 1])])
    if not seen[chat] then
      seen[chat] = true
      local plan = plan_of .. chat
      -- the hits' TTL is renewed with each plan: while one waits, its job takes them well within it
      if call('EXISTS', plan) == 0 then
        call('EXPIRE', hits, ttl)
        local sent = tonumber(call('GET', last_of .. chat) or '0') or 0
        local at = math.max(now, sent + window)
        call('SET', plan, tostring(at), 'PX', math.floor(at - now + slack))
        planned[#planned + 1] = chat
        planned[#planned + 1] = at
      end
    end
  end
  i = i + 2 + 2 * k
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
 * A group's watch state moves to its supergroup (KEYS: hits, plan and
 * last-sent of the old id, then of the new): its pending matches join the
 * new id's, the later last-sent time is kept. With ARGV[4] = 1 the new id's
 * message is planned, unless one is: at the old id's plan time when its job
 * is still waiting (it will find its chat gone and send nothing); a window
 * from now when that time has come (the job may be sending the matches it
 * took, and the window keeps the two messages apart); else at now or the
 * window after the last message. ARGV: now, the window, the
 * hits' TTL, plan, the plan's slack. Returns the planned time or -1.
 */
const MIGRATE = luaScript(`
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local moved = redis.call('HGETALL', KEYS[1])
if #moved > 0 then
  redis.call('HSET', KEYS[4], unpack(moved))
  redis.call('EXPIRE', KEYS[4], ARGV[3])
  redis.call('DEL', KEYS[1])
end
local old_last = tonumber(redis.call('GET', KEYS[3]) or '0') or 0
local last = tonumber(redis.call('GET', KEYS[6]) or '0') or 0
if old_last > last then
  redis.call('SET', KEYS[6], tostring(old_last), 'PX', math.max(1, redis.call('PTTL', KEYS[3])))
  last = old_last
end
redis.call('DEL', KEYS[3])
local old_plan = tonumber(redis.call('GET', KEYS[2]) or '')
redis.call('DEL', KEYS[2])
if ARGV[4] ~= '1' or redis.call('HLEN', KEYS[4]) == 0 or redis.call('EXISTS', KEYS[5]) == 1 then return -1 end
local at = math.max(now, last + window)
if old_plan then at = old_plan > now and old_plan or now + window end
redis.call('SET', KEYS[5], tostring(at), 'PX', math.floor(math.max(0, at - now) + tonumber(ARGV[5])))
return at
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
   * add() for a round of articles, each with the watches it matched, in one
   * command; resolves with the chats whose message it planned, and when
   * (the others have one planned already). Given the index's change counts
   * the matches were found with (watch-index.ts), it writes only while they
   * hold, and resolves with "stale" when one changed.
   */
  addRound(
    round: readonly { articleId: string; matches: readonly WatchMatch[] }[],
    now: number,
    counts?: readonly (number | string)[],
  ): Promise<Map<number, number> | "stale">;
  /**
   * A group became a supergroup: its pending matches and watch window move
   * to the new id. With `plan`, the new id's message is planned as add()
   * plans one and the time returned, for the caller to enqueue; without, the
   * matches wait for the new id's next match (a job of the old id is
   * sending: planning now could send its matches twice).
   */
  migrate(oldId: number, newId: number, now: number, plan: boolean): Promise<number | undefined>;
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
    async addRound(round, now, counts = []) {
      const phrases = new Map<string, number>();
      const pairs: (string | number)[] = [];
      for (const { articleId, matches } of round) {
        if (matches.length === 0) continue;
        pairs.push(articleId, matches.length);
        for (const { chatId, phrase } of matches) {
          const number = phrases.get(phrase) ?? phrases.size + 1;
          phrases.set(phrase, number);
          pairs.push(chatId, number);
        }
      }
      if (pairs.length === 0 && counts.length === 0) return new Map();
      const reply = (await runScript(
        redis,
        PLAN_ROUND,
        [keys.watchVersions()],
        [
          now,
          WATCH_WINDOW_MS,
          HITS_TTL_SECONDS,
          PLAN_SLACK_MS,
          keys.watchHits(""),
          keys.watchPlan(""),
          keys.watchLast(""),
          counts.length / 2,
          ...counts,
          phrases.size,
          ...phrases.keys(),
          ...pairs,
        ],
      )) as (string | number)[] | null;
      if (reply === null) return "stale";
      const planned = new Map<number, number>();
      for (let i = 0; i < reply.length; i += 2) planned.set(Number(reply[i]), Number(reply[i + 1]));
      return planned;
    },
    release: (chatId, now) => plan(chatId, now, true, []),
    async migrate(oldId, newId, now, plan) {
      const at = await runScript(
        redis,
        MIGRATE,
        [oldId, newId].flatMap((id) => [
          keys.watchHits(id),
          keys.watchPlan(id),
          keys.watchLast(id),
        ]),
        [now, WATCH_WINDOW_MS, HITS_TTL_SECONDS, plan ? 1 : 0, PLAN_SLACK_MS],
      );
      return Number(at) >= 0 ? Number(at) : undefined;
    },
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
