import type { I18nFlavor } from "@grammyjs/i18n";
import { InlineKeyboard } from "grammy";
import { canonicalZone, commonTimeZones } from "../../chats/time-zones.ts";

export type TimeZonePress = { kind: "zone"; zone: string } | { kind: "other" };

/** Locale keys of the cities on the preset buttons; a zone without one shows its English label. */
const CITY_KEYS: Readonly<Record<string, string>> = {
  "Europe/Kyiv": "subscribe-city-kyiv",
  "Europe/London": "subscribe-city-london",
  "Europe/Berlin": "subscribe-city-berlin",
  "Europe/Warsaw": "subscribe-city-warsaw",
  "America/New_York": "subscribe-city-new-york",
  "America/Los_Angeles": "subscribe-city-los-angeles",
};

/**
 * The common zones, two a row, named by city, ✅ on `tz`; a zone that is not
 * among them gets its own ✅ button to keep it; then "Other…" to type one.
 * Zones travel in the callback data by name (`<prefix>:Europe/Kyiv`).
 */
export function timeZoneKeyboard(
  t: I18nFlavor["t"],
  state: { tz: string },
  prefix: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  commonTimeZones.forEach(({ zone, label }, i) => {
    const key = CITY_KEYS[zone];
    const city = key ? t(key) : label;
    keyboard.text(`${zone === state.tz ? "✅ " : ""}${city}`, `${prefix}:${zone}`);
    if (i % 2 === 1) keyboard.row();
  });
  if (commonTimeZones.length % 2 === 1) keyboard.row();
  if (!commonTimeZones.some(({ zone }) => zone === state.tz)) {
    keyboard.text(`✅ ${state.tz}`, `${prefix}:${state.tz}`).row();
  }
  return keyboard.text(t("subscribe-btn-other-zone"), `${prefix}:other`);
}

/** Reads a press of timeZoneKeyboard's buttons; undefined for other data or a zone the runtime doesn't know. */
export function parseTimeZonePress(prefix: string, data: string): TimeZonePress | undefined {
  if (!data.startsWith(`${prefix}:`)) return undefined;
  const rest = data.slice(prefix.length + 1);
  if (rest === "other") return { kind: "other" };
  const zone = canonicalZone(rest);
  return zone === undefined ? undefined : { kind: "zone", zone };
}
