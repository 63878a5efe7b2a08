import type { Api } from "grammy";
import type { ChatMember, MaybeInaccessibleMessage } from "grammy/types";
import type { BotContext } from "./context.ts";

const CHAT_ADMIN_STATUSES = new Set(["creator", "administrator"]);

/** True when the sender is one of the editors named in EDITOR_IDS. */
export function isEditor(ctx: BotContext): boolean {
  return ctx.from !== undefined && ctx.deps.editorIds.includes(ctx.from.id);
}

/**
 * True when the sender may change this chat's subscription: anyone in a
 * private chat; in a group, its chat admins — an anonymous chat admin writes
 * as the group itself (sender_chat is the chat) — checked with getChatMember. A
 * press is always made by a user: the sender_chat of the message pressed on
 * says nothing about the presser.
 */
export async function canManageChat(ctx: BotContext): Promise<boolean> {
  const chat = ctx.chat;
  if (!chat) return false;
  if (chat.type === "private") return true;
  if (chat.type === "channel") return false;
  if (!ctx.callbackQuery && ctx.senderChat?.id === chat.id) return true;
  if (!ctx.from || ctx.from.is_bot) return false;
  return isChatAdmin(ctx, chat.id, ctx.from.id);
}

/**
 * True when `userId` is a chat admin of `chatId` (its creator or an
 * administrator), asked of Telegram with getChatMember; Telegram's refusal
 * (the bot cannot see the chat) is thrown. Any context with an `api` will do.
 */
export async function isChatAdmin(
  ctx: { api: Pick<Api, "getChatMember"> },
  chatId: number,
  userId: number,
): Promise<boolean> {
  const member = await ctx.api.getChatMember(chatId, userId);
  return CHAT_ADMIN_STATUSES.has(member.status);
}

/**
 * True when the bot, as `member` of a channel (or group), may post there: it
 * is the creator, or an administrator with the right to post messages.
 */
export function canPostMessages(member: ChatMember): boolean {
  return (
    member.status === "creator" ||
    (member.status === "administrator" && member.can_post_messages === true)
  );
}

/**
 * Middleware for commands that change a group: anyone not one of its chat
 * admins gets one line saying why, and nothing changes.
 */
export async function requireChatAdmin(ctx: BotContext, next: () => Promise<void>): Promise<void> {
  if (await canManageChat(ctx)) return next();
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: ctx.t("only-admins"), show_alert: true });
  } else {
    await ctx.reply(ctx.t("only-admins"));
  }
}

/** Middleware for editor commands: anyone else is told the command is for editors. */
export async function requireEditor(ctx: BotContext, next: () => Promise<void>): Promise<void> {
  if (isEditor(ctx)) return next();
  await ctx.reply(ctx.t("only-editors"));
}

/**
 * True when `message` (the one a press was made on) shows a button sending
 * `data`: what a press may do to that message, e.g. take its buttons off,
 * it does only to a message that carries the button.
 */
export function showsButton(message: MaybeInaccessibleMessage | undefined, data: string): boolean {
  const keyboard =
    message && "reply_markup" in message ? message.reply_markup?.inline_keyboard : [];
  return (keyboard ?? []).some((row) =>
    row.some((b) => "callback_data" in b && b.callback_data === data),
  );
}
