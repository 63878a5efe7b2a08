import type { SettingError } from "../chats/settings.ts";

/** A translator: a locale key and its variables to text in one language (e.g. `ctx.t`). */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/**
 * The user-facing text of a setting error in the translator's language: what
 * was wrong, with the offending value, and what is allowed (keys
 * `setting-error-<code>`). Plain text, not HTML: escape it before sending
 * with parse_mode HTML, since `value` is what the user typed.
 */
export function settingErrorText(t: Translate, error: SettingError): string {
  return t(`setting-error-${error.code}`, {
    ...error.params,
    field: t(`setting-field-${error.field}`),
  });
}

/** Every error of a rejected change, one per line. */
export function settingErrorsText(t: Translate, errors: readonly SettingError[]): string {
  return errors.map((error) => settingErrorText(t, error)).join("\n");
}
