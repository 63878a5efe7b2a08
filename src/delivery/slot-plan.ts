import type { Chat } from "../chats/chat.ts";
import { nextDueAt } from "../chats/next-due.ts";

/** What to do with one due chat: deliver `slot` (if any) and move it to `next`. */
export interface SlotPlan {
  slot?: number;
  next: number;
}

/**
 * What a tick decides for every chat of one zone and set of digest times,
 * whatever its due time: where it moves (`next`, its first digest time after
 * `now`) and the latest of its digest times within the grace window
 * (`latest`, undefined when none of them falls in it).
 */
export interface TimesPlan {
  next: number;
  latest?: number;
}

/** The TimesPlan of a chat's zone and times at `now`; throws a RangeError for times nextDueAt rejects. */
export function planTimes(
  chat: Pick<Chat, "times" | "tz">,
  now: number,
  graceMs: number,
): TimesPlan {
  const next = nextDueAt(chat, now);
  let latest: number | undefined = nextDueAt(chat, now - graceMs - 1);
  if (latest > now) return { next };
  for (let later = nextDueAt(chat, latest); later <= now; later = nextDueAt(chat, later)) {
    latest = later;
  }
  return { next, latest };
}

/**
 * The slot a chat due at `due` is sent for, from its TimesPlan: the latest of
 * its digest times at or before `now`, and only if that is within the grace
 * window; a due time within the window is a slot itself (a chat whose times
 * changed keeps the slot it was due for) unless a later digest time passed.
 */
export function slotOf(plan: TimesPlan, due: number, windowStart: number): number | undefined {
  if (due < windowStart) return plan.latest;
  return plan.latest !== undefined && plan.latest > due ? plan.latest : due;
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
  const plan = planTimes(chat, now, graceMs);
  const slot = slotOf(plan, due, now - graceMs);
  return slot === undefined ? { next: plan.next } : { slot, next: plan.next };
}
