import { Composer } from "grammy";
import type { Chat } from "../../chats/chat.ts";
import { type ComposeDeps, composeDigest, composeNothingNew } from "../../digest/compose.ts";
import { withoutFlashed } from "../../digest/without-flashed.ts";
import type { BotContext } from "../context.ts";

type AskingContext = BotContext & { chat: NonNullable<BotContext["chat"]> };

/** The chat's record; a chat the bot keeps nothing for gets one, not subscribed. */
async function chatRecordFor(ctx: AskingContext): Promise<Chat> {
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

/**
 * `/digest`: everything new since the chat's last digest, in as many messages
 * as it takes, then the cursor moves — only once every part was sent, so a
 * failed send repeats the digest instead of losing it. In a group anyone may
 * ask, and the group's cursor moves for everyone: the group saw the digest.
 * The answer goes to the forum topic it was asked in, else the chat's
 * digest topic.
 */
export const digestFeature = new Composer<BotContext>();

digestFeature.chatType(["private", "group", "supergroup"]).command("digest", async (ctx) => {
  const record = await chatRecordFor(ctx);
  const chat = { ...record, lang: ctx.lang };
  const deps = composeDeps(ctx, record.id);
  const now = ctx.deps.now();
  const thread =
    ctx.msg.is_topic_message || record.threadId === undefined
      ? {}
      : { message_thread_id: record.threadId };
  const digest = await composeDigest(chat, deps, { now });
  if (!digest) {
    await ctx.reply(await composeNothingNew(chat, deps, { now }), {
      parse_mode: "HTML",
      ...thread,
    });
    return;
  }
  for (const part of digest.parts) {
    await ctx.reply(part, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: !chat.previews },
      ...thread,
    });
  }
  await ctx.deps.chats.setCursor(chat.id, digest.cursor, now, digest.lateFrom);
  ctx.log.info(
    { items: digest.itemCount, more: digest.more, cursor: digest.cursor },
    "digest sent on request",
  );
});
