import { Composer } from "grammy";
import { latestStories } from "../../digest/stories.ts";
import type { BotContext } from "../context.ts";
import { replyWithStories, storyOptionsFor } from "../reply-articles.ts";

export const LATEST_DEFAULT = 3;
export const LATEST_MAX = 10;

/** `"" → 3`, `"5" → 5`; anything else (words, 0, 11+) → undefined. */
export function parseLatestCount(arg: string): number | undefined {
  const text = arg.trim();
  if (text === "") return LATEST_DEFAULT;
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= LATEST_MAX ? n : undefined;
}

/** Shows the newest stories (each once, other outlets named), optionally within one topic. */
export async function showLatest(ctx: BotContext, count: number, topic?: string): Promise<void> {
  const { articles, topics } = ctx.deps;
  const items = await latestStories(articles, count, {
    ...storyOptionsFor(ctx),
    ...(topic ? { topics: [topic] } : {}),
  });
  const name = topic ? (topics.find((t) => t.id === topic)?.name[ctx.lang] ?? topic) : "";
  if (items.length === 0) {
    await ctx.reply(topic ? ctx.t("latest-topic-empty", { topic: name }) : ctx.t("latest-empty"));
    return;
  }
  const header = topic ? ctx.t("latest-topic-header", { topic: name }) : ctx.t("latest-header");
  await replyWithStories(ctx, items, header);
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
