import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { enterSubscribe } from "../conversations/subscribe.ts";
import { LATEST_DEFAULT, showLatest } from "./latest.ts";

function mainKeyboard(ctx: BotContext): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(ctx.t("btn-latest"), "latest")
    .text(ctx.t("btn-topics"), "topics")
    .row();
  if (ctx.chat?.type === "private") keyboard.text(ctx.t("btn-subscribe"), "subscribe").row();
  return keyboard.text(ctx.t("btn-sources"), "sources").text(ctx.t("btn-help"), "help");
}

/**
 * `/start` greets with the main buttons; a deep-link payload such as
 * `topic_kursk` (t.me/<bot>?start=topic_kursk) opens that topic right away.
 */
export const startFeature = new Composer<BotContext>();

startFeature.command("start", async (ctx) => {
  const payload = ctx.match.trim();
  if (payload) {
    const topic = /^topic_([a-z0-9-]+)$/.exec(payload)?.[1];
    if (topic && ctx.deps.topics.some((t) => t.id === topic)) {
      await showLatest(ctx, LATEST_DEFAULT, topic);
      return;
    }
    if (payload !== "latest") await ctx.reply(ctx.t("deep-link-unknown"));
    await showLatest(ctx, LATEST_DEFAULT);
    return;
  }
  await ctx.reply(ctx.t("welcome"), { parse_mode: "HTML", reply_markup: mainKeyboard(ctx) });
});

startFeature.chatType("private").callbackQuery("subscribe", async (ctx) => {
  await ctx.answerCallbackQuery();
  await enterSubscribe(ctx);
});
