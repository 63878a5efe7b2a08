import { type Article, type ArticleInput, capTitle, SUMMARY_MAX_CHARS } from "./article.ts";

/** An article field that cannot be stored; the message names the field and what is allowed. */
export class InvalidArticleError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "InvalidArticleError";
  }
}

/** An article id as the store makes them (canonical-url.ts articleId). */
export const ARTICLE_ID = /^[0-9a-f]{16}$/;
const TOPIC_ID = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
const LANG_TAG = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export type Unchecked = Omit<ArticleInput, "url"> & { id: string; url: string; link?: string };

/** The article as it will be stored, or an InvalidArticleError naming the first bad field. */
export function checkArticle(input: Unchecked): Article {
  const title = capTitle(text(requireString("title", input.title)));
  if (title === "") throw new InvalidArticleError("title", "is empty");
  const summary = text(requireString("summary", input.summary));
  const summaryChars = [...summary].length;
  if (summaryChars > SUMMARY_MAX_CHARS) {
    throw new InvalidArticleError(
      "summary",
      `${summaryChars} characters, at most ${SUMMARY_MAX_CHARS}`,
    );
  }
  const source = text(requireString("source", input.source));
  if (source === "") throw new InvalidArticleError("source", "is empty: name the publisher");
  if (typeof input.publishedAt !== "number" || !Number.isFinite(input.publishedAt)) {
    throw new InvalidArticleError(
      "publishedAt",
      `${String(input.publishedAt)} is not a time in ms since the epoch`,
    );
  }
  const topics = checkTopics(input.topics ?? []);
  const urgency = input.urgency ?? "normal";
  if (urgency !== "normal" && urgency !== "flash") {
    throw new InvalidArticleError("urgency", `${JSON.stringify(urgency)} is not normal or flash`);
  }
  const lang = input.lang ?? "en";
  if (typeof lang !== "string" || !LANG_TAG.test(lang)) {
    throw new InvalidArticleError(
      "lang",
      `${JSON.stringify(lang)} is not a language code such as en or uk`,
    );
  }
  const article: Article = {
    id: input.id,
    url: input.url,
    title,
    summary,
    source,
    publishedAt: input.publishedAt,
    topics,
    urgency,
    lang,
  };
  if (input.link !== undefined) article.link = input.link;
  const author = input.author === undefined ? "" : text(requireString("author", input.author));
  if (author !== "") article.author = author;
  const cluster = input.cluster === undefined ? "" : text(requireString("cluster", input.cluster));
  if (cluster !== "") article.cluster = cluster;
  return article;
}

function checkTopics(topics: unknown): string[] {
  if (!Array.isArray(topics))
    throw new InvalidArticleError("topics", "must be a list of topic ids");
  for (const topic of topics) {
    if (typeof topic !== "string" || !TOPIC_ID.test(topic)) {
      throw new InvalidArticleError(
        "topics",
        `${JSON.stringify(topic)} is not a topic id (lower-case letters, digits and "-", such as north-korea)`,
      );
    }
  }
  return [...new Set(topics as string[])];
}

export function requireString(field: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new InvalidArticleError(
      field,
      `must be text, got ${value === null ? "null" : typeof value}`,
    );
  }
  return value;
}

function text(value: string): string {
  return value.replace(LONE_SURROGATE, "\uFFFD").trim();
}
