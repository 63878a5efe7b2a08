import { codePoints, cutAtWord } from "./text-cut.ts";

/** How urgent an article is: a flash is pushed at once to chats with flash alerts on. */
export type Urgency = "normal" | "flash";

/**
 * One news item as the bot keeps it: facts and a short summary in our own
 * words, never the article's text.
 */
export interface Article {
  /** stable id derived from the canonical URL (see canonical-url.ts) */
  id: string;
  /** canonical URL: the article's identity, for de-duplication and ids, never shown */
  url: string;
  /**
   * The link as the publisher gave it (publisherUrl: tracking parameters
   * dropped, nothing else changed), for readers; absent only for articles
   * stored before links were kept. Read it through articleLink().
   */
  link?: string;
  /** at most TITLE_MAX_CHARS characters */
  title: string;
  /** at most 500 characters */
  summary: string;
  /** publisher name, e.g. "Euromaidan Press" */
  source: string;
  author?: string;
  /** publication time, ms since epoch */
  publishedAt: number;
  /** topic ids from content/topics.json */
  topics: string[];
  urgency: Urgency;
  /** language of title and summary, e.g. "en" */
  lang: string;
  /** id of the near-duplicate cluster this article belongs to, when grouped */
  cluster?: string;
}

/** The link to show a reader: the publisher's spelling, else the canonical URL. */
export function articleLink(article: Pick<Article, "url" | "link">): string {
  return article.link ?? article.url;
}

/**
 * What a caller supplies to ArticleStore.put: `url` as the publisher gave
 * it; the id, the canonical URL and the shown link are derived from it.
 */
export type ArticleInput = Omit<Article, "id" | "url" | "link" | "urgency" | "lang" | "topics"> & {
  url: string;
  urgency?: Urgency;
  lang?: string;
  topics?: string[];
};

export const SUMMARY_MAX_CHARS = 500;

/**
 * Longest title kept or shown, in code points: a headline, never a whole
 * message. Editors and content files are held to it, so nothing they give is
 * cut; a feed's longer title is cut (capTitle).
 */
export const TITLE_MAX_CHARS = 250;

/** Longest outlet or author name an editor or a content file may give, in code points. */
export const SOURCE_MAX_CHARS = 100;

/**
 * `title` as the bot keeps and shows it: unchanged when it has at most
 * `maxChars` code points, else cut at the last word that fits, with "…"
 * (a single longer word is cut inside it, never inside a surrogate pair).
 */
export function capTitle(title: string, maxChars = TITLE_MAX_CHARS): string {
  return codePoints(title) <= maxChars ? title : cutAtWord(title, maxChars);
}
