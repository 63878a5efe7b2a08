import { DetectError, MalformedError, parseFeed as parseAnyFeed } from "feedsmith";
import { decodeHtmlEntities, htmlEntityCodePoint, htmlInlineText } from "./extract-text.ts";
import { withoutUndefined } from "./without-undefined.ts";

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
  switch (parsed.format) {
    case "rss":
      return fromRss(parsed.feed, options.baseUrl);
    case "rdf":
      return fromRdf(parsed.feed, options.baseUrl);
    case "atom":
      return fromAtom(parsed.feed, options.baseUrl);
    case "json":
      return fromJson(parsed.feed, options.baseUrl);
  }
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

type AnyFeed = ReturnType<typeof parseAnyFeed>;
type RssFeed = Extract<AnyFeed, { format: "rss" }>["feed"];
type RdfFeed = Extract<AnyFeed, { format: "rdf" }>["feed"];
type AtomFeed = Extract<AnyFeed, { format: "atom" }>["feed"];
type JsonFeed = Extract<AnyFeed, { format: "json" }>["feed"];
type AtomLink = NonNullable<AtomFeed["links"]>[number];
type AtomText = { value?: string; type?: string } | undefined;

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

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  січ: 1,
  лют: 2,
  бер: 3,
  кві: 4,
  тра: 5,
  чер: 6,
  лип: 7,
  сер: 8,
  вер: 9,
  жов: 10,
  лис: 11,
  гру: 12,
  янв: 1,
  фев: 2,
  мар: 3,
  апр: 4,
  мая: 5,
  май: 5,
  июн: 6,
  июл: 7,
  авг: 8,
  сен: 9,
  окт: 10,
  ноя: 11,
  дек: 12,
};

/** Offsets in minutes of the zone names RFC 822 allows, plus a few feeds use anyway. */
const ZONES: Record<string, number> = {
  z: 0,
  ut: 0,
  utc: 0,
  gmt: 0,
  wet: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  bst: 60,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
};

const ISO_DATE =
  /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})(?:[T\s]+(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2})(?<frac>[.,]\d+)?)?)?\s*(?<zone>z|[+-]\d{2}(?::?\d{2})?|[a-z]{1,5})?$/i;
const TIME = String.raw`(?:,?\s+(?:at\s+|о\s+|в\s+)?(?<h>\d{1,2})[:.](?<mi>\d{2})(?::(?<s>\d{2}))?(?:\s*(?<ampm>[ap])\.?m\.?)?)?\s*(?:\(?\s*(?<zone>z|[+-]\d{2}:?\d{2}|[a-z]{1,5})\s*\)?)?$`;
const WEEKDAY = String.raw`^(?:\p{L}+\.?,?\s+)?`;
const DAY_FIRST = new RegExp(
  String.raw`${WEEKDAY}(?<d>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?<month>\p{L}+)\.?,?[\s-]+(?<y>\d{4}|\d{2})${TIME}`,
  "iu",
);
const MONTH_FIRST = new RegExp(
  String.raw`${WEEKDAY}(?<month>\p{L}+)\.?\s+(?<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?<y>\d{4})${TIME}`,
  "iu",
);

/**
 * A feed date as ms since epoch, or undefined when it cannot be read with
 * confidence. Accepts RFC 822 ("Tue, 17 Dec 2024 10:00:00 +0200", named
 * zones such as GMT or EST, seconds optional, two-digit years), ISO 8601,
 * "December 17, 2024 10:00 AM" and Ukrainian or Russian month names
 * ("17 грудня 2024 10:00"). A time without a zone is read as UTC, a bare date
 * as noon UTC (the same calendar day almost everywhere). Never falls back to
 * Date.parse, whose reading of such strings depends on the server's zone.
 */
export function parseFeedDate(s: string): number | undefined {
  const input = s.trim().replace(/\s+/g, " ");
  const iso = ISO_DATE.exec(input)?.groups;
  if (iso) return fromGroups(iso, Number(iso.mo));
  const written = (DAY_FIRST.exec(input) ?? MONTH_FIRST.exec(input))?.groups;
  if (!written) return undefined;
  const month = MONTHS[(written.month ?? "").toLowerCase().slice(0, 3)];
  return month === undefined ? undefined : fromGroups(written, month);
}

function fromGroups(g: Record<string, string | undefined>, month: number): number | undefined {
  let year = Number(g.y);
  if (g.y?.length === 2) year += year < 50 ? 2000 : 1900;
  const day = Number(g.d);
  if (g.h === undefined) return build(year, month, day, 12, 0, 0, 0);
  let hour = Number(g.h);
  if (g.ampm) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (g.ampm.toLowerCase() === "p" ? 12 : 0);
  }
  const ms = g.frac ? Number(g.frac.slice(1, 4).padEnd(3, "0")) : 0;
  const at = build(year, month, day, hour, Number(g.mi), Number(g.s ?? 0), zoneOffset(g.zone));
  return at === undefined ? undefined : at + ms;
}

function zoneOffset(zone: string | undefined): number | undefined {
  if (zone === undefined) return 0;
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    return minutes > 18 * 60 ? undefined : numeric[1] === "-" ? -minutes : minutes;
  }
  return ZONES[zone.toLowerCase()];
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number | undefined,
): number | undefined {
  if (offsetMinutes === undefined) return undefined;
  if (month < 1 || month > 12 || day < 1 || hour > 24 || minute > 59 || second > 60)
    return undefined;
  if (hour === 24 && (minute > 0 || second > 0)) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  return ms - offsetMinutes * 60_000;
}
