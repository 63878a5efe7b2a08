import { Composer } from "grammy";
import { queryProblem } from "../../articles/search-index.ts";
import { topStories } from "../../digest/stories.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import { replyWithStories, storyOptionsFor } from "../reply-articles.ts";

const SEARCH_RESULTS = 5;
/** Matches read per story shown, so several outlets' reports of one story still leave five stories. */
const MATCHES_PER_STORY = 4;
const QUERY_SHOWN_CHARS = 80;
const LONG_WORD_SHOWN_CHARS = 20;

function shown(words: string): string {
  const chars = [...words];
  const text =
    chars.length > QUERY_SHOWN_CHARS ? `${chars.slice(0, QUERY_SHOWN_CHARS).join("")}…` : words;
  return escapeHtml(text);
}

/** `/search <words>`: the newest stories whose title and summary contain every word, each once. */
export const searchFeature = new Composer<BotContext>();

searchFeature.chatType(["private", "group", "supergroup"]).command("search", async (ctx) => {
  const words = ctx.match.trim().replace(/\s+/g, " ");
  const problem = queryProblem(words);
  if (problem?.kind === "no-words") {
    await ctx.reply(ctx.t("search-usage"));
    return;
  }
  if (problem?.kind === "word-too-long") {
    const start = [...problem.word].slice(0, LONG_WORD_SHOWN_CHARS).join("");
    await ctx.reply(
      ctx.t("search-word-too-long", {
        word: `${start}…`,
        length: problem.length,
        max: problem.maxChars,
      }),
    );
    return;
  }
  const matches = await ctx.deps.articles.search(words, SEARCH_RESULTS * MATCHES_PER_STORY);
  const found = topStories(matches, SEARCH_RESULTS, storyOptionsFor(ctx));
  if (found.length === 0) {
    await ctx.reply(ctx.t("search-nothing", { words: shown(words) }), { parse_mode: "HTML" });
    return;
  }
  await replyWithStories(ctx, found, ctx.t("search-header", { words: shown(words) }));
});
