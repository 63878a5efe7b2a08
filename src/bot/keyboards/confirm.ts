import type { I18nFlavor } from "@grammyjs/i18n";
import { InlineKeyboard } from "grammy";

export type ConfirmPress = "ok" | "change";

/** "Confirm" and "Change" side by side: `<prefix>:ok`, `<prefix>:change`. */
export function confirmKeyboard(t: I18nFlavor["t"], prefix: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("subscribe-btn-confirm"), `${prefix}:ok`)
    .text(t("subscribe-btn-change"), `${prefix}:change`);
}

/** Reads a press of confirmKeyboard's buttons; undefined for any other data. */
export function parseConfirmPress(prefix: string, data: string): ConfirmPress | undefined {
  const rest = data.startsWith(`${prefix}:`) ? data.slice(prefix.length + 1) : "";
  return rest === "ok" || rest === "change" ? rest : undefined;
}

/** A single "« Back" button sending `data`, under a question answered by typing. */
export function backKeyboard(t: I18nFlavor["t"], data: string): InlineKeyboard {
  return new InlineKeyboard().text(t("subscribe-btn-back"), data);
}
