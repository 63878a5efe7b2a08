import type { I18nFlavor } from "@grammyjs/i18n";
import { InlineKeyboard } from "grammy";
import type { Topic } from "../../articles/topics.ts";
import type { Language } from "../../config.ts";

export interface TopicsPickerState {
  topics: readonly Topic[];
  lang: Language;
  /** chosen topic ids; none = every topic */
  chosen: readonly string[];
}

export type TopicsPress =
  | { kind: "set"; id: string; on: boolean }
  | { kind: "all" }
  | { kind: "done" };

/**
 * A multi-select of the topics, two a row, ✅ on the chosen ones, then "All
 * topics" (✅ when none is chosen, which means every topic) and "Done". A
 * topic's button asks for the state it should end in (`<prefix>:+id` /
 * `<prefix>:-id`), not for a toggle, so a double press sets the same state
 * twice instead of undoing itself.
 */
export function topicsKeyboard(
  t: I18nFlavor["t"],
  state: TopicsPickerState,
  prefix: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  state.topics.forEach((topic, i) => {
    const on = state.chosen.includes(topic.id);
    const mark = on ? "✅ " : topic.emoji ? `${topic.emoji} ` : "";
    keyboard.text(`${mark}${topic.name[state.lang]}`, `${prefix}:${on ? "-" : "+"}${topic.id}`);
    if (i % 2 === 1) keyboard.row();
  });
  if (state.topics.length % 2 === 1) keyboard.row();
  const all = state.chosen.length === 0;
  return keyboard
    .text(`${all ? "✅ " : ""}${t("subscribe-btn-all-topics")}`, `${prefix}:all`)
    .text(t("subscribe-btn-done"), `${prefix}:done`);
}

/** Reads a press of topicsKeyboard's buttons; undefined for any other data. */
export function parseTopicsPress(prefix: string, data: string): TopicsPress | undefined {
  if (!data.startsWith(`${prefix}:`)) return undefined;
  const rest = data.slice(prefix.length + 1);
  if (rest === "all" || rest === "done") return { kind: rest };
  const match = /^([+-])([a-z0-9-]+)$/.exec(rest);
  return match ? { kind: "set", id: match[2] ?? "", on: match[1] === "+" } : undefined;
}

/** The chosen ids after a press, in the topics' order; the same list when nothing changes. */
export function applyTopicsPress(
  topics: readonly Topic[],
  chosen: readonly string[],
  press: Exclude<TopicsPress, { kind: "done" }>,
): string[] {
  if (press.kind === "all") return [];
  const next = new Set(chosen);
  if (press.on) next.add(press.id);
  else next.delete(press.id);
  return topics.map((topic) => topic.id).filter((id) => next.has(id));
}
