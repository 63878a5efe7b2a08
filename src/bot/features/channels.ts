import { Composer, GrammyError, InlineKeyboard } from "grammy";
import type { ChatFullInfo } from "grammy/types";
import type { Chat } from "../../chats/chat.ts";
import { nextDueAt } from "../../chats/next-due.ts";
import { escapeHtml, isNotModified } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import { enterSubscribe } from "../conversations/subscribe.ts";
import { canPostMessages, isChatAdmin } from "../guards.ts";
import { openSettings } from "./settings.ts";
import { formatDigestTime } from "./status.ts";

const ALERT_TITLE_CHARS = 40;

/**
 * What `/channel` accepts: "@name", "name", "t.me/name" or
 * "https://t.me/name" (-> "@name"), or a numeric chat id such as
 * "-1001234567890"; undefined for anything else (invite links included:
 * only a forwarded post identifies a private channel).
 */
export function parseChannelRef(text: string): string | number | undefined {
  const t = text.trim();
  if (/^-\d{1,16}$/.test(t)) return Number(t);
  const name =
    /^(?:@|(?:https?:\/\/)?(?:t\.me|telegram\.me)\/)?([A-Za-z][A-Za-z0-9_]{3,31})\/?$/i.exec(t);
  return name ? `@${name[1]}` : undefined;
}

/** Telegram answers 400 or 403 when a chat is unknown, hidden from the bot, or the bot was removed. */
function isRefusal(err: unknown): boolean {
  return err instanceof GrammyError && (err.error_code === 400 || err.error_code === 403);
}

async function botCanPost(ctx: BotContext, chatId: number): Promise<boolean> {
  try {
    return canPostMessages(await ctx.api.getChatMember(chatId, ctx.me.id));
  } catch (err) {
    if (isRefusal(err)) return false;
    throw err;
  }
}

/** undefined when Telegram would not say (the bot lost access to the channel). */
async function userIsChatAdmin(
  ctx: BotContext,
  chatId: number,
  userId: number,
): Promise<boolean | undefined> {
  try {
    return await isChatAdmin(ctx, chatId, userId);
  } catch (err) {
    if (isRefusal(err)) return undefined;
    throw err;
  }
}

function titleOf(chat: Chat): string {
  return chat.title ?? String(chat.id);
}

function shortTitle(chat: Chat): string {
  const chars = [...titleOf(chat)];
  return chars.length > ALERT_TITLE_CHARS
    ? `${chars.slice(0, ALERT_TITLE_CHARS - 1).join("")}…`
    : chars.join("");
}

function nextDigest(ctx: BotContext, chat: Chat): string {
  return formatDigestTime(ctx.t, chat.tz, nextDueAt(chat, ctx.deps.clock()));
}

function statusLine(ctx: BotContext, chat: Chat): string {
  if (chat.status === "active") {
    return ctx.t("channels-status-active", { next: escapeHtml(nextDigest(ctx, chat)) });
  }
  return chat.status === "paused" ? ctx.t("channels-status-paused") : ctx.t("channels-status-left");
}

function cardText(ctx: BotContext, chat: Chat): string {
  return `<b>${escapeHtml(titleOf(chat))}</b>\n${statusLine(ctx, chat)}`;
}

function cardKeyboard(ctx: BotContext, chat: Chat, options: { unlink: boolean }): InlineKeyboard {
  const keyboard =
    chat.status === "active"
      ? new InlineKeyboard().text(ctx.t("channels-btn-unsubscribe"), `chan:off:${chat.id}`)
      : new InlineKeyboard().text(ctx.t("channels-btn-subscribe"), `chan:sub:${chat.id}`);
  keyboard.text(ctx.t("channels-btn-settings"), `chan:set:${chat.id}`);
  if (options.unlink) keyboard.row().text(ctx.t("channels-btn-unlink"), `chan:unlink:${chat.id}`);
  return keyboard;
}

