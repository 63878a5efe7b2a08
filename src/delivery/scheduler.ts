import type { Redis } from "ioredis";
import type { Chat } from "../chats/chat.ts";
import type { ChatSchedule, ChatStore } from "../chats/chat-store.ts";
import { nextDueAt } from "../chats/next-due.ts";
import type { Logger } from "../logger.ts";
import { isRedisConnectionError } from "../redis/connection-errors.ts";
import type { Keys } from "../redis/keys.ts";
import { luaScript, runScript } from "../redis/lua-script.ts";
import {
  type DeliveryQueue,
  type DigestBatchJobData,
  type DigestJobData,
  digestBatchJobId,
} from "./queue.ts";

/**
 * Compare-and-set over the schedule zset, for a batch of chats at once:
 * ARGV holds (member, expected score, new score) triples; each member moves
 * to its new score ("" removes it) only if its score is still the one the
 * caller read. Returns 1 (won) or 0 (lost) per triple, so of several
 * scheduler instances exactly one wins each slot. One ZMSCORE reads every
 * score and variadic ZADD / ZREM write them, a few hundred members a call:
 * a call per member made Lua's own overhead most of a tick's Redis time.
 */
const CLAIM_SCRIPT = `
local members = {}
for i = 1, #ARGV, 3 do members[#members + 1] = ARGV[i] end
local scores = {}
for from = 1, #members, 500 do
  local part = redis.call('ZMSCORE', KEYS[1], unpack(members, from, math.min(from + 499, #members)))
  for j = 1, #part do scores[from + j - 1] = part[j] end
end
local won = {}
local adds = {}
local rems = {}
local function flush()
  if #adds > 0 then redis.call('ZADD', KEYS[1], unpack(adds)) adds = {} end
  if #rems > 0 then redis.call('ZREM', KEYS[1], unpack(rems)) rems = {} end
end
for k = 1, #members do
  local i = 3 * k - 2
  local score = scores[k]
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    if ARGV[i + 2] == '' then
      rems[#rems + 1] = ARGV[i]
    else
      adds[#adds + 1] = ARGV[i + 2]
      adds[#adds + 1] = ARGV[i]
    end
    won[k] = 1
  else
    won[k] = 0
  end
  if #adds >= 1000 or #rems >= 500 then flush() end
end
flush()
return won
`;
const CLAIM = luaScript(CLAIM_SCRIPT);

const DEFAULT_INTERVAL_MS = 1000;
const DEFAULT_BATCH = 5000;
/** chats one batch job carries at most (default) */
export const DEFAULT_CHATS_PER_JOB = 500;
/** addBulk calls a tick may have outstanding at once */
const MAX_IN_FLIGHT = 4;

export interface SchedulerOptions {
  redis: Redis;
  keys: Keys;
  /** reads each batch of due chats in one round trip */
  chats: Pick<ChatStore, "getSchedules">;
  queue: DeliveryQueue;
  logger: Logger;
  /** a missed slot older than this is not delivered late (DIGEST_GRACE_MINUTES) */
  graceMs: number;
  now?: () => number;
  /** pause between ticks (default 1 s) */
  intervalMs?: number;
  /** due chats taken per round trip (default 1000) */
  batchSize?: number;
  /** told of each slot it claimed: sent on time, late (after downtime), or skipped (too old); for metrics */
  onDigest?(timing: "on_time" | "late" | "skipped"): void;
  /** chats of one slot a batch job carries at most (default DEFAULT_CHATS_PER_JOB) */
  chatsPerJob?: number;
}

export interface Scheduler {
  /** Enqueues every chat due now; resolves with how many chats' digests were enqueued (in batch jobs). */
  tick(): Promise<number>;
  /** Ticks at once, then again `intervalMs` after each tick ends. */
  start(): void;
  /** Stops ticking; resolves once a tick in progress has finished. */
  stop(): Promise<void>;
}

/** What to do with one due chat: deliver `slot` (if any) and move it to `next`. */
export interface SlotPlan {
  slot?: number;
  next: number;
}

/**
 * Decides a due chat's digest. The slot delivered is the latest of its
 * digest times at or before `now`, and only if that is at most `graceMs`
 * ago: after downtime a chat gets one digest for the slots it missed, or
 * none when even the latest is too old (its cursor still brings the news
 * next time). `due` is the chat's scheduled time; the chat moves to its
 * first digest time after `now`.
 */
