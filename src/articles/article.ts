/** How urgent an article is: a flash is pushed at once to chats with flash alerts on. */
export type Urgency = "normal" | "flash";

/**
 * One news item as the bot keeps it: facts and a short summary in our own
 * words, never the article's text.
 */
export interface Article {
  /** stable id derived from the canonical URL (see canonical-url.ts) */
  id: string;
  /** canonical URL */
  url: string;
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

/** What a caller supplies to ArticleStore.put: the id and canonical URL are derived. */
export type ArticleInput = Omit<Article, "id" | "url" | "urgency" | "lang" | "topics"> & {
  url: string;
  urgency?: Urgency;
  lang?: string;
  topics?: string[];
};

export const SUMMARY_MAX_CHARS = 500;
