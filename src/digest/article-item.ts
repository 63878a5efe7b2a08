import type { Article } from "../articles/article.ts";
import type { RenderItem } from "./render.ts";
import { storyItem } from "./stories.ts";

/** An article as render.ts shows it, on its own (no "also reported by"), with the publisher's link. */
export function toRenderItem(article: Article): RenderItem {
  return storyItem({
    main: article,
    others: [],
    latestAt: article.publishedAt,
    urgent: article.urgency === "flash",
    arrivedAt: 0,
  });
}
