import type { parseFeed } from "feedsmith";
import { decodeHtmlEntities, htmlInlineText } from "./extract-text.ts";
import { parseFeedDate } from "./feed-date.ts";
import type { FeedFormat, FeedItem, ParsedFeed } from "./parse-feed.ts";
import { withoutUndefined } from "./without-undefined.ts";

/*
 * Each feed format's document, as feedsmith reads it, mapped into one
 * ParsedFeed: plain-text titles, absolute http(s) links, dates in ms, the
 * body and the teaser apart. Items without both a link and a title are
 * dropped.
 */

type AnyFeed = ReturnType<typeof parseFeed>;
type RssFeed = Extract<AnyFeed, { format: "rss" }>["feed"];
type RdfFeed = Extract<AnyFeed, { format: "rdf" }>["feed"];
type AtomFeed = Extract<AnyFeed, { format: "atom" }>["feed"];
type JsonFeed = Extract<AnyFeed, { format: "json" }>["feed"];
type AtomLink = NonNullable<AtomFeed["links"]>[number];
type AtomText = { value?: string; type?: string } | undefined;

/**
 * A document as feedsmith read it, in our one shape. Relative links resolve
 * against `baseUrl`, else the feed's own site link.
 */
export function toParsedFeed(parsed: AnyFeed, baseUrl: string | undefined): ParsedFeed {
  switch (parsed.format) {
    case "rss":
      return fromRss(parsed.feed, baseUrl);
    case "rdf":
      return fromRdf(parsed.feed, baseUrl);
    case "atom":
      return fromAtom(parsed.feed, baseUrl);
    case "json":
      return fromJson(parsed.feed, baseUrl);
  }
}

function fromRss(feed: RssFeed, baseUrl: string | undefined): ParsedFeed {
  const base = baseUrl ?? feed.link;
  const items = (feed.items ?? []).map((item) => {
    const guid = text(item.guid?.value);
    const guidLink = item.guid?.isPermaLink !== false ? guid : undefined;
    return {
      guid,
      url: absoluteUrl(item.link, base) ?? absoluteUrl(guidLink, undefined),
      title: inline(item.title),
      html: text(item.content?.encoded),
      description: text(item.description),
      author: text(item.authors?.[0]?.name) ?? inline(item.dc?.creators?.[0]),
      publishedAt: firstDate(item.pubDate, ...(item.dc?.dates ?? []), item.atom?.published),
      categories: categories([
        ...(item.categories ?? []).map((c) => c.name),
        ...(item.dc?.subjects ?? []),
      ]),
    };
  });
  return finish("rss", inline(feed.title), items, feed.ttl);
}

function fromRdf(feed: RdfFeed, baseUrl: string | undefined): ParsedFeed {
  const base = baseUrl ?? feed.link;
  const items = (feed.items ?? []).map((item) => ({
    guid: text(item.rdf?.about) ?? text(item.link),
    url: absoluteUrl(item.link, base) ?? absoluteUrl(item.rdf?.about, undefined),
    title: inline(item.title),
    html: text(item.content?.encoded),
    description: text(item.description),
    author: inline(item.dc?.creators?.[0]),
    publishedAt: firstDate(...(item.dc?.dates ?? []), ...(item.dcterms?.issued ?? [])),
    categories: categories(item.dc?.subjects ?? []),
  }));
  return finish("rdf", inline(feed.title), items, undefined);
}

function fromAtom(feed: AtomFeed, baseUrl: string | undefined): ParsedFeed {
  const base = baseUrl ?? alternateLink(feed.links);
  const items = (feed.entries ?? []).map((entry) => ({
    guid: text(entry.id),
    url: absoluteUrl(alternateLink(entry.links), base),
    title: atomTitle(entry.title),
    html: atomHtml(entry.content),
    description: atomHtml(entry.summary),
    author: text(entry.authors?.[0]?.name) ?? inline(entry.dc?.creators?.[0]),
    publishedAt: firstDate(entry.published, entry.updated, ...(entry.dc?.dates ?? [])),
    categories: categories((entry.categories ?? []).map((c) => c.label ?? c.term)),
  }));
  return finish("atom", atomTitle(feed.title), items, undefined);
}

function fromJson(feed: JsonFeed, baseUrl: string | undefined): ParsedFeed {
  const base = baseUrl ?? feed.home_page_url ?? feed.feed_url;
  const items = (feed.items ?? []).map((item) => ({
    guid: text(item.id),
    url: absoluteUrl(item.url, base) ?? absoluteUrl(item.external_url, base),
    title: text(item.title)?.replace(/\s+/g, " "),
    html: text(item.content_html) ?? plainToHtml(item.content_text),
    description: text(item.summary),
    author: text(item.authors?.[0]?.name),
    publishedAt: firstDate(item.date_published, item.date_modified),
    categories: categories(item.tags ?? []),
  }));
  return finish("json", text(feed.title), items, undefined);
}

function finish(
  format: FeedFormat,
  feedTitle: string | undefined,
  items: FeedItem[],
  ttlMinutes: number | undefined,
): ParsedFeed {
  const kept = items.filter((item) => item.url && item.title).map(withoutUndefined);
  const result: ParsedFeed = { format, items: kept };
  if (feedTitle) result.title = feedTitle;
  if (ttlMinutes !== undefined && Number.isFinite(ttlMinutes) && ttlMinutes > 0) {
    result.ttlMinutes = Math.round(ttlMinutes);
  }
  return result;
}

function text(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const s = String(value).trim();
  return s ? s : undefined;
}

/** Titles, names and categories are plain text, but feeds double-escape entities and slip in tags. */
function inline(value: unknown): string | undefined {
  const s = text(value);
  return s === undefined ? undefined : text(htmlInlineText(s));
}

function atomTitle(value: AtomText): string | undefined {
  if (!value?.value) return undefined;
  if (value.type === "html" || value.type === "xhtml") return inline(value.value);
  return text(decodeHtmlEntities(value.value).replace(/\s+/g, " "));
}

function atomHtml(value: AtomText): string | undefined {
  const s = text(value?.value);
  if (s === undefined) return undefined;
  return value?.type === "html" || value?.type === "xhtml" ? s : plainToHtml(s);
}

function plainToHtml(value: unknown): string | undefined {
  const s = text(value);
  if (s === undefined) return undefined;
  const escaped = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped
    .split(/\n\s*\n/)
    .map((p) => `<p>${p.trim().replace(/\n/g, "<br>")}</p>`)
    .join("");
}

function alternateLink(links: AtomLink[] | undefined): string | undefined {
  if (!links?.length) return undefined;
  const alternates = links.filter((l) => !l.rel || l.rel === "alternate");
  const html = alternates.find((l) => !l.type || /html/i.test(l.type));
  return (html ?? alternates[0])?.href;
}

function absoluteUrl(value: unknown, base: string | undefined): string | undefined {
  const s = text(value);
  if (s === undefined) return undefined;
  try {
    const url = base ? new URL(s, absoluteBase(base)) : new URL(s);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function absoluteBase(base: string): string | undefined {
  try {
    return new URL(base).href;
  } catch {
    return undefined;
  }
}

function firstDate(...values: unknown[]): number | undefined {
  for (const value of values) {
    const s = text(value);
    const ms = s === undefined ? undefined : parseFeedDate(s);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

function categories(values: unknown[]): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    const s = inline(value);
    if (s) seen.add(s);
  }
  return [...seen];
}