export function planSlot(
  chat: Pick<Chat, "times" | "tz">,
  due: number,
  now: number,
  graceMs: number,
): SlotPlan {
  const next = nextDueAt(chat, now);
  const windowStart = now - graceMs;
  let slot = due >= windowStart ? due : nextDueAt(chat, windowStart - 1);
  if (slot > now) return { next };
  for (let later = nextDueAt(chat, slot); later <= now; later = nextDueAt(chat, later)) {
    slot = later;
  }
  return { slot, next };
}

interface Claim {
  member: string;
  due: number;
  /** undefined: take the chat out of the schedule */
  next?: number;
  job?: DigestJobData;
}

/** A slot enqueued within a minute of its time is on time; one kept beyond the grace is skipped. */
function reportTiming(
  claim: Claim,
  now: number,
  report: NonNullable<SchedulerOptions["onDigest"]>,
): void {
  if (claim.next === undefined) return;
  if (!claim.job) report("skipped");
  else report(claim.job.dueMs === claim.due && now - claim.due <= 60_000 ? "on_time" : "late");
}

/**
 * Groups claimed chats into batch jobs: one per slot and up to `size` chats,
 * the chats in the order they fell due (the schedule's order), so a slot's
 * chats are sent first come, first served.
 */
export function batchJobs(digests: DigestJobData[], size: number): DigestBatchJobData[] {
  const bySlot = new Map<number, number[]>();
  for (const { chatId, dueMs } of digests) {
    const ids = bySlot.get(dueMs);
    if (ids) ids.push(chatId);
    else bySlot.set(dueMs, [chatId]);
  }
  const jobs: DigestBatchJobData[] = [];
  for (const [dueMs, ids] of bySlot) {
    for (let i = 0; i < ids.length; i += size) {
      jobs.push({ kind: "digests", dueMs, chatIds: ids.slice(i, i + size) });
    }
  }
  return jobs;
}

