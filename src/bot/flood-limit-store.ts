import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import { luaScript, runScript } from "../redis/lua-script.ts";

/** At most `limit` commands in any `windowMs` milliseconds. */
interface FloodRate {
  limit: number;
  windowMs: number;
}

/** The windows the bot holds commands to; a scope left undefined is not limited. */
export interface FloodLimits {
  /** one user, over every chat */
  user: FloodRate | undefined;
  /** one group or supergroup, over every user (Telegram: 20 messages a minute) */
  group: FloodRate | undefined;
}

/** 10 commands in 10 s per user; 20 messages a minute per group, as Telegram allows. */
export const DEFAULT_FLOOD_LIMITS: FloodLimits = {
  user: { limit: 10, windowMs: 10_000 },
  group: { limit: 20, windowMs: 60_000 },
};

type FloodVerdict =
  | { allowed: true }
  | {
      allowed: false;
      /** which window is full: the group's wins when both are */
      scope: "user" | "chat";
      /** ms until that window takes a command again */
      retryMs: number;
      /** true for the first refusal of the window: say "too many requests" once */
      notify: boolean;
    };

export interface FloodLimitStore {
  /**
   * Counts one command of `userId` in `groupId` (undefined outside groups)
   * and says whether it may be answered. A refused command is not counted.
   * `member` names the command in the windows: unique per command.
   */
  take(
    userId: number | undefined,
    groupId: number | undefined,
    member: string,
  ): Promise<FloodVerdict>;
}

// Sliding windows as sorted sets of ms (Redis clock, so every process agrees).
// A group keeps its last slot for the one notice, since the notice is a
// message to the group as well; the notice flag lives until the window takes
// commands again, counted after the notice took its slot.
const TAKE = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local userLimit, userWindow = tonumber(ARGV[1]), tonumber(ARGV[2])
local chatLimit, chatWindow = tonumber(ARGV[3]), tonumber(ARGV[4])
local member = ARGV[5]
local chatCap = math.max(1, chatLimit - 1)
local function waitOf(key, limit, window, cap)
  if limit <= 0 then return 0 end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < cap then return 0 end
  local entry = redis.call('ZRANGE', key, count - cap, count - cap, 'WITHSCORES')
  return math.max(1, tonumber(entry[2]) + window - now)
end
local chatWait = waitOf(KEYS[3], chatLimit, chatWindow, chatCap)
local userWait = waitOf(KEYS[1], userLimit, userWindow, userLimit)
if chatWait == 0 and userWait == 0 then
  if userLimit > 0 then
    redis.call('ZADD', KEYS[1], now, member)
    redis.call('PEXPIRE', KEYS[1], userWindow)
  end
  if chatLimit > 0 then
    redis.call('ZADD', KEYS[3], now, member)
    redis.call('PEXPIRE', KEYS[3], chatWindow)
  end
  return {1, 0, 0, 0}
end
local scope = 1
local noticeKey = KEYS[2]
if chatWait > 0 then
  scope = 2
  noticeKey = KEYS[4]
end
local left = redis.call('PTTL', noticeKey)
if left > 0 then return {0, scope, left, 0} end
local wait = userWait
if chatLimit > 0 then
  redis.call('ZADD', KEYS[3], now, member .. ':notice')
  redis.call('PEXPIRE', KEYS[3], chatWindow)
  if scope == 2 then wait = waitOf(KEYS[3], chatLimit, chatWindow, chatCap) end
end
redis.call('SET', noticeKey, '1', 'PX', wait)
return {0, scope, wait, 1}
`);

/**
 * The flood limiter's counters in Redis, so that every bot process sharing
 * the server holds one user or group to the same window. One script call per
 * command checks and counts both windows at once. Written here rather than
 * taken from @grammyjs/ratelimiter: that plugin counts one key per instance
 * in a fixed window, reports neither when the window reopens nor whether the
 * user was already told, and checks a user and a group in two steps; the
 * notice "wait N s", said once, needs all three.
 */
export function createFloodLimitStore(
  redis: Redis,
  keys: Keys,
  limits: FloodLimits,
): FloodLimitStore {
  return {
    async take(userId, groupId, member) {
      const user = userId === undefined ? undefined : limits.user;
      const group = groupId === undefined ? undefined : limits.group;
      const reply = (await runScript(
        redis,
        TAKE,
        [
          keys.floodWindow("user", userId ?? 0),
          keys.floodNotice("user", userId ?? 0),
          keys.floodWindow("chat", groupId ?? 0),
          keys.floodNotice("chat", groupId ?? 0),
        ],
        [user?.limit ?? 0, user?.windowMs ?? 0, group?.limit ?? 0, group?.windowMs ?? 0, member],
      )) as [number, number, number, number];
      const [allowed, scope, retryMs, notify] = reply;
      if (allowed === 1) return { allowed: true };
      return {
        allowed: false,
        scope: scope === 2 ? "chat" : "user",
        retryMs,
        notify: notify === 1,
      };
    },
  };
}
