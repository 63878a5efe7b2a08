import { Composer } from "grammy";
import { LatestCache } from "../../digest/latest-cache.ts";
import { latestStories } from "../../digest/stories.ts";
import type { BotContext, BotDeps } from "../context.ts";
import { renderStories, replyRecorded, storyOptionsFor, timeZoneOf } from "../reply-articles.ts";

export const LATEST_DEFAULT = 3;
const LATEST_MAX = 10;

/** `"" → 3`, `"5" → 5`; anything else (words, 0, 11+) → undefined. */
function parseLatestCount(arg: string): number | undefined {
  const text = arg.trim();
  if (text === "") return LATEST_DEFAULT;
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= LATEST_MAX ? n : undefined;
}

/** What /latest says to everyone asking the same question: the messages, ready to send. */
export interface LatestAnswer {
  texts: string[];
  /** the texts are Telegram HTML (a list of stories), not plain (nothing to show) */
  html: boolean;
}

const caches = new WeakMap<BotDeps, LatestCache<LatestAnswer>>();

/** The /latest answers of one bot (one set of deps), built once per question until an article changes. */
export function latestCacheFor(deps: BotDeps): LatestCache<LatestAnswer> {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new LatestCache(deps.redis, deps.keys, { clock: deps.clock });
    caches.set(deps, cache);
  }
  return cache;
}

/**
 * Everything the answer depends on: the reader's language (labels, the
 * preferred lead), news languages, count, topic and time zone (dates).
 */
function questionKey(ctx: BotContext, count: number, topic: string | undefined): string {
  const langs = [...(storyOptionsFor(ctx).langs ?? [])].sort().join(",");
  return JSON.stringify([ctx.lang, langs, count, topic ?? "", timeZoneOf(ctx)]);
}

async function buildAnswer(
  ctx: BotContext,
  count: number,
  topic: string | undefined,
): Promise<LatestAnswer> {
  const { articles, topics } = ctx.deps;
  const stories = await latestStories(articles, count, {
    ...storyOptionsFor(ctx),
    ...(topic ? { topics: [topic] } : {}),
  });
  const name = topic ? (topics.find((t) => t.id === topic)?.name[ctx.lang] ?? topic) : "";
  if (stories.length === 0) {
    const empty = topic ? ctx.t("latest-topic-empty", { topic: name }) : ctx.t("latest-empty");
    return { texts: [empty], html: false };
  }
  const header = topic ? ctx.t("latest-topic-header", { topic: name }) : ctx.t("latest-header");
  return { texts: renderStories(ctx, stories, header), html: true };
}

/**
 * Shows the newest stories (each once, other outlets named), optionally
 * within one topic, link previews off so the list stays compact. The
 * messages come from the cache (latest-cache.ts) when anyone asked the same
 * since the articles last changed.
 */
export async function showLatest(ctx: BotContext, count: number, topic?: string): Promise<void> {
  const answer = await latestCacheFor(ctx.deps).get(questionKey(ctx, count, topic), () =>
    buildAnswer(ctx, count, topic),
  );
  const options = { link_preview_options: { is_disabled: true } };
  for (const text of answer.texts) {
    // a list of stories is recorded, so an editor's /edit or /withdraw follows it
    if (answer.html) await replyRecorded(ctx, text, options);
    else await ctx.reply(text);
  }
}

export const latestFeature = new Composer<BotContext>();

latestFeature.command("latest", async (ctx) => {
  const count = parseLatestCount(ctx.match);
  if (count === undefined) {
    await ctx.reply(ctx.t("latest-usage", { default: LATEST_DEFAULT }));
    return;
  }
  await showLatest(ctx, count);
});

latestFeature.callbackQuery("latest", async (ctx) => {
  await ctx.answerCallbackQuery();
  await showLatest(ctx, LATEST_DEFAULT);
});