async function replyHtml(ctx: BotContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  await ctx.reply(text, {
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
    ...(keyboard ? { reply_markup: keyboard } : {}),
  });
}

async function editCard(ctx: BotContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  try {
    await ctx.editMessageText(text, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(keyboard ? { reply_markup: keyboard } : {}),
    });
  } catch (err) {
    if (isNotModified(err)) return;
    throw err;
  }
}

/**
 * Links a channel to the sender's private chat: the bot must be a chat admin
 * that may post there and the sender one of its chat admins; each failure gets
 * its own line. `shown` names the channel in those lines (@name or title).
 */
async function linkChannel(ctx: BotContext, ref: string | number, shown: string): Promise<void> {
  const userId = ctx.from?.id;
  if (userId === undefined) return;
  let found: ChatFullInfo;
  try {
    found = await ctx.api.getChat(ref);
  } catch (err) {
    if (!isRefusal(err)) throw err;
    await replyHtml(ctx, ctx.t("channels-not-found", { name: escapeHtml(shown) }));
    return;
  }
  if (found.type !== "channel") {
    const key =
      found.type === "private" ? "channels-not-a-channel-user" : "channels-not-a-channel-group";
    await replyHtml(ctx, ctx.t(key, { name: escapeHtml(shown), botname: ctx.me.username }));
    return;
  }
  const title = escapeHtml(found.title);
  if (!(await botCanPost(ctx, found.id))) {
    await replyHtml(ctx, ctx.t("channels-bot-not-admin", { title }));
    return;
  }
  if ((await userIsChatAdmin(ctx, found.id, userId)) !== true) {
    await replyHtml(ctx, ctx.t("channels-user-not-admin", { title }));
    return;
  }

  const { chats } = ctx.deps;
  const existing = await chats.get(found.id);
  await chats.ensure(found.id, { kind: "channel", title: found.title });
  if (!existing) await chats.updateSettings(found.id, { lang: ctx.lang });
  if (existing && existing.title !== found.title) await chats.setTitle(found.id, found.title);
  if (existing?.status === "left" || existing?.status === "blocked") {
    await chats.setStatus(found.id, "paused");
  }
  const linked = (await chats.addManager(found.id, userId)) ?? (await chats.get(found.id));
  if (!linked) throw new Error(`channel ${found.id} vanished while being linked`);
  ctx.log.info({ channel: found.id, status: linked.status }, "channel linked");
  const text =
    linked.status === "active"
      ? ctx.t("channels-linked-active", { title, next: escapeHtml(nextDigest(ctx, linked)) })
      : ctx.t("channels-linked", { title });
  await replyHtml(ctx, text, cardKeyboard(ctx, linked, { unlink: false }));
}

type Action = "sub" | "set" | "off" | "unlink";

/**
 * The chat behind a button, after checking again that the presser manages
 * it and is still one of its chat admins; otherwise the press is answered with
 * why, and undefined is returned. Unlinking needs no chat admin's rights: anyone may
 * stop managing a channel.
 */
async function pressedChat(ctx: BotContext, chatId: number, action: Action) {
  const userId = ctx.from?.id;
  const chat = await ctx.deps.chats.get(chatId);
  if (userId === undefined || !chat?.managers.includes(userId)) {
    await ctx.answerCallbackQuery({ text: ctx.t("channels-not-linked"), show_alert: true });
    return undefined;
  }
  if (action === "unlink") return chat;
  const chatAdmin = await userIsChatAdmin(ctx, chatId, userId);
  if (chatAdmin === undefined) {
    await ctx.answerCallbackQuery({
      text: ctx.t("channels-bot-lost-access", { title: shortTitle(chat) }),
      show_alert: true,
    });
    return undefined;
  }
  if (!chatAdmin) {
    await ctx.deps.chats.removeManager(chatId, userId);
    ctx.log.info({ channel: chatId }, "manager is no longer a chat admin of the channel; unlinked");
    await ctx.answerCallbackQuery({
      text: ctx.t("channels-no-longer-admin", { title: shortTitle(chat) }),
      show_alert: true,
    });
    return undefined;
  }
  return chat;
}

