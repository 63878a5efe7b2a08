import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { setTarget, shownTarget } from "../menus/settings-target.ts";
import { topicsText } from "../menus/settings-text.ts";
import { topicsMenu } from "../menus/topics-menu.ts";

/**
 * `/topics`: the topics of this chat's digest, each a toggle. Anyone may look;
 * in a group only chat admins may toggle (checked on every press, features/settings.ts).
 */
export const topicsToggleFeature = new Composer<BotContext>();

topicsToggleFeature.chatType(["private", "group", "supergroup"]).command("topics", async (ctx) => {
  setTarget(ctx, ctx.chat.id);
  const chat = await shownTarget(ctx);
  await ctx.reply(topicsText(ctx, chat), { parse_mode: "HTML", reply_markup: topicsMenu });
});
