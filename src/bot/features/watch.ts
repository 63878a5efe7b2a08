import { createHash } from "node:crypto";
import { Composer, InlineKeyboard } from "grammy";
import { escapeHtml } from "../../telegram/helpers.ts";
import { createWatchStore, type WatchStore } from "../../watches/watch-store.ts";
import { MAX_WATCH_WORDS, MAX_WATCHES, parseWatch } from "../../watches/watch-words.ts";
import { ensureChatRecord } from "../chat-record.ts";
import type { BotContext } from "../context.ts";
import { canManageChat, isChatAdmin } from "../guards.ts";

const REMOVE = /^watch-rm:(-?\d+):([0-9a-f]{8})$/;

function store(ctx: BotContext): WatchStore {
  return createWatchStore(ctx.deps.redis, ctx.deps.keys);
}

/** A phrase's short fingerprint, so a remove button names its watch within 64 bytes of callback data. */
function tag(phrase: string): string {
  return createHash("sha1").update(phrase).digest("hex").slice(0, 8);
}

async function watchList(
  ctx: BotContext,
  chatId: number,
): Promise<{ text: string; reply_markup?: InlineKeyboard }> {
  const phrases = await store(ctx).list(chatId);
  if (phrases.length === 0) return { text: ctx.t("watches-none") };
  const keyboard = new InlineKeyboard();
  for (const phrase of phrases)
    keyboard.text(`✖ ${phrase}`, `watch-rm:${chatId}:${tag(phrase)}`).row();
  const text = ctx.t("watches-title", { count: phrases.length, max: MAX_WATCHES });
  return { text, reply_markup: keyboard };
}

/**
 * `/watch <words>`, `/watches`, `/unwatch <words>`: a chat follows up to
 * MAX_WATCHES sets of words, and a new article holding all the words of one
 * comes to the chat soon after it arrives (watches/, delivery/watch-delivery.ts).
 * Anyone in a private chat; in groups only admins add or remove.
 */
export const watchFeature = new Composer<BotContext>();
const chats = watchFeature.chatType(["private", "group", "supergroup"]);

chats.command("watch", async (ctx) => {
  if (!(await canManageChat(ctx))) {
    await ctx.reply(ctx.t("watch-only-admins"));
    return;
  }
  const parsed = parseWatch(ctx.match);
  if (!parsed.ok) {
    const key = parsed.reason === "no-words" ? "watch-usage" : "watch-too-many-words";
    await ctx.reply(ctx.t(key, { max: MAX_WATCH_WORDS }), { parse_mode: "HTML" });
    return;
  }
  await ensureChatRecord(ctx);
  const { phrase } = parsed.watch;
  const added = await store(ctx).add(ctx.chat.id, parsed.watch);
  const words = escapeHtml(phrase);
  if (added === "limit") {
    await ctx.reply(ctx.t("watch-limit", { max: MAX_WATCHES }));
  } else if (added === "exists") {
    await ctx.reply(ctx.t("watch-exists", { words }), { parse_mode: "HTML" });
  } else {
    const count = (await store(ctx).list(ctx.chat.id)).length;
    await ctx.reply(ctx.t("watch-added", { words, count, max: MAX_WATCHES }), {
      parse_mode: "HTML",
    });
  }
});

chats.command("watches", async (ctx) => {
  const { text, reply_markup } = await watchList(ctx, ctx.chat.id);
  await ctx.reply(text, reply_markup ? { reply_markup } : {});
});

chats.command("unwatch", async (ctx) => {
  if (!(await canManageChat(ctx))) {
    await ctx.reply(ctx.t("watch-only-admins"));
    return;
  }
  const parsed = parseWatch(ctx.match);
  if (!parsed.ok) {
    await ctx.reply(ctx.t("unwatch-usage"));
    return;
  }
  const words = escapeHtml(parsed.watch.phrase);
  const removed = await store(ctx).remove(ctx.chat.id, parsed.watch.phrase);
  await ctx.reply(ctx.t(removed ? "watch-removed" : "watch-not-found", { words }), {
    parse_mode: "HTML",
  });
});

watchFeature.callbackQuery(REMOVE, async (ctx) => {
  const [, chatText, wanted] = ctx.match;
  const chatId = Number(chatText);
  const from = ctx.from.id;
  // the chat comes from the data; the presser's rights are checked for that chat
  const allowed =
    chatId > 0 ? chatId === from : await isChatAdmin(ctx, chatId, from).catch(() => false);
  if (!allowed) {
    await ctx.answerCallbackQuery({ text: ctx.t("watch-only-admins"), show_alert: true });
    return;
  }
  const watches = store(ctx);
  const phrase = (await watches.list(chatId)).find((p) => tag(p) === wanted);
  if (phrase !== undefined) await watches.remove(chatId, phrase);
  await ctx.answerCallbackQuery({
    text:
      phrase === undefined
        ? ctx.t("watch-remove-gone")
        : ctx.t("watch-removed-short", { words: phrase }),
  });
  const { text, reply_markup } = await watchList(ctx, chatId);
  await ctx.editMessageText(text, reply_markup ? { reply_markup } : {}).catch(() => undefined);
});
