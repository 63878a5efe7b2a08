import { createHash } from "node:crypto";
import { articleId, canonicalUrl } from "../articles/canonical-url.ts";

/** The id of the article a link names; undefined when it is not an article link. */
function linkedArticleId(href: string): string | undefined {
  try {
    return articleId(canonicalUrl(href));
  } catch {
    return undefined;
  }
}

/** The ids of the articles a message links, in order, each once. */
export function linkedArticleIds(html: string): string[] {
  const ids = new Set<string>();
  for (const match of html.matchAll(/<a href="([^"]+)"/g)) {
    const id = linkedArticleId((match[1] as string).replace(/&amp;/g, "&").replace(/&quot;/g, '"'));
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}

/**
 * The ids a message showing an article is filed under: the article's own,
 * and — once an editor moved its link to another page (/edit) — that page's,
 * which the messages corrected to it and those sent since link.
 */
export function filingIds(id: string, shownLink: string | undefined): string[] {
  const moved = shownLink === undefined ? undefined : linkedArticleId(shownLink);
  return moved === undefined || moved === id ? [id] : [id, moved];
}

/** The key a message text is kept under: the same text, the same hash. */
export function bodyHashOf(html: string): string {
  return createHash("sha1").update(html).digest("base64url").slice(0, 16);
}
