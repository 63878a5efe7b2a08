import { newsLanguages } from "../chats/chat.ts";
import { sentMessagesOn } from "../corrections/sent-messages.ts";
import { renderLabels } from "../digest/labels.ts";
import { type RenderLabels, renderDigest } from "../digest/render.ts";
import { type Story, type StoryListOptions, storyItem } from "../digest/stories.ts";
import type { BotContext } from "./context.ts";

/** The words render.ts needs, in the language of this update. */
export function labelsFor(ctx: BotContext): RenderLabels {
  return renderLabels((_lang, key, vars) => ctx.t(key, vars), ctx.lang, ctx.deps.topics);
}

/**
 * How lists in this chat group and filter stories: only the news languages
 * the chat chose (by default its language plus English), a report in the
 * reader's language leading its story.
 */
export function storyOptionsFor(ctx: BotContext): StoryListOptions {
  const news = ctx.chatRecord?.news;
  return { prefer: ctx.lang, langs: newsLanguages({ lang: ctx.lang, ...(news ? { news } : {}) }) };
}

/** The time zone a list's dates are shown in: the chat's, else the bot's default. */
export function timeZoneOf(ctx: BotContext): string {
  return ctx.chatRecord?.tz ?? ctx.deps.defaultTimezone;
}

/**
 * Stories as Telegram HTML, each once with the other outlets named under it,
 * in as few messages as fit (usually one), in this reader's language.
 */
export function renderStories(ctx: BotContext, stories: Story[], header: string): string[] {
  return renderDigest(stories.map(storyItem), {
    labels: labelsFor(ctx),
    timeZone: timeZoneOf(ctx),
    header,
  });
}

/** Sends stories (renderStories), link previews off so the list stays compact. */
export async function replyWithStories(
  ctx: BotContext,
  stories: Story[],
  header: string,
): Promise<void> {
  for (const part of renderStories(ctx, stories, header)) {
    await replyRecorded(ctx, part, { link_preview_options: { is_disabled: true } });
  }
}

/**
 * Replies with a part of a list of articles (Telegram HTML) and records the
 * message as the delivery worker records its own (corrections/sent-messages.ts),
 * so an editor's /edit or /withdraw within 48 hours edits this answer too.
 */
export async function replyRecorded(
  ctx: BotContext,
  html: string,
  options: ReplyOptions = {},
): Promise<void> {
  const message = await ctx.reply(html, { ...options, parse_mode: "HTML" });
  await sentMessagesOn(ctx.deps.redis, ctx.deps.keys)
    .record(message.chat.id, message.message_id, html, ctx.deps.clock())
    .catch((err: unknown) => ctx.log.warn({ err }, "answer not recorded for corrections"));
}

type ReplyOptions = Omit<NonNullable<Parameters<BotContext["reply"]>[1]>, "parse_mode">;
