import { Composer, GrammyError } from "grammy";
import type { BotContext } from "../context.ts";
import { enterSubscribe } from "../conversations/subscribe.ts";
import { canManageChat, requireChatAdmin, showsButton } from "../guards.ts";

/**
 * `/subscribe` (the conversation in conversations/subscribe.ts), `/unsubscribe`
 * (stops deliveries, keeps the settings for the next /subscribe) and
 * `/cancel`. In groups only chat admins may change the subscription; the
 * conversation itself answers its owner's input, so what arrives here for
 * its buttons is a press on a menu that is no longer open.
 */
export const subscribeFeature = new Composer<BotContext>();

const chats = subscribeFeature.chatType(["private", "group", "supergroup"]);

chats.command("subscribe", requireChatAdmin, (ctx) => enterSubscribe(ctx));

chats.command("unsubscribe", requireChatAdmin, async (ctx) => {
  const chat = ctx.chatRecord;
  if (chat?.status !== "active") {
    await ctx.reply(ctx.t("unsubscribe-not-subscribed"));
    return;
  }
  await ctx.deps.chats.setStatus(chat.id, "paused");
  ctx.log.info("unsubscribed");
  await ctx.reply(ctx.t("unsubscribe-done"));
});

chats.command("cancel", async (ctx) => {
  if (Object.keys(ctx.conversation.active()).length === 0) {
    await ctx.reply(ctx.t("subscribe-nothing-to-cancel"));
    return;
  }
  if (!(await canManageChat(ctx))) {
    await ctx.reply(ctx.t("only-admins"));
    return;
  }
  await ctx.conversation.exitAll();
  await ctx.reply(ctx.t("subscribe-cancelled"));
});

subscribeFeature.callbackQuery(/^sub:/, async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("subscribe-closed") });
  // only a menu that shows this button is a closed /subscribe menu
  if (!showsButton(ctx.callbackQuery.message, ctx.callbackQuery.data)) return;
  try {
    await ctx.editMessageReplyMarkup();
  } catch (err) {
    if (!(err instanceof GrammyError)) throw err;
    ctx.log.debug({ err }, "could not take the buttons off a closed menu");
  }
});
