import { Composer } from "grammy";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import { awaitInput, cancelAwaitedInput, takeAwaitedInput } from "../menus/awaiting-input.ts";
import { settingsMenu } from "../menus/settings-menu.ts";
import {
  changeTarget,
  ensureTarget,
  mayManageTarget,
  setTarget,
  targetOf,
} from "../menus/settings-target.ts";
import { settingsText } from "../menus/settings-text.ts";
import { topicsMenu } from "../menus/topics-menu.ts";
import { settingErrorsText } from "../setting-errors.ts";

function refusal(ctx: BotContext): string {
  return ctx.t(targetOf(ctx) === ctx.chat?.id ? "only-admins" : "settings-not-manager");
}

/**
 * Sends the settings menu of `targetChatId`: this chat, or one the user
 * manages from here (a linked channel). The user's right to manage it is
 * checked now and again on every press.
 */
export async function openSettings(ctx: BotContext, targetChatId: number): Promise<void> {
  setTarget(ctx, targetChatId);
  if (!(await mayManageTarget(ctx))) {
    await ctx.reply(refusal(ctx));
    return;
  }
  const chat = await ensureTarget(ctx);
  if (!chat) {
    await ctx.reply(ctx.t("settings-not-manager"));
    return;
  }
  await ctx.reply(settingsText(ctx, chat), { parse_mode: "HTML", reply_markup: settingsMenu });
}

/**
 * The settings and /topics menus, and the value a user was asked to type.
 * Installed before the features that send the menus.
 */
export const settingsFeature = new Composer<BotContext>();

// Every press of these menus was checked by the press guard (press-guard.ts),
// which also set the chat it acts on.
settingsFeature.use(settingsMenu, topicsMenu);

/**
 * A command sent instead of a value the bot asked to be typed cancels the
 * wait, and is handled as usual. Installed before every feature answering
 * commands, so the settings feature itself can come after the commonest
 * commands in the routing table.
 */
export const commandCancelsTypedSetting = new Composer<BotContext>();

commandCancelsTypedSetting.on("message:text", async (ctx, next) => {
  if (ctx.msg.text.startsWith("/")) await cancelAwaitedInput(ctx);
  return next();
});

settingsFeature.on("message:text", async (ctx, next) => {
  // a command cancelled the wait already (commandCancelsTypedSetting)
  if (ctx.msg.text.startsWith("/")) return next();
  const awaited = await takeAwaitedInput(ctx);
  if (!awaited) return next();
  setTarget(ctx, awaited.target);
  if (!(await mayManageTarget(ctx))) {
    await ctx.reply(refusal(ctx));
    return;
  }
  const result = await changeTarget(ctx, { [awaited.setting]: ctx.msg.text });
  if (!result.ok) {
    await awaitInput(ctx, awaited.target, awaited.setting);
    const errors = escapeHtml(settingErrorsText((key, vars) => ctx.t(key, vars), result.errors));
    await ctx.reply(`${errors}\n\n${ctx.t("settings-try-again")}`, {
      parse_mode: "HTML",
      reply_markup: { force_reply: true, selective: true },
      reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
    });
    return;
  }
  await ctx.reply(`${ctx.t("settings-saved")}\n\n${settingsText(ctx, result.chat)}`, {
    parse_mode: "HTML",
    reply_markup: settingsMenu,
  });
});

settingsFeature
  .chatType(["private", "group", "supergroup"])
  .command("settings", (ctx) => openSettings(ctx, ctx.chat.id));