/**
 * The push side of delivery: every `intervalMs` it takes the chats whose
 * next-due time has passed from the schedule zset, in batches, claims each
 * with a compare-and-set (several instances may run; each slot is claimed
 * once) and moves it to its next due time. The claimed (chat, slot) pairs go
 * out as batch jobs of up to `chatsPerJob` chats of one slot (batchJobs),
 * with addBulk — a job id made of the slot and its chats makes a repeat
 * harmless. One BullMQ job costs about 1 KB of Redis whatever it carries, so
 * a job per chat made a million-chat slot cost ~1 GB and most of a tick's
 * time; a batch costs that KB plus ~11 bytes per chat id. Workers expand a
 * batch into one delivery per chat (digest-batch.ts), each recorded under
 * its own (chat, slot) id as before. Chats no longer active are dropped from
 * the schedule. No grammY here.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { redis, keys, chats, queue, logger, graceMs } = options;
  const clock = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const chatsPerJob = options.chatsPerJob ?? DEFAULT_CHATS_PER_JOB;
  const scheduleKey = keys.schedule();

  async function claim(claims: Claim[]): Promise<boolean[]> {
    if (claims.length === 0) return [];
    const args = claims.flatMap((c) => [c.member, c.due, c.next ?? ""]);
    const result = (await runScript(redis, CLAIM, [scheduleKey], args)) as number[];
    return result.map((won) => won === 1);
  }

  /** Puts claimed chats back at their due time when their jobs could not be enqueued. */
  async function unclaim(claims: Claim[]): Promise<void> {
    const back = claims
      .filter((c) => c.job !== undefined && c.next !== undefined)
      .map((c) => ({ member: c.member, due: c.next as number, next: c.due }));
    await claim(back).catch((err) =>
      logger.error({ err, chats: back.length }, "could not put unsent chats back on schedule"),
    );
  }

  function planFor(
    chat: ChatSchedule | undefined,
    member: string,
    due: number,
    now: number,
    memo: Map<string, SlotPlan>,
  ): Claim {
    if (chat?.status !== "active") return { member, due };
    const key = `${chat.tz}|${chat.times.join(",")}|${due}`;
    let plan = memo.get(key);
    if (!plan) {
      try {
        plan = planSlot(chat, due, now, graceMs);
      } catch (err) {
        logger.error({ err, chatId: chat.id }, "chat has no valid digest time; unscheduled");
        return { member, due };
      }
      memo.set(key, plan);
    }
    const claimed: Claim = { member, due, next: plan.next };
    if (plan.slot !== undefined)
      claimed.job = { kind: "digest", chatId: chat.id, dueMs: plan.slot };
    return claimed;
  }

  /** The chat of each schedule member; undefined for a member that is not a chat id. */
  async function readChats(members: string[]): Promise<(ChatSchedule | undefined)[]> {
    const valid = members.map((member) => /^-?\d+$/.test(member));
    const ids = members.filter((_, i) => valid[i]).map(Number);
    const found = await chats.getSchedules(ids);
    let next = 0;
    return valid.map((ok) => (ok ? found[next++] : undefined));
  }

  async function runTick(): Promise<number> {
    const now = clock();
    // Chats sharing a time zone, times and due time share a plan: nextDueAt is the costly part.
    const memo = new Map<string, SlotPlan>();
    let enqueued = 0;
    let failure: unknown;
    const inFlight = new Set<Promise<void>>();

    // Enqueueing runs while the next batch is read and claimed, so Redis and this process both keep busy.
    function enqueue(claims: Claim[]): Promise<void> {
      const digests = claims.flatMap((c) => (c.job ? [c.job] : []));
      if (digests.length === 0) return Promise.resolve();
      const sending = queue
        .addBulk(
          batchJobs(digests, chatsPerJob).map((data) => ({
            name: "digests" as const,
            data,
            opts: { jobId: digestBatchJobId(data.dueMs, data.chatIds) },
          })),
        )
        .then(
          () => {
            enqueued += digests.length;
          },
          async (err: unknown) => {
            failure ??= err;
            await unclaim(claims);
          },
        )
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      return sending;
    }

    /**
     * The due chats after the first `offset` (those still being claimed),
     * with their schedules. Its ZRANGEBYSCORE goes out before the claim of
     * the batch read last, on the same connection, so Redis runs it first:
     * skipping that batch's members reads exactly the ones after it, and
     * reading the next batch overlaps planning and claiming this one.
     */
    async function read(offset: number) {
      const due = await redis.zrangebyscore(
        scheduleKey,
        "-inf",
        now,
        "WITHSCORES",
        "LIMIT",
        offset,
        batchSize,
      );
      const members: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < due.length; i += 2) {
        members.push(due[i] as string);
        scores.push(Number(due[i + 1]));
      }
      return { members, scores, records: await readChats(members) };
    }

    const claiming = new Set<Promise<void>>();
    let reading = read(0);
    let last: string | undefined;
    while (failure === undefined) {
      const { members, scores, records } = await reading;
      if (members.length === 0) break;
      // The same batch twice: its members stayed due (nothing could claim them); the next tick retries.
      const batch = `${members[0]}..${members.at(-1)}#${members.length}`;
      if (batch === last) break;
      last = batch;
      // Every member read leaves the due range once claimed (by this instance or another).
      reading = read(members.length);
      // no unhandled rejection while this batch is planned; the loop awaits it next
      reading.catch(() => undefined);
      const claims = members.map((member, i) =>
        planFor(records[i], member, scores[i] as number, now, memo),
      );
      const claimed = claim(claims).then(
        (won) => {
          const mine = claims.filter((_, i) => won[i]);
          if (options.onDigest) for (const c of mine) reportTiming(c, now, options.onDigest);
          void enqueue(mine);
          const dropped = mine.filter((c) => c.next === undefined).length;
          if (dropped > 0) {
            logger.info({ chats: dropped }, "dropped inactive chats from the schedule");
          }
        },
        (err: unknown) => {
          failure ??= err;
        },
      );
      const tracked = claimed.finally(() => claiming.delete(tracked));
      claiming.add(tracked);
      if (claiming.size + inFlight.size >= MAX_IN_FLIGHT) {
        await Promise.race([...claiming, ...inFlight]);
      }
    }
    await reading.catch((err: unknown) => {
      failure ??= err;
    });
    await Promise.all(claiming);
    await Promise.all(inFlight);
    if (enqueued > 0) logger.info({ enqueued }, "scheduled digests enqueued");
    if (failure !== undefined) throw failure;
    return enqueued;
  }

  let last: Promise<unknown> = Promise.resolve();
  function tick(): Promise<number> {
    const run = last.then(runTick, runTick);
    last = run.catch(() => undefined);
    return run;
  }

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  async function loop(): Promise<void> {
    timer = undefined;
    try {
      await tick();
    } catch (err) {
      // Redis being down is the health monitor's to report, once (redis/health.ts).
      if (!isRedisConnectionError(err)) logger.error({ err }, "scheduler tick failed; retrying");
    }
    if (running) timer = setTimeout(loop, intervalMs);
  }

  return {
    tick,
    start() {
      if (running) return;
      running = true;
      void loop();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await last;
    },
  };
}
