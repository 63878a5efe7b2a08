import type { Redis } from "ioredis";
import type { ChatStore } from "../chats/chat-store.ts";
import type { Logger } from "../logger.ts";
import { isRedisConnectionError } from "../redis/connection-errors.ts";
import type { Keys } from "../redis/keys.ts";
import { type DigestTiming, runTick, type TickDeps } from "./schedule-tick.ts";

export { planSlot } from "./slot-plan.ts";

const DEFAULT_INTERVAL_MS = 1000;
const DEFAULT_PAGE = 5000;
/** chats one batch job carries at most (default) */
const DEFAULT_CHATS_PER_JOB = 500;

export interface SchedulerOptions {
  redis: Redis;
  keys: Keys;
  /** which fields of a chat its schedule depends on, and how to read them */
  chats: Pick<ChatStore, "scheduleFields" | "decodeSchedule">;
  queue: TickDeps["queue"];
  logger: Logger;
  /** a missed slot older than this is not delivered late (DIGEST_GRACE_MINUTES) */
  graceMs: number;
  clock?: () => number;
  /** pause between ticks (default 1 s) */
  intervalMs?: number;
  /** due chats claimed per script call (default 5000) */
  batchSize?: number;
  /** told of each slot it claimed: sent on time, late (after downtime), or skipped (too old); for metrics */
  onDigest?(timing: DigestTiming): void;
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

/**
 * The push side of delivery: every `intervalMs` it takes the chats whose
 * next-due time has passed from the schedule zset, a page at a time, each
 * page in one script that claims its chats and moves each to its next due
 * time (chats/schedule-claim.ts; several instances may run, each slot is claimed once).
 * The next due times are planned here, once per distinct zone and times
 * (tick-plans.ts). The claimed (chat, slot) pairs go out as batch jobs of up
 * to `chatsPerJob` chats of one slot, with addBulk — a job id made of the
 * slot and its chats makes a repeat harmless (enqueue-page.ts). One BullMQ
 * job costs about 1 KB of Redis whatever it carries, so a job per chat made
 * a million-chat slot cost ~1 GB; a batch costs that KB plus ~11 bytes per
 * chat id. Workers expand a batch into one delivery per chat
 * (digest-batch.ts), each recorded under its own (chat, slot) id. Chats no
 * longer active are dropped from the schedule. No grammY here.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  return new TickingScheduler(options);
}

class TickingScheduler implements Scheduler {
  private readonly deps: TickDeps;
  private readonly clock: () => number;
  private readonly intervalMs: number;
  private last: Promise<unknown> = Promise.resolve();
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: SchedulerOptions) {
    const chatKeyPrefix = options.keys.chat("");
    if (options.keys.chat(1) !== `${chatKeyPrefix}1`) {
      throw new Error("a chat's key must be a prefix followed by its id");
    }
    this.deps = {
      redis: options.redis,
      scheduleKey: options.keys.schedule(),
      chatKeyPrefix,
      chats: options.chats,
      queue: options.queue,
      logger: options.logger,
      graceMs: options.graceMs,
      pageSize: options.batchSize ?? DEFAULT_PAGE,
      chatsPerJob: options.chatsPerJob ?? DEFAULT_CHATS_PER_JOB,
      onDigest: options.onDigest,
    };
    this.clock = options.clock ?? Date.now;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  tick(): Promise<number> {
    const once = () => runTick(this.deps, this.clock());
    const run = this.last.then(once, once);
    this.last = run.catch(() => undefined);
    return run;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.last;
  }

  private async loop(): Promise<void> {
    this.timer = undefined;
    try {
      await this.tick();
    } catch (err) {
      // Redis being down is the health monitor's to report, once (redis/health.ts).
      if (!isRedisConnectionError(err)) {
        this.deps.logger.error({ err }, "scheduler tick failed; retrying");
      }
    }
    if (this.running) this.timer = setTimeout(() => void this.loop(), this.intervalMs);
  }
}
