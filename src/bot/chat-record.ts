import type { Chat } from "../chats/chat.ts";
import type { BotContext } from "./context.ts";

/**
 * This chat's stored record; a chat the bot keeps nothing for gets one, not
 * subscribed (a new private chat in the user's language), since digests and
 * watch messages need its language, zone and quiet hours.
 */
export async function ensureChatRecord(
  ctx: BotContext & { chat: NonNullable<BotContext["chat"]> },
): Promise<Chat> {
  if (ctx.chatRecord) return ctx.chatRecord;
  const { chat } = ctx;
  const title = "title" in chat ? chat.title : undefined;
  const record = await ctx.deps.chats.ensure(chat.id, {
    kind: chat.type,
    ...(title ? { title } : {}),
  });
  if (chat.type !== "private" || record.lang === ctx.lang) return record;
  const updated = await ctx.deps.chats.updateSettings(chat.id, { lang: ctx.lang });
  return updated.ok ? updated.chat : record;
}
