import { LANGUAGES, type Language } from "../config.ts";
import { type ChatSettings, MAX_ITEMS, MIN_ITEMS, type QuietHours } from "./chat.ts";
import {
  error,
  fail,
  type SettingError,
  type SettingField,
  type SettingResult,
  show,
} from "./settings-errors.ts";
import { checkQuiet, checkTimes } from "./settings-times.ts";
import { resolveTimeZone } from "./time-zones.ts";

export type {
  SettingError,
  SettingErrorCode,
  SettingResult,
} from "./settings-errors.ts";
export { parseQuietHours, parseTime, parseTimes } from "./settings-times.ts";

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
function parseNewsLanguages(text: string): SettingResult<Language[] | null> {
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
