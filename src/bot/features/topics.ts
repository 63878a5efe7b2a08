import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { LATEST_DEFAULT, showLatest } from "./latest.ts";

function topicsKeyboard(ctx: BotContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  ctx.deps.topics.forEach((topic, i) => {
    keyboard.text(
      `${topic.emoji ? `${topic.emoji} ` : ""}${topic.name[ctx.lang]}`,
      `topic:${topic.id}`,
    );
    if (i % 2 === 1) keyboard.row();
  });
  return keyboard;
}

/** The topic picker behind the welcome's "Topics" button; each topic opens its newest items. */
export const topicsFeature = new Composer<BotContext>();

topicsFeature.callbackQuery("topics", async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("topics-pick"), { reply_markup: topicsKeyboard(ctx) });
});

topicsFeature.callbackQuery(/^topic:([a-z0-9-]+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const id = ctx.match[1] ?? "";
  if (!ctx.deps.topics.some((t) => t.id === id)) return;
  await showLatest(ctx, LATEST_DEFAULT, id);
});
