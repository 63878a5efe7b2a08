import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import {
  luaScript,
  runScript,
  runWrite,
  type ScriptBatch,
  type ScriptCall,
  scriptCall,
} from "../redis/lua-script.ts";
import { SendWindow } from "./send-window.ts";

/** Telegram: about one message per second to one chat. */
const CHAT_GAP_MS = 1000;
/** Telegram: at most 20 messages per minute to one group (applied to channels too). */
const GROUP_PER_MINUTE = 20;
const GROUP_WINDOW_MS = 60_000;
/** Added to the per-chat gap and group window, for timer rounding and network jitter. */
const MARGIN_MS = 25;
/**
 * Slots are granted at this share of `perSecond`: a send reaches Telegram some
 * milliseconds after its slot, by a varying amount, and without headroom two
 * sends a second apart on the schedule can land inside one sliding second.
 * 3% leaves 30 ms of such jitter per second.
 */
const RATE_HEADROOM = 0.97;
/**
 * A slot this late (a long stall) is given up and a new one taken, so sends
 * that were due during the stall spread out again instead of going at once;
 * after MAX_STALE such retries the message goes anyway. Shorter lateness is
 * left to the send window below.
 */
const LATE_MS = 100;
const MAX_STALE = 3;
/**
 * Whatever the lateness, one process starts at most this share of
 * `perSecond` sends in any sliding second (send-window.ts): sends that leave
 * late (a busy event loop) cannot crowd a second beyond the rate, and the
 * rest of Telegram's limit is left for network jitter.
 */
const WINDOW_SHARE = 0.97;
/**
 * Every reservation also tells whether sending is paused (a 429). A send
 * whose process heard "not paused" this recently goes without asking again;
 * one that slept longer (low rates, long waits) asks once more first, so a
 * pause set meanwhile by another process stops it.
 */
const PAUSE_FRESH_MS = 5;

export interface RateGateOptions {
  /** messages per second over every chat and process */
  perSecond: number;
  /** longer waits are not slept through: take() returns `deferMs` instead (default 5000) */
  maxWaitMs?: number;
  /** least time between two messages to one chat (default CHAT_GAP_MS) */
  chatGapMs?: number;
  /** messages per minute to one group or channel (default GROUP_PER_MINUTE) */
  groupPerMinute?: number;
}

/** A granted send; hand it back to release() once Telegram has answered. */
interface Ticket {
  chatId: number;
  group: boolean;
  member: string;
}

export type TakeResult = { ticket: Ticket } | { deferMs: number };

/**
 * Redis's answer to one reservation, for take() to wait on: a slot `waitMs`
 * after `answeredAt` (a ticket), the chat's limits, or a pause.
 */
interface Reservation {
  /** 1 reserved, 0 the chat must wait, 2 paused */
  code: 0 | 1 | 2;
  waitMs: number;
  /** set when reserved (code 1) */
  ticket?: Ticket;
  /** performance.now() when the answer came */
  answeredAt: number;
}

export interface RateGate {
  /**
   * Waits (up to maxWaitMs, abortable by `signal`) until one more message to
   * `chatId` fits every limit, and reserves it; `deferMs` when the wait would
   * be longer, so the caller can put its job aside instead of holding a slot.
   * `reserved`, when given, is a reservation for the same chat and kind asked
   * for earlier (see slot-ahead.ts), used instead of the first one; the
   * waiting, the pause check and this process's send window still happen
   * here, right before the send.
   */
  take(
    chatId: number,
    group: boolean,
    signal?: AbortSignal,
    reserved?: Promise<Reservation>,
  ): Promise<TakeResult>;
  /** Asks Redis for one slot now, without waiting for it: what take() starts from. */
  reserve(chatId: number, group: boolean): Promise<Reservation>;
  /**
   * Restarts the chat's spacing from now: Telegram saw the message no earlier
   * than its answer. With `batch`, it goes out with the job's other writes.
   */
  release(ticket: Ticket, batch?: ScriptBatch): Promise<void>;
  /** Stops every send in every process for `ms` (a 429's retry_after); never shortens a pause. */
  pause(ms: number): Promise<void>;
  /** Milliseconds left of the current pause, 0 when none. */
  pausedFor(): Promise<number>;
  /**
   * True while this process's latest reservations got their slot at once:
   * the rate is not what holds sending back, so a slot asked for and then
   * not used costs nobody a wait (see slot-ahead.ts).
   */
  slotsToSpare(): boolean;
}

