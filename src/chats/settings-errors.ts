import type { ChatSettings } from "./chat.ts";

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

/** One invalid field, as a failed result. */
export function fail(
  field: SettingField,
  code: SettingErrorCode,
  params: Record<string, string | number>,
  message: string,
): { ok: false; errors: SettingError[] } {
  return { ok: false, errors: [error(field, code, params, message)] };
}

export function error(
  field: SettingField,
  code: SettingErrorCode,
  params: Record<string, string | number>,
  message: string,
): SettingError {
  return { field, code, params, message };
}

/** A value as the user gave it, cut to 40 characters, for an error message. */
export function show(value: unknown): string {
  const text = typeof value === "string" ? value.trim() : (JSON.stringify(value) ?? String(value));
  const chars = Array.from(text);
  return chars.length > 40 ? `${chars.slice(0, 39).join("")}…` : text === "" ? '""' : text;
}
