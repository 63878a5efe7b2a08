import type { ChatSchedule } from "../chats/chat-store.ts";
import { fieldsOfKey } from "../chats/schedule-claim.ts";
import type { Logger } from "../logger.ts";
import { planTimes, type TimesPlan } from "./slot-plan.ts";

/** A plan of one tick: undefined `plan` takes the chat out of the schedule (inactive, gone, bad times). */
export interface KeyedPlan {
  key: string;
  plan?: TimesPlan;
}

/**
 * The plans of one tick, one per distinct set of schedule field values
 * (status, zone, times, as stored): nextDueAt is the costly part, and a
 * million chats have few distinct sets. Numbered from 1 in the order
 * learned, as CLAIM_DUE refers to them.
 */
export class TickPlans {
  readonly list: KeyedPlan[] = [];

  constructor(
    private readonly decode: (values: readonly (string | null)[]) => ChatSchedule | undefined,
    private readonly now: number,
    private readonly graceMs: number,
    private readonly logger: Logger,
  ) {}

  /** Plans each key not planned yet. */
  learn(keys: readonly string[]): void {
    const known = new Set(this.list.map((p) => p.key));
    for (const key of keys) {
      if (known.has(key)) continue;
      known.add(key);
      this.list.push({ key, plan: this.planOf(key) });
    }
  }

  /** (key, next due or undefined) of every plan, in number order, for CLAIM_DUE. */
  pairs(): [string, number | undefined][] {
    return this.list.map((p) => [p.key, p.plan?.next]);
  }

  /** The plan numbered `number` (from 1); undefined for no plan or one that unschedules. */
  get(number: number | undefined): TimesPlan | undefined {
    return number === undefined ? undefined : this.list[number - 1]?.plan;
  }

  private planOf(key: string): TimesPlan | undefined {
    const chat = this.decode(fieldsOfKey(key));
    if (chat?.status !== "active") return undefined;
    try {
      return planTimes(chat, this.now, this.graceMs);
    } catch (err) {
      this.logger.error(
        { err, times: chat.times, tz: chat.tz },
        "digest times not valid; chats unscheduled",
      );
      return undefined;
    }
  }
}
