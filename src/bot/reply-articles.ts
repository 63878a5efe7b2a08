import type { Article } from "../articles/article.ts";
import { toRenderItem } from "../digest/article-item.ts";
import { renderLabels } from "../digest/labels.ts";
import { type RenderLabels, renderDigest } from "../digest/render.ts";
import type { BotContext } from "./context.ts";

/** The words render.ts needs, in the language of this update. */
export function labelsFor(ctx: BotContext): RenderLabels {
  return renderLabels((_lang, key, vars) => ctx.t(key, vars), ctx.lang, ctx.deps.topics);
}

/**
 * Sends articles as Telegram HTML, in as few messages as fit (usually one),
 * link previews off so the list stays compact.
 */
export async function replyWithArticles(
  ctx: BotContext,
  articles: Article[],
  header: string,
): Promise<void> {
  const parts = renderDigest(articles.map(toRenderItem), {
    labels: labelsFor(ctx),
    timeZone: ctx.chatRecord?.tz ?? ctx.deps.defaultTimezone,
    header,
  });
  for (const part of parts) {
    await ctx.reply(part, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
  }
}
