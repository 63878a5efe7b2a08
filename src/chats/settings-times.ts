import { MAX_TIMES, type QuietHours } from "./chat.ts";
import { error, fail, type SettingError, type SettingResult, show } from "./settings-errors.ts";

const OFF_WORDS = new Set(["off", "none", "no", "-", "вимк", "вимкнути", "ні"]);

/**
 * Reads one time of day as a user types it: "8", "08", "8:00", "19.30",
 * "1930", "8am", "7:30 pm", "noon", "midnight". Returns "HH:MM", or undefined
 * for anything else ("25:00", "7:60", "13pm", "24:00").
 */
export function parseTime(text: string): string | undefined {
  const t = text.trim().toLowerCase().replace(/\s+/g, "");
  if (t === "noon") return "12:00";
  if (t === "midnight") return "00:00";
  const military = /^(\d{2})(\d{2})$/.exec(t);
  const match =
    military ?? /^(\d{1,2})(?:[:.h](\d{2})|h)?(a\.?m\.?|p\.?m\.?)?$/.exec(t) ?? undefined;
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  const half = match[3]?.[0];
  if (minute > 59) return undefined;
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === "p" ? 12 : 0);
  } else if (hour > 23) {
    return undefined;
  }
  return `${pad(hour)}:${pad(minute)}`;
}

/**
 * Reads a list of digest times ("8:00, 19:30", "8am 7pm", "9 21"). Returns
 * them sorted and without repeats, 1 to MAX_TIMES of them, or an error per
 * bad entry. An hour followed by a number that cannot be an hour (24 to 59)
 * is one time: "7 30" is 07:30; "7 15" stays two hours, 07:00 and 15:00.
 */
export function parseTimes(text: string): SettingResult<string[]> {
  const tokens = text
    .toLowerCase()
    .replace(/(\d)\s+(a\.?m\.?|p\.?m\.?)(?=$|[\s,;])/g, "$1$2")
    .replace(/(^|[\s,;])(\d{1,2})\s+(2[4-9]|[3-5]\d)(?=$|[\s,;]|a\.?m|p\.?m)/g, "$1$2:$3")
    .split(/[\s,;]+/)
    .filter((token) => token !== "" && !["and", "&", "і", "та", "i"].includes(token));
  return checkTimeList(tokens);
}

/**
 * Reads quiet hours as "23:00-07:00" (also "23-7", "11pm to 7am"); the end
 * may be before the start, wrapping past midnight. "off" (or "none") gives
 * null, which turns quiet hours off.
 */
export function parseQuietHours(text: string): SettingResult<QuietHours | null> {
  const t = text.trim().toLowerCase();
  if (OFF_WORDS.has(t)) return { ok: true, value: null };
  const parts = t.split(/\s*[-–—]\s*|\s+(?:to|до)\s+/).filter((p) => p !== "");
  const start = parts.length === 2 ? parseTime(parts[0] ?? "") : undefined;
  const end = parts.length === 2 ? parseTime(parts[1] ?? "") : undefined;
  if (start === undefined || end === undefined || start === end) return invalidQuiet(text);
  return { ok: true, value: { start, end } };
}

/** A digest times setting: typed text, or a list of times. */
export function checkTimes(input: unknown): SettingResult<string[]> {
  if (typeof input === "string") return parseTimes(input);
  if (Array.isArray(input)) return checkTimeList(input);
  return invalidTime(input);
}

function checkTimeList(tokens: readonly unknown[]): SettingResult<string[]> {
  const errors: SettingError[] = [];
  const times = new Set<string>();
  for (const token of tokens) {
    const time = typeof token === "string" ? parseTime(token) : undefined;
    if (time === undefined) errors.push(...invalidTime(token).errors);
    else times.add(time);
  }
  if (errors.length === 0 && times.size === 0) {
    errors.push(
      error(
        "times",
        "no-times",
        { min: 1, max: MAX_TIMES },
        `no time given — send 1 to ${MAX_TIMES} times as HH:MM, e.g. 08:00, 19:30`,
      ),
    );
  }
  if (times.size > MAX_TIMES) {
    errors.push(
      error(
        "times",
        "too-many-times",
        { count: times.size, max: MAX_TIMES },
        `${times.size} times is too many — choose at most ${MAX_TIMES} digest times a day`,
      ),
    );
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: [...times].sort() };
}

function invalidTime(input: unknown): { ok: false; errors: SettingError[] } {
  return fail(
    "times",
    "invalid-time",
    { value: show(input) },
    `${show(input)} is not a time — write times like 07:30 or 7:30, from 00:00 to 23:59, separated by commas`,
  );
}

/** A quiet hours setting: typed text, {start, end}, or null for off. */
export function checkQuiet(input: unknown): SettingResult<QuietHours | null> {
  if (input === null) return { ok: true, value: null };
  if (typeof input === "string") return parseQuietHours(input);
  if (typeof input === "object" && !Array.isArray(input)) {
    const { start, end } = input as Record<string, unknown>;
    if (typeof start === "string" && typeof end === "string") {
      return parseQuietHours(`${start}-${end}`);
    }
  }
  return invalidQuiet(input);
}

function invalidQuiet(input: unknown): { ok: false; errors: SettingError[] } {
  return fail(
    "quiet",
    "invalid-quiet-hours",
    { value: show(input) },
    `${show(input)} is not a quiet period — send two different times as HH:MM-HH:MM, e.g. 23:00-07:00, or off`,
  );
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
