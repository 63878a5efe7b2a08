import { type Article, articleLink } from "../articles/article.ts";
import type { RenderItem } from "./render.ts";

/** An article as render.ts shows it, on its own (no "also reported by"). */
export function toRenderItem(article: Article): RenderItem {
  return {
    title: article.title,
    url: articleLink(article),
    summary: article.summary,
    source: article.source,
    publishedAt: article.publishedAt,
    topics: article.topics,
    urgency: article.urgency,
  };
}
