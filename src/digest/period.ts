import type { Chat } from "../chats/chat.ts";

const HOUR_MS = 3_600_000;

/** How far back a chat's first digest reaches, and how long items a digest left out stay on offer. */
export const CATCH_UP_MS = 24 * HOUR_MS;

/** No digest reaches further back than this: a digest is news, /search is the archive. */
export const MAX_LOOKBACK_MS = 48 * HOUR_MS;

/**
 * The time after which (exclusive) a chat's next digest takes articles.
 * A chat that never had a digest gets the last CATCH_UP_MS. Otherwise the
 * window opens at the cursor, but items an earlier digest left out ("and 7
 * more") stay on offer only until CATCH_UP_MS ago — anything published after
 * the last delivery is always in — and nothing older than MAX_LOOKBACK_MS is.
 * This keeps a busy chat whose digests cannot hold everything from drifting
 * ever further into the past: it lags at most a day behind.
 */
export function digestWindowStart(
  chat: Pick<Chat, "cursor" | "lastDeliveryAt">,
  now: number,
): number {
  if (!(chat.cursor > 0)) return now - CATCH_UP_MS;
  const lastDelivery = chat.lastDeliveryAt ?? chat.cursor;
  return Math.max(chat.cursor, Math.min(lastDelivery, now - CATCH_UP_MS), now - MAX_LOOKBACK_MS);
}

/**
 * The start of the period a digest names ("Digest — 16 Dec, 08:00 – …"):
 * the last delivery when the window holds nothing from before it — which is
 * what a reader means by "since the last digest" — else the window start.
 */
export function periodStartOf(
  chat: Pick<Chat, "lastDeliveryAt">,
  windowStart: number,
  oldestInWindow?: number,
): number {
  const last = chat.lastDeliveryAt;
  if (last === undefined || last < windowStart) return windowStart;
  return oldestInWindow === undefined || oldestInWindow > last ? last : windowStart;
}

/**
 * A moment as a reader sees it, e.g. "16 Dec, 08:00" / "16 груд., 08:00", in
 * `timeZone`; the year is added when it differs from that of `reference`.
 * Throws RangeError for an unknown locale or time zone.
 */
export function formatMoment(
  ms: number,
  options: { locale: string; timeZone: string; reference: number },
): string {
  const { locale, timeZone, reference } = options;
  const year = formatter("en", timeZone, false, YEAR_ONLY);
  const sameYear = year.format(ms) === year.format(reference);
  return formatter(locale, timeZone, !sameYear, MOMENT).format(ms);
}

const YEAR_ONLY: Intl.DateTimeFormatOptions = { year: "numeric" };
const MOMENT: Intl.DateTimeFormatOptions = {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
};
/** Building an Intl.DateTimeFormat costs far more than formatting with one; a deployment uses few zones and locales. */
const FORMATTERS_MAX = 500;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  locale: string,
  timeZone: string,
  withYear: boolean,
  base: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withYear ? 1 : 0}|${base === MOMENT ? "m" : "y"}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, {
      timeZone,
      ...base,
      ...(withYear ? { year: "numeric" } : {}),
    });
    if (formatters.size >= FORMATTERS_MAX) formatters.clear();
    formatters.set(key, found);
  }
  return found;
}
