import { type ArticleInput, capTitle, SUMMARY_MAX_CHARS } from "../articles/article.ts";
import { summarizeSentences } from "../articles/extractive.ts";
import { splitSentences } from "../articles/sentences.ts";
import type { Tagger } from "../articles/tagger.ts";
import { htmlToText } from "./extract-text.ts";
import type { FeedItem } from "./parse-feed.ts";
import type { Source } from "./sources.ts";

const FEED_SUMMARY_MAX_SENTENCES = 3;
const AUTHOR_MAX_CHARS = 200;

/** WordPress's footer in feed excerpts: "The post <title> appeared first on <site>." */
const POST_APPEARED_FIRST = /\s*The post\s[\s\S]{1,400}?\sappeared first on\s[^\n]{1,200}$/u;
/**
 * What feeds put where they cut an excerpt short. The word end is a lookahead
 * for a letter, not `\b`, which knows only ASCII letters and so never matches
 * after "далі".
 */
const CUT_MARK =
  /\s*(?:\[\s*(?:…|\.\.\.|&hellip;)\s*\]|(?:continue reading|read more|читати далі|читать далее)(?![\p{L}\p{N}])[^\n]{0,120}|…|\.\.\.)\s*$/iu;
/** A cut mark is looked for only this near the end, so long bodies cost nothing extra. */
const TAIL_CHARS = 200;
const SENTENCE_END = /[.!?…。]["”»’)\]]*$/u;

export interface ItemContext {
  source: Pick<Source, "name" | "lang">;
  tagger: Tagger;
  /** when the feed was fetched, ms; an item without a date (or dated later) gets this time */
  fetchedAt: number;
}

/**
 * The plain text of an item to summarize: the full body (content:encoded,
 * Atom content) when the feed carries one, else the description, as text
 * without boilerplate. A teaser cut short by the publisher ("[…]", "Read
 * more", "The post … appeared first on …") loses its unfinished last
 * sentence when a whole one precedes it, so a summary never ends mid-sentence.
 */
export function itemSentences(item: FeedItem): string[] {
  const body = item.html?.trim() ? item.html : item.description;
  if (!body) return [];
  let text = htmlToText(body);
  if (text.includes("appeared first on")) text = text.replace(POST_APPEARED_FIRST, "");
  const tailAt = Math.max(0, text.length - TAIL_CHARS);
  const tail = text.slice(tailAt).replace(CUT_MARK, "");
  const cut = tail.length < text.length - tailAt;
  const sentences = splitSentences(text.slice(0, tailAt) + tail);
  const last = sentences.at(-1);
  if (cut && last !== undefined) {
    if (sentences.length > 1) sentences.pop();
    else if (!SENTENCE_END.test(last)) sentences[0] = `${last}…`;
  }
  return sentences;
}

/**
 * A feed item as an article to store, in the source's name and language:
 * a summary of 2–3 whole sentences (at most 500 characters) picked by the
 * extractive summarizer, topics tagged over the title and the whole text,
 * and a publication time that is never later than the fetch. The summary is
 * empty when the item carries no text. Undefined when the item lacks a link
 * or a title.
 */
export function itemToArticle(item: FeedItem, context: ItemContext): ArticleInput | undefined {
  const title = item.title?.trim();
  if (!item.url || !title) return undefined;
  const sentences = itemSentences(item);
  const summary = summarizeSentences(sentences, {
    maxChars: SUMMARY_MAX_CHARS,
    maxSentences: FEED_SUMMARY_MAX_SENTENCES,
    title,
  });
  const input: ArticleInput = {
    url: item.url,
    title: capTitle(title),
    summary,
    source: context.source.name,
    lang: context.source.lang,
    publishedAt: clampPublishedAt(item.publishedAt, context.fetchedAt),
    topics: context.tagger.tag(`${title}\n${sentences.join("\n")}`),
  };
  const author = item.author?.replace(/\s+/g, " ").trim().slice(0, AUTHOR_MAX_CHARS);
  if (author) input.author = author;
  return input;
}

/** The item's date, or the fetch time when it has none or claims a time still to come. */
export function clampPublishedAt(publishedAt: number | undefined, fetchedAt: number): number {
  return publishedAt !== undefined && Number.isFinite(publishedAt)
    ? Math.min(publishedAt, fetchedAt)
    : fetchedAt;
}
