import { type Chat, defaultSettings } from "../../chats/chat.ts";
import type { SettingError } from "../../chats/settings.ts";
import type { BotContext } from "../context.ts";
import { canManageChat, isChatAdmin } from "../guards.ts";

/**
 * The ids of every menu in settings-menu.ts and topics-menu.ts: their buttons
 * carry the target chat id as payload, callback data
 * `<menu>/<row>/<col>/<chat id>/<fingerprint>` (read by keyboards/press-rules.ts).
 */
export const TARGET_MENU_IDS: ReadonlySet<string> = new Set([
  "set",
  "set-lang",
  "set-topics",
  "set-times",
  "set-tz",
  "set-items",
  "set-quiet",
  "set-news",
  "tp",
]);

const targets = new WeakMap<BotContext, number>();
const loaded = new WeakMap<BotContext, { id: number; chat: Chat | undefined }>();

/** Makes the menus sent or edited during this update act on `chatId`. */
export function setTarget(ctx: BotContext, chatId: number): void {
  if (targets.get(ctx) !== chatId) loaded.delete(ctx);
  targets.set(ctx, chatId);
}

/**
 * The chat the menus of this update act on: set explicitly (for a press, by
 * the press guard, from the chat id the button carries, after checking the
 * presser's rights), else, for a command, this chat. A press never falls
 * back to this chat: one whose target was not checked is a bug, not a default.
 */
export function targetOf(ctx: BotContext): number {
  const explicit = targets.get(ctx);
  if (explicit !== undefined) return explicit;
  if (ctx.callbackQuery) throw new Error("a menu press reached the menus without a checked target");
  const id = ctx.chat?.id;
  if (id === undefined) throw new Error("a settings menu needs a chat");
  return id;
}

/** The target's stored record, read once per update (and replaced by `remember` after a change). */
export async function storedTarget(ctx: BotContext): Promise<Chat | undefined> {
  const id = targetOf(ctx);
  const cached = loaded.get(ctx);
  if (cached?.id === id) return cached.chat;
  const chat = id === ctx.chat?.id ? ctx.chatRecord : await ctx.deps.chats.get(id);
  loaded.set(ctx, { id, chat });
  return chat;
}

/** The target as the menus show it: its record, or the settings a new chat would get. */
export async function shownTarget(ctx: BotContext): Promise<Chat> {
  const stored = await storedTarget(ctx);
  if (stored) return stored;
  const { defaultLanguage: lang, defaultTimezone: tz } = ctx.deps;
  const id = targetOf(ctx);
  const here = ctx.chat?.id === id ? ctx.chat : undefined;
  const title = here && "title" in here ? here.title : undefined;
  return {
    ...defaultSettings({ lang, tz }),
    id,
    kind: here?.type ?? "private",
    ...(title ? { title } : {}),
    status: "paused",
    cursor: 0,
    createdAt: 0,
    updatedAt: 0,
    managers: [],
  };
}

function remember(ctx: BotContext, chat: Chat): void {
  loaded.set(ctx, { id: chat.id, chat });
  if (chat.id === ctx.chat?.id) ctx.chatRecord = chat;
}

/**
 * Whether the user behind this update may change the target: in the chat
 * itself, guards.canManageChat (anyone in private, chat admins in a group); from
 * elsewhere, a manager the chat was linked by, or a chat admin of a group.
 */
export async function mayManageTarget(ctx: BotContext): Promise<boolean> {
  const id = targetOf(ctx);
  if (id === ctx.chat?.id) return canManageChat(ctx);
  const from = ctx.from;
  if (!from) return false;
  const chat = await storedTarget(ctx);
  if (!chat) return false;
  if (chat.managers.includes(from.id)) return true;
  if (chat.kind !== "group" && chat.kind !== "supergroup") return false;
  return isChatAdmin(ctx, id, from.id).catch(() => false);
}

/**
 * The target's record, created (not subscribed) when it is this chat and the
 * bot keeps nothing for it yet: a new private chat takes the user's language,
 * a new group the default one, which this update then speaks too. Undefined
 * for another chat the bot does not know.
 */
export async function ensureTarget(ctx: BotContext): Promise<Chat | undefined> {
  const stored = await storedTarget(ctx);
  const chat = ctx.chat;
  if (stored || !chat || chat.id !== targetOf(ctx)) return stored;
  const title = "title" in chat ? chat.title : undefined;
  let created = await ctx.deps.chats.ensure(chat.id, {
    kind: chat.type,
    ...(title ? { title } : {}),
  });
  if (chat.type === "private" && created.lang !== ctx.lang) {
    const updated = await ctx.deps.chats.updateSettings(chat.id, { lang: ctx.lang });
    if (updated.ok) created = updated.chat;
  }
  remember(ctx, created);
  if (created.lang !== ctx.lang) useLanguage(ctx, created.lang);
  return created;
}

/** Validates and stores a change of the target's settings; on success later renders show it. */
export async function changeTarget(
  ctx: BotContext,
  patch: Record<string, unknown>,
): Promise<{ ok: true; chat: Chat } | { ok: false; errors: SettingError[] }> {
  const before = await ensureTarget(ctx);
  if (!before) throw new Error(`chat ${targetOf(ctx)} is not known; it cannot be changed`);
  const result = await ctx.deps.chats.updateSettings(before.id, patch);
  if (!result.ok) return result;
  remember(ctx, result.chat);
  if (result.chat.id === ctx.chat?.id && result.chat.lang !== ctx.lang) {
    useLanguage(ctx, result.chat.lang);
  }
  return result;
}

function useLanguage(ctx: BotContext, lang: Chat["lang"]): void {
  ctx.lang = lang;
  ctx.i18n.useLocale(lang);
}
