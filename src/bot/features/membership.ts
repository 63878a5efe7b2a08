import { Composer } from "grammy";
import type { ChatMember } from "grammy/types";
import type { Chat } from "../../chats/chat.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import { canPostMessages } from "../guards.ts";
import { languageOf } from "../i18n.ts";

function isIn(member: ChatMember): boolean {
  if (member.status === "restricted") return member.is_member;
  return (
    member.status === "member" || member.status === "administrator" || member.status === "creator"
  );
}

async function keepTitle(ctx: BotContext, record: Chat, title: string): Promise<void> {
  if (record.title !== title) await ctx.deps.chats.setTitle(record.id, title);
}

/**
 * The bot's own membership (`my_chat_member`) decides what the bot keeps for
 * a chat:
 * - private chat: blocked -> "blocked"; unblocked -> "paused" (the reader
 *   subscribes again with /subscribe);
 * - group or supergroup: added -> a record, not subscribed, in the language of
 *   whoever added the bot, and a welcome telling chat admins how to subscribe;
 *   removed -> "left" (out of the schedule) and nothing more is sent;
 *   added again after that -> "paused" with every setting kept, and the
 *   welcome again, so chat admins re-subscribe knowingly. A join into a chat that
 *   is already subscribed (Telegram sends one to the new supergroup when a
 *   group is upgraded) changes nothing and sends nothing;
 * - channel: removed, or no longer allowed to post -> "left", and the people
 *   who manage it from their private chat are told when digests stopped;
 *   allowed to post again -> "paused". Channels are linked with /channel.
 */
export const membershipFeature = new Composer<BotContext>();

membershipFeature.chatType("private").on("my_chat_member", async (ctx) => {
  const record = ctx.chatRecord;
  if (!record) return;
  const blocked = ctx.myChatMember.new_chat_member.status === "kicked";
  if (blocked && record.status !== "blocked") {
    await ctx.deps.chats.setStatus(record.id, "blocked");
    ctx.log.info("the reader blocked the bot");
  } else if (!blocked && record.status === "blocked") {
    await ctx.deps.chats.setStatus(record.id, "paused");
    ctx.log.info("the reader unblocked the bot");
  }
});

membershipFeature.chatType(["group", "supergroup"]).on("my_chat_member", async (ctx) => {
  const { chats } = ctx.deps;
  const { chat, old_chat_member: before, new_chat_member: after } = ctx.myChatMember;
  const known = ctx.chatRecord;
  if (isIn(before) === isIn(after)) {
    if (known) await keepTitle(ctx, known, chat.title);
    return;
  }
  if (!isIn(after)) {
    if (known && known.status !== "left") {
      await chats.setStatus(chat.id, "left");
      ctx.log.info({ was: known.status }, "removed from the group");
    }
    return;
  }

  const adderLang = languageOf(ctx.from?.language_code, ctx.deps.defaultLanguage);
  const record = known ?? (await chats.ensure(chat.id, { kind: chat.type, title: chat.title }));
  if (!known && record.lang !== adderLang) await chats.updateSettings(chat.id, { lang: adderLang });
  if (known) await keepTitle(ctx, known, chat.title);
  const returning = known?.status === "left" || known?.status === "blocked";
  if (returning) await chats.setStatus(chat.id, "paused");
  ctx.log.info({ returning, known: known !== undefined }, "added to the group");
  if (known && !returning) return;

  ctx.lang = adderLang;
  await ctx.i18n.renegotiateLocale();
  await ctx.reply(ctx.t("groups-welcome", { botname: ctx.me.username }), { parse_mode: "HTML" });
});

membershipFeature.chatType("channel").on("my_chat_member", async (ctx) => {
  const record = ctx.chatRecord;
  if (!record) return;
  const { chats } = ctx.deps;
  const { chat, new_chat_member: after } = ctx.myChatMember;
  await keepTitle(ctx, record, chat.title);
  const canPost = canPostMessages(after);
  if (canPost && record.status === "left") {
    await chats.setStatus(record.id, "paused");
    ctx.log.info("may post in the channel again");
    return;
  }
  if (canPost || record.status === "left") return;
  await chats.setStatus(record.id, "left");
  ctx.log.info({ was: record.status, now: after.status }, "can no longer post in the channel");
  if (record.status !== "active") return;
  for (const managerId of record.managers) {
    const manager = await chats.get(managerId);
    ctx.lang = manager?.lang ?? record.lang;
    await ctx.i18n.renegotiateLocale();
    const text = ctx.t("channels-removed-notice", { title: escapeHtml(chat.title) });
    await ctx.api.sendMessage(managerId, text, { parse_mode: "HTML" }).catch((err: unknown) => {
      ctx.log.warn({ err, managerId }, "could not tell a manager the channel stopped");
    });
  }
});

membershipFeature.on(["message:new_chat_title", "channel_post:new_chat_title"], async (ctx) => {
  const record = ctx.chatRecord;
  const title = ctx.msg.new_chat_title;
  if (record) await keepTitle(ctx, record, title);
});
