import type { I18nFlavor } from "@grammyjs/i18n";
import { InlineKeyboard } from "grammy";

export interface SchedulePreset {
  id: string;
  /** local times "HH:MM", sorted */
  times: readonly string[];
  /** locale key of the button */
  label: string;
}

export const SCHEDULE_PRESETS: readonly SchedulePreset[] = [
  { id: "morning", times: ["08:00"], label: "subscribe-preset-morning" },
  { id: "twice", times: ["08:00", "20:00"], label: "subscribe-preset-twice" },
  { id: "three", times: ["08:00", "14:00", "20:00"], label: "subscribe-preset-three" },
];

export type SchedulePress =
  | { kind: "preset"; times: string[] }
  | { kind: "keep" }
  | { kind: "custom" };

/**
 * One button per preset, ✅ on the one matching `times`; times that match
 * no preset get their own ✅ button to keep them; then "My own times…".
 */
export function scheduleKeyboard(
  t: I18nFlavor["t"],
  state: { times: readonly string[] },
  prefix: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const current = state.times.join(",");
  for (const preset of SCHEDULE_PRESETS) {
    const on = preset.times.join(",") === current;
    keyboard.text(`${on ? "✅ " : ""}${t(preset.label)}`, `${prefix}:${preset.id}`).row();
  }
  if (state.times.length > 0 && !SCHEDULE_PRESETS.some((p) => p.times.join(",") === current)) {
    keyboard.text(`✅ ${state.times.join(", ")}`, `${prefix}:keep`).row();
  }
  return keyboard.text(t("subscribe-btn-custom"), `${prefix}:custom`);
}

/** Reads a press of scheduleKeyboard's buttons; undefined for any other data. */
export function parseSchedulePress(prefix: string, data: string): SchedulePress | undefined {
  if (!data.startsWith(`${prefix}:`)) return undefined;
  const rest = data.slice(prefix.length + 1);
  if (rest === "keep" || rest === "custom") return { kind: rest };
  const preset = SCHEDULE_PRESETS.find((p) => p.id === rest);
  return preset ? { kind: "preset", times: [...preset.times] } : undefined;
}