async function subscribe(ctx: BotContext, chat: Chat): Promise<void> {
  if (!(await botCanPost(ctx, chat.id))) {
    await ctx.answerCallbackQuery({
      text: ctx.t("channels-bot-lost-access", { title: shortTitle(chat) }),
      show_alert: true,
    });
    return;
  }
  if (chat.status === "left" || chat.status === "blocked") {
    await ctx.deps.chats.setStatus(chat.id, "paused");
  }
  await ctx.answerCallbackQuery();
  await enterSubscribe(ctx, { targetChatId: chat.id });
}

async function unsubscribe(ctx: BotContext, chat: Chat): Promise<void> {
  const now =
    chat.status === "active" ? ((await ctx.deps.chats.setStatus(chat.id, "paused")) ?? chat) : chat;
  ctx.log.info({ channel: chat.id }, "channel unsubscribed");
  await ctx.answerCallbackQuery({ text: ctx.t("channels-unsubscribed") });
  await editCard(ctx, cardText(ctx, now), cardKeyboard(ctx, now, { unlink: true }));
}

async function unlink(ctx: BotContext, chat: Chat, userId: number): Promise<void> {
  const { chats } = ctx.deps;
  const left = (await chats.removeManager(chat.id, userId)) ?? chat;
  const orphaned = left.managers.length === 0 && left.status === "active";
  if (orphaned) await chats.setStatus(chat.id, "paused");
  ctx.log.info({ channel: chat.id, orphaned }, "channel unlinked");
  await ctx.answerCallbackQuery();
  const title = escapeHtml(titleOf(chat));
  await editCard(
    ctx,
    ctx.t(orphaned ? "channels-unlinked-stopped" : "channels-unlinked", { title }),
  );
}

/**
 * Channels are managed from the owner's private chat: `/channel @name` or a
 * post forwarded from the channel links it (the bot must be a chat admin that
 * may post, the sender one of its chat admins); `/channels` lists what the sender
 * manages, each with Subscribe or Unsubscribe, Settings and Unlink — every
 * press checks again that the sender is a chat admin.
 */
export const channelsFeature = new Composer<BotContext>();
const inPrivate = channelsFeature.chatType("private");

inPrivate.command("channel", async (ctx) => {
  const arg = ctx.match.trim();
  const ref = arg ? parseChannelRef(arg) : undefined;
  if (ref === undefined) {
    await replyHtml(ctx, ctx.t("channels-usage"));
    return;
  }
  await linkChannel(ctx, ref, typeof ref === "string" ? ref : arg);
});

inPrivate.on("message:forward_origin:channel", async (ctx) => {
  const origin = ctx.msg.forward_origin;
  if (origin.type !== "channel") return;
  await linkChannel(ctx, origin.chat.id, origin.chat.title);
});

inPrivate.command("channels", async (ctx) => {
  const managed = await ctx.deps.chats.listManagedBy(ctx.from.id);
  if (managed.length === 0) {
    await replyHtml(ctx, ctx.t("channels-none"));
    return;
  }
  await replyHtml(ctx, ctx.t("channels-list-header", { count: managed.length }));
  for (const chat of managed) {
    await replyHtml(ctx, cardText(ctx, chat), cardKeyboard(ctx, chat, { unlink: true }));
  }
});

inPrivate.callbackQuery(/^chan:(sub|set|off|unlink):(-?\d{1,16})$/, async (ctx) => {
  const action = ctx.match[1] as Action;
  const chatId = Number(ctx.match[2]);
  const chat = await pressedChat(ctx, chatId, action);
  if (!chat) return;
  if (action === "sub") return subscribe(ctx, chat);
  if (action === "off") return unsubscribe(ctx, chat);
  if (action === "unlink") return unlink(ctx, chat, ctx.from.id);
  await ctx.answerCallbackQuery();
  await openSettings(ctx, chat.id);
});