/**
 * Reserves the next send slot, atomically for every process, on the Redis
 * clock. Returns {1, wait ms, member} when reserved; {0, wait ms} when the
 * chat's own limits mean trying again later; {2, ms} while sending is paused.
 * The global limit is a virtual schedule (one slot every 1000/perSecond ms);
 * a chat that must wait takes no global slot, so one slow group never delays
 * the others.
 */
const RESERVE = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[4])
if paused > 0 then return {2, paused} end
local interval = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local groupMax = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local maxWait = tonumber(ARGV[5])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or 0))
local chatFree = tonumber(redis.call('GET', KEYS[2]) or 0)
if groupMax > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
  local n = redis.call('ZCARD', KEYS[3])
  if n >= groupMax then
    local oldest = redis.call('ZRANGE', KEYS[3], n - groupMax, n - groupMax, 'WITHSCORES')
    chatFree = math.max(chatFree, tonumber(oldest[2]) + window)
  end
end
if chatFree > slot then return {0, math.ceil(chatFree - now)} end
local wait = math.ceil(slot - now)
if wait > maxWait then return {0, wait} end
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', wait + math.ceil(interval) + 1000)
redis.call('SET', KEYS[2], tostring(slot + gap), 'PX', wait + gap + 1000)
local member = tostring(slot)
if groupMax > 0 then
  redis.call('ZADD', KEYS[3], slot, member)
  redis.call('PEXPIRE', KEYS[3], wait + window + 1000)
end
return {1, wait, member}
`);

/** Moves the chat's next slot to `gap` after now, and its group-window entry to now. */
const RELEASE = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gap = tonumber(ARGV[1])
local window = tonumber(ARGV[3])
local nextAt = math.max(now + gap, tonumber(redis.call('GET', KEYS[1]) or 0))
redis.call('SET', KEYS[1], tostring(nextAt), 'PX', math.ceil(nextAt - now) + 1000)
if window > 0 then
  local score = redis.call('ZSCORE', KEYS[2], ARGV[2])
  if score and tonumber(score) < now then
    redis.call('ZADD', KEYS[2], now, ARGV[2])
    redis.call('PEXPIRE', KEYS[2], window + 1000)
  end
end
return 1
`);

const PAUSE = luaScript(`
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`);

/**
 * What this process knows of the pause after a 429, which Redis keeps for
 * every process: a send whose process heard "not paused" within
 * PAUSE_FRESH_MS goes without asking again.
 */
class PauseKnowledge {
  /** performance.now() until which this process knows sending is paused */
  until = 0;
  /** performance.now() when it last heard sending was not paused */
  private heardUnpausedAt = Number.NEGATIVE_INFINITY;
  private readonly redis: Redis;
  private readonly keys: Keys;

  constructor(redis: Redis, keys: Keys) {
    this.redis = redis;
    this.keys = keys;
  }

  heardPaused(until: number): void {
    this.until = Math.max(this.until, until);
  }

  /** A reservation asked for at `askedAt` found sending not paused. */
  heardUnpaused(askedAt: number): void {
    this.heardUnpausedAt = Math.max(this.heardUnpausedAt, askedAt);
  }

  async pausedFor(): Promise<number> {
    const asked = performance.now();
    const left = Math.max(0, await this.redis.pttl(this.keys.ratePause()));
    if (left > 0) this.heardPaused(asked + left);
    else this.heardUnpausedAt = asked;
    return left;
  }

  /** Whether a send may go now as far as pauses go, asking Redis only when what this process heard is stale. */
  async unpaused(): Promise<boolean> {
    const now = performance.now();
    if (this.until > now) return false;
    if (now - this.heardUnpausedAt <= PAUSE_FRESH_MS) return true;
    return (await this.pausedFor()) === 0;
  }
}

interface TakeDeps {
  pauses: PauseKnowledge;
  /** this process's sends in the last second */
  sent: SendWindow;
  maxWaitMs: number;
  reserve(chatId: number, group: boolean): Promise<Reservation>;
}

