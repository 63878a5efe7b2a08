import type { MenuFlavor } from "@grammyjs/menu";
import type { Chat } from "../../chats/chat.ts";
import { isNotModified } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import { settingErrorsText } from "../setting-errors.ts";
import { changeTarget, shownTarget, storedTarget, targetOf } from "./settings-target.ts";

export type MenuContext = BotContext & MenuFlavor;

/** The message text that goes with a menu, from the target's current record. */
export type MenuText = (ctx: BotContext, chat: Chat) => string;

/** Telegram caps the text of a callback answer. */
const ANSWER_CHARS = 200;

/** Every button carries the target chat id, so a press knows which chat it changes. */
function payload(ctx: BotContext): string {
  return String(targetOf(ctx));
}

/** A button label that carries the target chat id. */
export function button(text: string | ((ctx: BotContext) => string | Promise<string>)) {
  return { text, payload };
}

/**
 * Identifies the state a menu was rendered from: the target, the language and
 * every setting shown. A press on a menu rendered from another state is
 * outdated; the menu plugin then re-renders instead of running the action.
 */
export async function fingerprint(ctx: BotContext): Promise<string> {
  const chat = await storedTarget(ctx);
  const state = chat
    ? [
        chat.status,
        chat.lang,
        chat.tz,
        chat.times.join(","),
        chat.topics.join(","),
        chat.maxItems,
        chat.previews ? 1 : 0,
        chat.flash ? 1 : 0,
        chat.quiet ? `${chat.quiet.start}-${chat.quiet.end}` : "",
        chat.news?.join(",") ?? "",
      ].join("|")
    : "none";
  return `${targetOf(ctx)}|${ctx.lang}|${state}`;
}

/**
 * Edits the pressed message to the target's current state; the menu plugin
 * attaches the current menu. An edit to what is already shown is not an error.
 */
async function showCurrent(ctx: MenuContext, text: MenuText): Promise<void> {
  const chat = await shownTarget(ctx);
  try {
    await ctx.editMessageText(text(ctx, chat), {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    });
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}

/** The press of an outdated menu: says so, and shows the current state instead. */
export function outdated(text: MenuText) {
  return async (ctx: MenuContext) => {
    await ctx.answerCallbackQuery({ text: ctx.t("settings-outdated") });
    await showCurrent(ctx, text);
  };
}

/** A button that only answers the press (navigation, or a value shown on a button). */
export async function answer(ctx: MenuContext): Promise<void> {
  await ctx.answerCallbackQuery();
}

/**
 * A button that changes settings: `patchOf` gets the current record and
 * returns the change; the store validates it. A rejected change is shown as
 * an alert in words and nothing changes; an accepted one re-renders the message.
 */
export function change(patchOf: (chat: Chat) => Record<string, unknown>, text: MenuText) {
  return async (ctx: MenuContext) => {
    const result = await changeTarget(ctx, patchOf(await shownTarget(ctx)));
    if (!result.ok) {
      const errors = settingErrorsText((key, vars) => ctx.t(key, vars), result.errors);
      await ctx.answerCallbackQuery({ text: clip(errors), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await showCurrent(ctx, text);
  };
}

function clip(text: string): string {
  const chars = Array.from(text);
  return chars.length > ANSWER_CHARS ? `${chars.slice(0, ANSWER_CHARS - 1).join("")}…` : text;
}
