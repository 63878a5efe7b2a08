import { Cron } from "croner";
import type { ChatSettings } from "./chat.ts";

/**
 * The earliest of the chat's local digest times strictly after `after`, in
 * epoch ms. Each time is its own fixed-time croner job in the chat's zone
 * (`M H * * *`), which gives the DST rules a reader expects:
 * - a time that does not exist on a spring-forward day (03:30 in Kyiv on
 *   2025-03-30) fires once, at the first instant after the gap (04:00 local),
 *   so that day's digest is late rather than lost; when another digest time
 *   falls on that same instant the two are one digest;
 * - a time that occurs twice on a fall-back day (01:30 in New York on
 *   2025-11-02) fires once, at its first occurrence.
 * Throws a RangeError when there is no time or a time is not "HH:MM".
 */
export function nextDueAt(settings: Pick<ChatSettings, "times" | "tz">, after: number): number {
  if (settings.times.length === 0) throw new RangeError("a chat needs at least one digest time");
  const from = new Date(after);
  let earliest = Number.POSITIVE_INFINITY;
  for (const time of settings.times) {
    const next = dailyCron(settings.tz, time).nextRun(from)?.getTime();
    if (next !== undefined && next < earliest) earliest = next;
  }
  if (!Number.isFinite(earliest))
    throw new RangeError(`no digest time after ${from.toISOString()}`);
  return earliest;
}

/** Building a Cron costs far more than asking it for a run; a deployment uses few (zone, time) pairs. */
const CACHE_MAX = 2000;
const crons = new Map<string, Cron>();

/** The fixed-time job `time` ("HH:MM") in `tz`, built once; nextRun(from) depends only on `from`. */
function dailyCron(tz: string, time: string): Cron {
  const key = `${tz}|${time}`;
  let cron = crons.get(key);
  if (cron) return cron;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`${time} is not a time of day (HH:MM)`);
  cron = new Cron(`${Number(match[2])} ${Number(match[1])} * * *`, { timezone: tz });
  if (crons.size >= CACHE_MAX) crons.clear();
  crons.set(key, cron);
  return cron;
}

const localTimes = new Map<string, Intl.DateTimeFormat>();

/**
 * True when `atMs` falls in the chat's quiet hours, local time: from `start`
 * (included) to `end` (excluded), wrapping past midnight when end < start.
 * Without quiet hours a chat is never quiet.
 */
export function isQuietAt(settings: Pick<ChatSettings, "quiet" | "tz">, atMs: number): boolean {
  const quiet = settings.quiet;
  if (!quiet || quiet.start === quiet.end) return false;
  const now = localTime(settings.tz, atMs);
  return quiet.start < quiet.end
    ? now >= quiet.start && now < quiet.end
    : now >= quiet.start || now < quiet.end;
}

/**
 * The id of one chat's digest slot, e.g. "-1001234_1735714800000": the same
 * (chat, due time) always gives the same id, so a slot enqueued twice is one
 * job. It has no ":" and is not a number, as BullMQ requires of custom job ids.
 */
export function slotKey(chatId: number, dueMs: number): string {
  return `${chatId}_${dueMs}`;
}

/** Reads a slotKey back; undefined when `key` is not one. */
export function parseSlotKey(key: string): { chatId: number; dueMs: number } | undefined {
  const match = /^(-?\d+)_(\d+)$/.exec(key);
  if (!match) return undefined;
  const chatId = Number(match[1]);
  const dueMs = Number(match[2]);
  return Number.isSafeInteger(chatId) && Number.isSafeInteger(dueMs)
    ? { chatId, dueMs }
    : undefined;
}

/** "HH:MM" in `tz` at `atMs`. */
export function localTime(tz: string, atMs: number): string {
  let format = localTimes.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone: tz,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    if (localTimes.size >= CACHE_MAX) localTimes.clear();
    localTimes.set(tz, format);
  }
  const parts = format.formatToParts(atMs);
  const hour = parts.find((p) => p.type === "hour")?.value ?? "00";
  const minute = parts.find((p) => p.type === "minute")?.value ?? "00";
  return `${hour}:${minute}`;
}
