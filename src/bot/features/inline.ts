import { Composer } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import { queryWords } from "../../articles/search-index.ts";
import { newsLanguages } from "../../chats/chat.ts";
import { formatMoment } from "../../digest/period.ts";
import { renderItem } from "../../digest/render.ts";
import { type Story, storyItem, topStories } from "../../digest/stories.ts";
import type { BotContext } from "../context.ts";
import { labelsFor } from "../reply-articles.ts";

/** Results offered for one inline query. */
export const INLINE_RESULTS = 20;
/** Articles read to fill INLINE_RESULTS stories once near-duplicates and other languages are left out. */
const INLINE_CANDIDATES = 100;
/** Seconds Telegram may reuse an answer; short, since news arrives all day. */
const INLINE_CACHE_SECONDS = 60;
/** The /start payload of the "nothing found" button: it opens the latest news in the bot's chat. */
const INLINE_EMPTY_START = "latest";

function resultOf(ctx: BotContext, story: Story, timeZone: string): InlineQueryResultArticle {
  const article = story.main;
  const labels = labelsFor(ctx);
  const date = formatMoment(article.publishedAt, {
    locale: labels.dateLocale,
    timeZone,
    reference: ctx.deps.clock(),
  });
  return {
    type: "article",
    id: article.id,
    title: article.title,
    description: `${article.source} · ${date}`,
    input_message_content: {
      message_text: renderItem(storyItem(story), { labels, timeZone }),
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    },
  };
}

/**
 * Inline mode: `@bot <words>` in any chat offers the newest stories whose
 * title and summary contain every word (as /search finds them), an empty
 * query the latest ones, each ready to send as the article's summary and link.
 */
export const inlineFeature = new Composer<BotContext>();

inlineFeature.on("inline_query", async (ctx) => {
  const query = ctx.inlineQuery.query.trim().replace(/\s+/g, " ");
  const { articles, chats, defaultTimezone } = ctx.deps;
  const [found, reader] = await Promise.all([
    queryWords(query).length === 0
      ? articles.latest(INLINE_CANDIDATES)
      : articles.search(query, INLINE_CANDIDATES),
    chats.get(ctx.inlineQuery.from.id),
  ]);
  // the reader's news languages, as chosen in their private chat (else their language plus English)
  const langs = newsLanguages({ lang: reader?.lang ?? ctx.lang, news: reader?.news });
  const stories = topStories(found, INLINE_RESULTS, { prefer: ctx.lang, langs });
  const timeZone = reader?.tz ?? defaultTimezone;
  const results = stories.map((story) => resultOf(ctx, story, timeZone));
  await ctx.answerInlineQuery(results, {
    cache_time: INLINE_CACHE_SECONDS,
    // the language, time zone and news languages are the reader's own
    is_personal: true,
    ...(results.length === 0
      ? { button: { text: ctx.t("inline-nothing"), start_parameter: INLINE_EMPTY_START } }
      : {}),
  });
});
