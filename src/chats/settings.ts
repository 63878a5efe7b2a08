import { LANGUAGES, type Language } from "../config.ts";
import { type ChatSettings, MAX_ITEMS, MAX_TIMES, MIN_ITEMS, type QuietHours } from "./chat.ts";
import { resolveTimeZone } from "./time-zones.ts";

export type SettingField = keyof ChatSettings;

/** Stable codes the bot translates; `params` fill the translated message. */
export type SettingErrorCode =
  | "invalid-language"
  | "invalid-timezone"
  | "invalid-time"
  | "no-times"
  | "too-many-times"
  | "invalid-topics"
  | "unknown-topic"
  | "items-out-of-range"
  | "invalid-quiet-hours"
  | "invalid-switch"
  | "invalid-thread"
  | "invalid-news";

export interface SettingError {
  field: SettingField;
  code: SettingErrorCode;
  params: Record<string, string | number>;
  /** English, names what is allowed */
  message: string;
}

export type SettingResult<T> = { ok: true; value: T } | { ok: false; errors: SettingError[] };

/** A checked change: every field present is set; `null` clears an optional field. */
export type SettingsPatch = Partial<Omit<ChatSettings, "quiet" | "threadId" | "news">> & {
  quiet?: QuietHours | null;
  threadId?: number | null;
  /** null: back to the default (see newsLanguages) */
  news?: Language[] | null;
};

export interface SettingsContext {
  /** the topic ids a chat may choose from */
  topicIds: ReadonlySet<string>;
}

const FIELDS: readonly SettingField[] = [
  "lang",
  "tz",
  "times",
  "topics",
  "maxItems",
  "previews",
  "quiet",
  "flash",
  "threadId",
  "news",
];

const OFF_WORDS = new Set(["off", "none", "no", "-", "вимк", "вимкнути", "ні"]);

/**
 * Checks a settings change in one place, for the bot and the store alike.
 * Each field may hold its typed value or the text a user typed ("kyiv",
 * "8:00, 19:30", "7", "23:00-07:00"); the result holds normalised values.
 * Reports every invalid field at once so the user can fix them together.
 * Throws a TypeError when `patch` is not an object or names a field that is
 * not a setting: that is a bug in the caller, not a user's mistake.
 */
export function validateSettingsPatch(
  patch: unknown,
  context: SettingsContext,
): SettingResult<SettingsPatch> {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new TypeError(`a settings patch must be an object, got ${show(patch)}`);
  }
  const input = patch as Record<string, unknown>;
  for (const name of Object.keys(input)) {
    if (!(FIELDS as readonly string[]).includes(name)) {
      throw new TypeError(`${name} is not a chat setting (settings: ${FIELDS.join(", ")})`);
    }
  }
  const value: SettingsPatch = {};
  const errors: SettingError[] = [];
  const take = <T>(result: SettingResult<T>, set: (v: T) => void) => {
    if (result.ok) set(result.value);
    else errors.push(...result.errors);
  };

  if (input.lang !== undefined) take(checkLanguage(input.lang), (v) => (value.lang = v));
  if (input.tz !== undefined) {
    take(
      typeof input.tz === "string" ? parseTimeZone(input.tz) : invalidTimeZone(input.tz),
      (v) => (value.tz = v),
    );
  }
  if (input.times !== undefined) take(checkTimes(input.times), (v) => (value.times = v));
  if (input.topics !== undefined) {
    take(checkTopics(input.topics, context.topicIds), (v) => (value.topics = v));
  }
  if (input.maxItems !== undefined) {
    take(checkMaxItems(input.maxItems), (v) => (value.maxItems = v));
  }
  if (input.previews !== undefined) {
    take(checkSwitch("previews", input.previews), (v) => (value.previews = v));
  }
  if (input.flash !== undefined) take(checkSwitch("flash", input.flash), (v) => (value.flash = v));
  if (input.quiet !== undefined) take(checkQuiet(input.quiet), (v) => (value.quiet = v));
  if (input.threadId !== undefined) {
    take(checkThread(input.threadId), (v) => (value.threadId = v));
  }
  if (input.news !== undefined) take(checkNews(input.news), (v) => (value.news = v));
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

const BOTH_WORDS = new Set(["both", "all", "обидві", "обидва", "усі", "всі"]);
const DEFAULT_WORDS = new Set(["default", "auto", "типово", "за замовчуванням"]);

/**
 * Reads the languages of news a chat gets: a list of language codes, or
 * text such as "uk", "en, uk", "both"; null or "default" gives null, which
 * goes back to the default (the interface language plus English).
 */
export function parseNewsLanguages(text: string): SettingResult<Language[] | null> {
  const t = text.trim().toLowerCase();
  if (DEFAULT_WORDS.has(t)) return { ok: true, value: null };
  if (BOTH_WORDS.has(t)) return { ok: true, value: [...LANGUAGES] };
  return checkNews(t.split(/[\s,;+]+/).filter((part) => part !== "" && part !== "and"));
}

