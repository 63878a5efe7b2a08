import type { Article } from "./article.ts";

/** The fields an editor or a later pass may change; `cluster: undefined` takes the article out of its cluster. */
export type ArticlePatch = Partial<
  Pick<Article, "title" | "summary" | "link" | "topics" | "urgency" | "cluster">
>;

/** The article with `patch` applied (not yet checked). */
export function applyPatch(article: Article, patch: ArticlePatch): Article {
  const next: Article = { ...article };
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.summary !== undefined) next.summary = patch.summary;
  if (patch.link !== undefined) next.link = patch.link;
  if (patch.topics !== undefined) next.topics = patch.topics;
  if (patch.urgency !== undefined) next.urgency = patch.urgency;
  if ("cluster" in patch) {
    if (patch.cluster === undefined) delete next.cluster;
    else next.cluster = patch.cluster;
  }
  return next;
}

/** The hash fields of article:{id}. */
export function encode(article: Article): Record<string, string> {
  const fields: Record<string, string> = {
    url: article.url,
    title: article.title,
    summary: article.summary,
    source: article.source,
    publishedAt: String(article.publishedAt),
    topics: article.topics.join(","),
    urgency: article.urgency,
    lang: article.lang,
  };
  if (article.link !== undefined) fields.link = article.link;
  if (article.author !== undefined) fields.author = article.author;
  if (article.cluster !== undefined) fields.cluster = article.cluster;
  return fields;
}

export function decode(id: string, fields: Record<string, string>): Article {
  const article: Article = {
    id,
    url: fields.url ?? "",
    title: fields.title ?? "",
    summary: fields.summary ?? "",
    source: fields.source ?? "",
    publishedAt: Number(fields.publishedAt),
    topics: fields.topics ? fields.topics.split(",") : [],
    urgency: fields.urgency === "flash" ? "flash" : "normal",
    lang: fields.lang || "en",
  };
  if (fields.link) article.link = fields.link;
  if (fields.author) article.author = fields.author;
  if (fields.cluster) article.cluster = fields.cluster;
  return article;
}

export function sameFields(a: Record<string, string>, b: Record<string, string>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

export function isEmpty(fields: Record<string, string>): boolean {
  return Object.keys(fields).length === 0;
}
