import { DetectError, MalformedError, parseFeed as parseAnyFeed } from "feedsmith";
import { htmlEntityCodePoint } from "./extract-text.ts";
import { toParsedFeed } from "./feed-formats.ts";

/** One entry of a feed, whatever the feed's format. */
export interface FeedItem {
  /** RSS guid, Atom id, RDF rdf:about or JSON Feed id */
  guid?: string;
  /** absolute http(s) link to the article */
  url?: string;
  /** plain text, entities decoded */
  title?: string;
  /** the full body when the feed carries one: content:encoded, Atom content, JSON content_html */
  html?: string;
  /** the teaser: RSS/RDF description, Atom summary, JSON summary (may hold HTML) */
  description?: string;
  author?: string;
  /** ms since epoch */
  publishedAt?: number;
  categories: string[];
}

export type FeedFormat = "rss" | "atom" | "rdf" | "json";

export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  items: FeedItem[];
  /**
   * RSS <ttl>: how long the publisher asks readers to wait between fetches.
   * sy:updatePeriod is not used: WordPress emits "hourly" by default, which
   * says nothing about how often the site really publishes.
   */
  ttlMinutes?: number;
}

/** A document that is not a feed we can read; `reason` says why in words an operator understands. */
export class FeedParseError extends Error {
  constructor(readonly reason: string) {
    super(`cannot parse feed: ${reason}`);
    this.name = "FeedParseError";
  }
}

/**
 * Reads an RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed document into one shape.
 * Common breakage in real feeds (a bare `&`, HTML-only entities such as
 * `&nbsp;`, control characters) is repaired first, so one sloppy item does not
 * cost the whole feed. Items without both a link and a title are dropped.
 * Relative links resolve against `baseUrl`, else the feed's own site link.
 * Throws FeedParseError when the text is not a feed at all.
 */
export function parseFeedText(text: string, options: { baseUrl?: string } = {}): ParsedFeed {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (!trimmed) throw new FeedParseError("the document is empty");
  const isJson = trimmed.startsWith("{");
  let parsed: ReturnType<typeof parseAnyFeed>;
  try {
    parsed = parseAnyFeed(isJson ? parseJson(trimmed) : repairXml(trimmed));
  } catch (err) {
    if (err instanceof FeedParseError) throw err;
    throw new FeedParseError(describeFailure(trimmed, isJson, err));
  }
  return toParsedFeed(parsed, options.baseUrl);
}

/**
 * The body to summarize: the full content when the feed has it, else the
 * description, which many feeds cut short.
 */
export function itemBodyHtml(item: FeedItem): string | undefined {
  return item.html?.trim() ? item.html : item.description;
}

const XML_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);

/**
 * Makes sloppy XML well-formed enough to parse: bare `&` becomes `&amp;`,
 * HTML named entities become numeric references (XML defines only five), and
 * characters XML 1.0 forbids are removed. CDATA sections and comments are
 * left as they are, because their content is not parsed as markup.
 */
export function repairXml(xml: string): string {
  return xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->)/)
    .map((part, i) => (i % 2 === 1 ? part : repairMarkup(part)))
    .join("")
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "");
}

function repairMarkup(part: string): string {
  return part.replace(
    /&(?:(#\d{1,8};|#[xX][0-9a-fA-F]{1,7};)|([A-Za-z][A-Za-z0-9]{0,31});)?/g,
    (ref, numeric: string | undefined, name: string | undefined) => {
      if (numeric) return ref;
      if (name === undefined) return "&amp;";
      if (XML_ENTITIES.has(name)) return ref;
      const cp = htmlEntityCodePoint(name);
      return cp === undefined ? `&amp;${name};` : `&#${cp};`;
    },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FeedParseError(`invalid JSON: ${(err as Error).message}`);
  }
}

function describeFailure(text: string, isJson: boolean, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof DetectError) {
    if (isJson) return "JSON, but not a JSON Feed";
    const root =
      /^(?:\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype[^>]*>))*\s*<([A-Za-z_][\w.:-]*)/i.exec(
        text,
      )?.[1];
    if (!root) return text.startsWith("<") ? "unrecognised feed format" : "not XML or JSON";
    if (root.toLowerCase() === "html") return "an HTML page, not a feed";
    return `unrecognised feed format (root element <${root}>)`;
  }
  if (err instanceof MalformedError) {
    return isJson
      ? `malformed JSON Feed: ${message}`
      : "malformed XML: the document is not well-formed";
  }
  return `malformed feed: ${message}`;
}
