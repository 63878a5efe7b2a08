import { Composer } from "grammy";
import type { Chat } from "../../chats/chat.ts";
import { type ComposeDeps, composeDigest, composeNothingNew } from "../../digest/compose.ts";
import { TELEGRAM_MAX_LENGTH } from "../../digest/render.ts";
import { withoutFlashed } from "../../digest/without-flashed.ts";
import { ensureChatRecord } from "../chat-record.ts";
import type { BotContext } from "../context.ts";
import { replyRecorded } from "../reply-articles.ts";

type AskingContext = BotContext & { chat: NonNullable<BotContext["chat"]> };

function composeDeps(ctx: BotContext, chatId: number): ComposeDeps {
  const { articles, redis, keys } = ctx.deps;
  return {
    // a flash already pushed to this chat is not repeated in its digest
    articles: withoutFlashed(articles, redis, keys, chatId),
    topics: ctx.deps.topics,
    // ctx.t speaks ctx.lang, and the digest is composed in ctx.lang.
    translate: (_lang, key, vars) => ctx.t(key, vars),
  };
}

/** A link members of the group can open to the forum topic `threadId`. */
function topicLink(chatId: number, threadId: number): string {
  const internal = String(chatId).replace(/^-100/, "");
  return `https://t.me/c/${internal}/${threadId}`;
}

/**
 * Where the reply goes and whether it is the chat's digest. A forum group's
 * digest lives in the topic it was subscribed from (`threadId`): asked
 * there, or in the General topic, the reply goes there and is the digest;
 * asked in another topic, the reply stays in that topic and is only a look
 * at what the digest will bring — the cursor belongs to the digest topic,
 * so the next digest there (scheduled or asked for) still brings it all.
 */
function placeOf(ctx: AskingContext, record: Chat) {
  const askedIn = ctx.msg?.is_topic_message ? ctx.msg.message_thread_id : undefined;
  const home = record.threadId;
  if (home === undefined || askedIn === undefined || askedIn === home) {
    return { thread: home === undefined ? {} : { message_thread_id: home }, isDigest: true };
  }
  return { thread: { message_thread_id: askedIn }, isDigest: false, home };
}

/**
 * `/digest`: everything new since the chat's last digest, in as many messages
 * as it takes, then the cursor moves — only once every part was sent, so a
 * failed send repeats the digest instead of losing it. In a group anyone may
 * ask, and the group's cursor moves for everyone: the group saw the digest.
 * In a forum group the digest is the one of its digest topic (placeOf): from
 * another topic, members see the same stories there, with a link to the
 * digest topic, and the cursor stays.
 */
export const digestFeature = new Composer<BotContext>();

digestFeature.chatType(["private", "group", "supergroup"]).command("digest", async (ctx) => {
  const record = await ensureChatRecord(ctx);
  const chat = { ...record, lang: ctx.lang };
  const deps = composeDeps(ctx, record.id);
  const now = ctx.deps.clock();
  const place = placeOf(ctx, record);
  const digest = await composeDigest(chat, deps, { now });
  if (!digest) {
    await ctx.reply(await composeNothingNew(chat, deps, { now }), {
      parse_mode: "HTML",
      ...place.thread,
    });
    return;
  }
  const parts = [...digest.parts];
  if (place.home !== undefined) {
    const note = ctx.t("digest-elsewhere", { link: topicLink(record.id, place.home) });
    const last = parts.length - 1;
    const fits = `${parts[last]}\n\n${note}`.length <= TELEGRAM_MAX_LENGTH;
    if (fits) parts[last] = `${parts[last]}\n\n${note}`;
    else parts.push(note);
  }
  for (const part of parts) {
    await replyRecorded(ctx, part, {
      link_preview_options: { is_disabled: !chat.previews },
      ...place.thread,
    });
  }
  if (!place.isDigest) {
    ctx.log.info({ items: digest.itemCount, topic: place.home }, "digest shown outside its topic");
    return;
  }
  await ctx.deps.chats.setCursor(chat.id, digest.cursor, now, digest.lateFrom);
  ctx.log.info(
    { items: digest.itemCount, more: digest.more, cursor: digest.cursor },
    "digest sent on request",
  );
});