/** RateGate.take(): waits through pauses and the chat's limits until a slot is due, then sends. */
async function takeSlot(
  deps: TakeDeps,
  chatId: number,
  group: boolean,
  signal?: AbortSignal,
  reserved?: Promise<Reservation>,
): Promise<TakeResult> {
  const { pauses, sent, maxWaitMs } = deps;
  let stale = 0;
  let ahead = reserved;
  for (;;) {
    signal?.throwIfAborted();
    const wait = pauses.until - performance.now();
    if (wait > maxWaitMs) return { deferMs: Math.ceil(wait) };
    if (wait > 0) {
      ahead = undefined;
      await sleep(Math.ceil(wait), undefined, { signal });
      continue;
    }
    const { code, waitMs, ticket, answeredAt } = await (ahead ?? deps.reserve(chatId, group));
    ahead = undefined;
    if (code === 2) continue;
    if (!ticket) {
      if (waitMs > maxWaitMs) return { deferMs: waitMs };
      await sleep(Math.max(1, waitMs), undefined, { signal });
      continue;
    }
    // never before the slot: waitMs counts from Redis's clock, which this reply left after
    const due = answeredAt + waitMs;
    const until = Math.ceil(due - performance.now());
    if (until > 0) await sleep(until, undefined, { signal });
    if (!(await pauses.unpaused())) continue;
    const late = performance.now() - due;
    if (late > LATE_MS && stale++ < MAX_STALE) continue;
    for (let full = sent.waitAt(performance.now()); full > 0; ) {
      await sleep(full, undefined, { signal });
      full = sent.waitAt(performance.now());
    }
    sent.note(performance.now());
    return { ticket };
  }
}

/**
 * Telegram's flood limits for messages, shared by every worker process through
 * Redis: `perSecond` overall (less RATE_HEADROOM), CHAT_GAP_MS between two messages to one chat,
 * GROUP_PER_MINUTE to one group or channel, and a pause after a 429. BullMQ's
 * limiter counts jobs, but one digest job sends several parts (or none), so
 * messages need their own gate.
 */
export function createRateGate(redis: Redis, keys: Keys, options: RateGateOptions): RateGate {
  if (!(options.perSecond > 0)) throw new RangeError("perSecond must be positive");
  const interval = 1000 / (options.perSecond * RATE_HEADROOM);
  const maxWaitMs = options.maxWaitMs ?? 5000;
  const gap = (options.chatGapMs ?? CHAT_GAP_MS) + MARGIN_MS;
  const groupMax = options.groupPerMinute ?? GROUP_PER_MINUTE;
  const window = GROUP_WINDOW_MS + MARGIN_MS;

  const sent = new SendWindow(Math.max(1, Math.floor(options.perSecond * WINDOW_SHARE)));
  const pauses = new PauseKnowledge(redis, keys);
  /** whether the latest global slot came without a wait; false until one did */
  let spareSlots = false;

  function releaseCall(ticket: Ticket): ScriptCall {
    return scriptCall(
      RELEASE,
      [keys.rateChat(ticket.chatId), keys.rateGroup(ticket.chatId)],
      [gap, ticket.member, ticket.group ? window : 0],
    );
  }

  async function reserve(chatId: number, group: boolean): Promise<Reservation> {
    const askedAt = performance.now();
    const [code, waitMs, member] = (await runScript(
      redis,
      RESERVE,
      [keys.rateGlobal(), keys.rateChat(chatId), keys.rateGroup(chatId), keys.ratePause()],
      [interval, gap, group ? groupMax : 0, window, maxWaitMs],
    )) as [0 | 1 | 2, number, string?];
    const answeredAt = performance.now();
    if (code === 2) pauses.heardPaused(askedAt + waitMs);
    else pauses.heardUnpaused(askedAt);
    // a chat's own limits (code 0) say nothing about the global schedule
    if (code !== 0) spareSlots = code === 1 && waitMs <= 0;
    const reservation: Reservation = { code, waitMs, answeredAt };
    if (code === 1 && member !== undefined) reservation.ticket = { chatId, group, member };
    return reservation;
  }

  const taking: TakeDeps = { pauses, sent, maxWaitMs, reserve };
  return {
    take: (chatId, group, signal, reserved) => takeSlot(taking, chatId, group, signal, reserved),

    reserve,

    slotsToSpare: () => spareSlots,

    async release(ticket, batch) {
      await runWrite(redis, releaseCall(ticket), batch);
    },

    async pause(ms) {
      if (ms <= 0) return;
      pauses.heardPaused(performance.now() + ms);
      await runScript(redis, PAUSE, [keys.ratePause()], [Math.ceil(ms)]);
    },

    pausedFor: () => pauses.pausedFor(),
  };
}