function checkNews(input: unknown): SettingResult<Language[] | null> {
  if (input === null) return { ok: true, value: null };
  if (typeof input === "string") return parseNewsLanguages(input);
  const chosen = Array.isArray(input)
    ? input.map((lang) => (typeof lang === "string" ? lang.trim().toLowerCase() : lang))
    : [];
  const known = chosen.filter((lang): lang is Language =>
    (LANGUAGES as readonly unknown[]).includes(lang),
  );
  if (chosen.length > 0 && known.length === chosen.length) {
    return { ok: true, value: LANGUAGES.filter((lang) => known.includes(lang)) };
  }
  const allowed = LANGUAGES.join(", ");
  return fail(
    "news",
    "invalid-news",
    { value: show(input), allowed },
    `${show(input)} is not a choice of news languages — choose one or more of: ${allowed}, or both`,
  );
}

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

/** Reads a time zone typed as a city or an IANA name; see resolveTimeZone. */
export function parseTimeZone(text: string): SettingResult<string> {
  const zone = resolveTimeZone(text);
  return zone === undefined ? invalidTimeZone(text) : { ok: true, value: zone };
}

/** Reads how many items a digest may hold: a whole number from MIN_ITEMS to MAX_ITEMS. */
export function parseMaxItems(text: string): SettingResult<number> {
  const t = text.trim();
  return /^\d{1,3}$/.test(t) ? checkMaxItems(Number(t)) : itemsOutOfRange(t);
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

function checkLanguage(input: unknown): SettingResult<Language> {
  const lang = typeof input === "string" ? input.trim().toLowerCase() : undefined;
  if (lang !== undefined && (LANGUAGES as readonly string[]).includes(lang)) {
    return { ok: true, value: lang as Language };
  }
  const allowed = LANGUAGES.join(", ");
  return fail(
    "lang",
    "invalid-language",
    { value: show(input), allowed },
    `${show(input)} is not a supported language — choose one of: ${allowed}`,
  );
}

function invalidTimeZone(input: unknown): SettingResult<never> {
  return fail(
    "tz",
    "invalid-timezone",
    { value: show(input) },
    `${show(input)} is not a time zone — send a city like Kyiv or a zone like Europe/Berlin`,
  );
}

function checkTimes(input: unknown): SettingResult<string[]> {
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

function checkTopics(input: unknown, topicIds: ReadonlySet<string>): SettingResult<string[]> {
  const allowed = [...topicIds].sort().join(", ");
  if (!Array.isArray(input)) {
    return fail(
      "topics",
      "invalid-topics",
      { value: show(input), allowed },
      `${show(input)} is not a list of topics — choose any of: ${allowed}, or none for every topic`,
    );
  }
  const errors: SettingError[] = [];
  const topics = new Set<string>();
  for (const topic of input) {
    if (typeof topic === "string" && topicIds.has(topic)) {
      topics.add(topic);
    } else {
      errors.push(
        error(
          "topics",
          "unknown-topic",
          { value: show(topic), allowed },
          `${show(topic)} is not a topic — choose from: ${allowed}`,
        ),
      );
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: [...topics].sort() };
}

function checkMaxItems(input: unknown): SettingResult<number> {
  if (typeof input === "string") return parseMaxItems(input);
  if (typeof input === "number" && Number.isInteger(input)) {
    if (input >= MIN_ITEMS && input <= MAX_ITEMS) return { ok: true, value: input };
  }
  return itemsOutOfRange(input);
}

function itemsOutOfRange(input: unknown): { ok: false; errors: SettingError[] } {
  return fail(
    "maxItems",
    "items-out-of-range",
    { value: show(input), min: MIN_ITEMS, max: MAX_ITEMS },
    `${show(input)} is not a number of items — choose a whole number from ${MIN_ITEMS} to ${MAX_ITEMS}`,
  );
}

function checkSwitch(field: "previews" | "flash", input: unknown): SettingResult<boolean> {
  if (typeof input === "boolean") return { ok: true, value: input };
  return fail(
    field,
    "invalid-switch",
    { value: show(input) },
    `${show(input)} is not on or off — ${field} takes true or false`,
  );
}

function checkQuiet(input: unknown): SettingResult<QuietHours | null> {
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

function checkThread(input: unknown): SettingResult<number | null> {
  if (input === null) return { ok: true, value: null };
  if (typeof input === "number" && Number.isSafeInteger(input) && input > 0) {
    return { ok: true, value: input };
  }
  return fail(
    "threadId",
    "invalid-thread",
    { value: show(input) },
    `${show(input)} is not a forum topic id — use a positive whole number`,
  );
}

function fail(
  field: SettingField,
  code: SettingErrorCode,
  params: Record<string, string | number>,
  message: string,
): { ok: false; errors: SettingError[] } {
  return { ok: false, errors: [error(field, code, params, message)] };
}

function error(
  field: SettingField,
  code: SettingErrorCode,
  params: Record<string, string | number>,
  message: string,
): SettingError {
  return { field, code, params, message };
}

function show(value: unknown): string {
  const text = typeof value === "string" ? value.trim() : (JSON.stringify(value) ?? String(value));
  const chars = Array.from(text);
  return chars.length > 40 ? `${chars.slice(0, 39).join("")}…` : text === "" ? '""' : text;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
