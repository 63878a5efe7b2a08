import type { Article } from "../../articles/article.ts";
import { InvalidUrlError, publisherUrl } from "../../articles/canonical-url.ts";
import { summarizeExtractive } from "../../articles/extractive.ts";
import { summarize } from "../../articles/summarize.ts";
import { toRenderItem } from "../../digest/article-item.ts";
import { renderLabels } from "../../digest/labels.ts";
import { renderItem } from "../../digest/render.ts";
import type { Source } from "../../feeds/sources.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import type { ConversationContext } from "./kit.ts";

const INPUT_SHOWN_CHARS = 80;

/** Length in characters as a reader counts them (code points). */
export function charCount(text: string): number {
  return [...text].length;
}

/** Text as stored: whitespace runs (line breaks included) become one space, ends trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `text` cut to `max` characters with "…", HTML-escaped, for echoing what someone typed. */
export function shownInput(text: string, max = INPUT_SHOWN_CHARS): string {
  const chars = [...oneLine(text)];
  return escapeHtml(chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join(""));
}

/**
 * The article as readers get it: renderItem with the digest labels in this
 * update's language and the bot's default time zone, exactly as /latest
 * shows it (a digest dates it in its chat's zone).
 */
export function articleHtml(
  c: ConversationContext | BotContext,
  article: Omit<Article, "id">,
): string {
  const labels = renderLabels((_lang, key, vars) => c.t(key, vars), c.lang, c.deps.topics);
  return renderItem(toRenderItem({ ...article, id: "" }), {
    labels,
    timeZone: c.deps.defaultTimezone,
  });
}

/**
 * An article link an editor typed, as the publisher wrote it (tracking
 * parameters dropped, see publisherUrl), or undefined when it
 * is not an http(s) link. A link without a scheme ("example.org/news/1") is
 * read as https.
 */
export function parseArticleLink(text: string): string | undefined {
  const trimmed = text
    .trim()
    .replace(/^<(.*)>$/s, "$1")
    .trim();
  const withScheme =
    !/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && /^[\w-]+(\.[\w-]+)+(\/|$)/.test(trimmed)
      ? `https://${trimmed}`
      : trimmed;
  try {
    return publisherUrl(withScheme);
  } catch (err) {
    if (err instanceof InvalidUrlError) return undefined;
    throw err;
  }
}

function bareHost(url: string): string {
  return new URL(url).hostname.replace(/^www\./, "");
}

/**
 * The source names to offer for a link: the known outlets (sources.json)
 * whose site or feed is on the link's host, then the host itself, e.g.
 * "euromaidanpress.com".
 */
export function sourceChoices(link: string, sources: readonly Source[]): string[] {
  const host = bareHost(link);
  const known = sources
    .filter((s) => [s.homepage, s.url].some((u) => u !== undefined && bareHost(u) === host))
    .map((s) => s.name);
  return [...new Set([...known, host])];
}

/** The language of an editor's title: Ukrainian when it is written in Cyrillic, else English. */
export function languageOfTitle(title: string): string {
  return /\p{Script=Cyrillic}/u.test(title) ? "uk" : "en";
}

/** A summary of pasted article text: the extractive summariser, else the lead sentences. */
export function summarizePasted(text: string, title: string): string {
  return summarizeExtractive(text, { title }) || summarize(text);
}
