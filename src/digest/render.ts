import { capTitle } from "../articles/article.ts";
import {
  countTags,
  isBlankText,
  MAX_URL_LENGTH,
  type RichText,
  RichTextBuilder,
  richTextToHtml,
  safeHref,
  sanitizeLine,
  sanitizeText,
  telegramTextLength,
} from "./html.ts";
import { type Budget, costOf, fits, MAX_ENTITIES, MAX_LINK_CHARS, splitRichText } from "./split.ts";

export { telegramTextLength } from "./html.ts";

/** Telegram's limit on a message's text after entity parsing, in UTF-16 code units. */
export const TELEGRAM_MAX_LENGTH = 4096;

/** One news item as a digest shows it. */
export interface RenderItem {
  title: string;
  url: string;
  summary: string;
  source: string;
  /** ms since epoch */
  publishedAt: number;
  /** topic ids */
  topics: string[];
  urgency?: "normal" | "flash";
  /** near-duplicates from other outlets */
  alsoReportedBy?: { source: string; url: string }[];
}

/** Every word render prints, in the reader's language, so render itself stays language-free. */
export interface RenderLabels {
  /** e.g. "kursk" -> "Kursk" / "Курщина" */
  topicName(id: string): string;
  /** e.g. "Also reported by" */
  alsoReportedBy: string;
  /** e.g. "⚡ URGENT" */
  flash: string;
  /** e.g. "en-GB", "uk-UA" */
  dateLocale: string;
}

export interface RenderOptions {
  labels: RenderLabels;
  /** IANA time zone the dates are shown in */
  timeZone: string;
  /** Telegram HTML, already escaped, shown first in the first part */
  header?: string;
  /** Telegram HTML, already escaped, shown last in the last part */
  footer?: string;
  /** at most TELEGRAM_MAX_LENGTH (the default) */
  maxLength?: number;
}

const ITEM_SEPARATOR = "\n\n";
const META_SEPARATOR = " · ";

type ItemWriter = (item: RenderItem) => RichText;

function hashtag(name: string): string {
  return name.replace(/[^\p{L}\p{N}\p{M}_]+/gu, "_").replace(/^_+|_+$/g, "");
}

function createItemWriter(options: RenderOptions): ItemWriter {
  const { labels } = options;
  const dates = new Intl.DateTimeFormat(labels.dateLocale, {
    timeZone: options.timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
  });
  const flash = sanitizeLine(labels.flash);
  const alsoLabel = sanitizeLine(labels.alsoReportedBy);

  const dateOf = (ms: number): string =>
    Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? sanitizeLine(dates.format(ms)) : "";

  const hashtagsOf = (topics: string[]): string[] => {
    const tags = topics
      .map((id) => hashtag(sanitizeLine(labels.topicName(id))) || hashtag(sanitizeLine(id)))
      .filter((tag) => tag !== "")
      .map((tag) => `#${tag}`);
    return [...new Set(tags)];
  };

  return (item) => {
    const out = new RichTextBuilder();
    const newLine = () => {
      if (out.length > 0) out.append("\n");
    };

    const title = capTitle(
      [item.title, item.url].map(sanitizeLine).find((t) => !isBlankText(t)) ?? "",
    );
    const href = safeHref(item.url);
    const flashLabel = item.urgency === "flash" ? flash : "";
    out.mark({ kind: "bold" }, () => {
      if (flashLabel) out.append(title ? `${flashLabel} ` : flashLabel);
      if (href) out.mark({ kind: "link", href }, () => out.append(title));
      else out.append(title);
    });

    const summary = sanitizeText(item.summary)
      .replace(/\n[ \t]*\n(?:[ \t]*\n)+/g, "\n\n")
      .trim();
    if (summary) {
      newLine();
      out.append(summary);
    }

    const meta: ((b: RichTextBuilder) => void)[] = [];
    const source = sanitizeLine(item.source);
    if (source) meta.push((b) => b.append(source));
    const date = dateOf(item.publishedAt);
    if (date) meta.push((b) => b.append(date));
    const tags = hashtagsOf(item.topics);
    if (tags.length > 0) {
      meta.push((b) =>
        tags.forEach((tag, i) => {
          if (i > 0) b.append(" ");
          b.mark({ kind: "hashtag" }, () => b.append(tag));
        }),
      );
    }
    if (meta.length > 0) {
      newLine();
      out.mark({ kind: "italic" }, (b) =>
        meta.forEach((write, i) => {
          if (i > 0) b.append(META_SEPARATOR);
          write(b);
        }),
      );
    }

    const others = (item.alsoReportedBy ?? [])
      .map((other) => {
        const otherHref = safeHref(other.url);
        const name =
          sanitizeLine(other.source) ||
          (otherHref === undefined ? "" : new URL(otherHref).hostname);
        return { name, href: otherHref };
      })
      .filter((other) => other.name !== "");
    if (others.length > 0) {
      newLine();
      if (alsoLabel) out.append(`${alsoLabel}: `);
      others.forEach((other, i) => {
        if (i > 0) out.append(", ");
        if (other.href) out.mark({ kind: "link", href: other.href }, () => out.append(other.name));
        else out.append(other.name);
      });
    }

    return out.build();
  };
}

/**
 * One item as Telegram HTML: bold linked title (after the flash label for flash items), summary,
 * an italic line of source, date (in `options.timeZone`) and topic hashtags, then the other
 * outlets that reported it. All item text is escaped; only http(s) URLs become links. Throws
 * RangeError for an unknown time zone or locale.
 */
export function renderItem(item: RenderItem, options: RenderOptions): string {
  return richTextToHtml(createItemWriter(options)(item));
}

interface Piece {
  html: string;
  cost: Budget;
}

function rawPiece(html: string | undefined, name: string, budget: Budget): Piece | undefined {
  if (html === undefined || html.trim() === "") return undefined;
  const links = [...html.matchAll(/href\s*=\s*"([^"]*)"/g)];
  const cost: Budget = {
    length: telegramTextLength(html),
    entities: countTags(html),
    linkChars: links.reduce((sum, match) => sum + telegramTextLength(match[1] ?? ""), 0),
  };
  if (!fits(cost, budget)) throw new RangeError(`${name} does not fit in one message`);
  return { html, cost };
}

/** Packs pieces into messages, separated by a blank line, each within `budget`. */
class PartPacker {
  readonly parts: string[] = [];
  private pieces: string[] = [];
  private used: Budget = { length: 0, entities: 0, linkChars: 0 };
  /** whether the open part holds anything besides the header */
  hasItems = false;

  constructor(private readonly budget: Budget) {}

  remaining(): Budget {
    const separator = this.pieces.length > 0 ? ITEM_SEPARATOR.length : 0;
    return {
      length: this.budget.length - this.used.length - separator,
      entities: this.budget.entities - this.used.entities,
      linkChars: this.budget.linkChars - this.used.linkChars,
    };
  }

  add(piece: Piece): void {
    const separator = this.pieces.length > 0 ? ITEM_SEPARATOR.length : 0;
    this.used = {
      length: this.used.length + separator + piece.cost.length,
      entities: this.used.entities + piece.cost.entities,
      linkChars: this.used.linkChars + piece.cost.linkChars,
    };
    this.pieces.push(piece.html);
  }

  /** Adds `piece` to the open part if it fits, else to a new one. */
  addWhole(piece: Piece): void {
    if (!fits(piece.cost, this.remaining())) this.flush();
    this.add(piece);
  }

  flush(): void {
    if (this.pieces.length > 0) this.parts.push(this.pieces.join(ITEM_SEPARATOR));
    this.pieces = [];
    this.used = { length: 0, entities: 0, linkChars: 0 };
    this.hasItems = false;
  }
}

/** Whether a part with `room` left is worth starting a long item in rather than a new part. */
function roomy(room: Budget, full: Budget): boolean {
  return (
    room.length >= Math.max(2, full.length / 4) &&
    room.entities >= Math.min(full.entities, 8) &&
    room.linkChars >= Math.min(full.linkChars, MAX_URL_LENGTH)
  );
}

/**
 * Renders items as Telegram HTML messages, in order: header first, items separated by a blank
 * line, footer last. Each part is valid HTML on its own and within Telegram's limits: at most
 * `maxLength` UTF-16 units of text after entity parsing, MAX_ENTITIES entities, MAX_LINK_CHARS of
 * link URLs. An item is never split across parts unless it exceeds a limit alone; then it is cut
 * at a line break, a space or a character boundary, its tags closed and reopened around the cut.
 * Items with no visible text are left out. Pure and deterministic. Throws RangeError for a bad
 * maxLength, a header or footer too long for one message, or an unknown time zone or locale.
 */
export function renderDigest(items: RenderItem[], options: RenderOptions): string[] {
  const maxLength = options.maxLength ?? TELEGRAM_MAX_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > TELEGRAM_MAX_LENGTH) {
    throw new RangeError(`maxLength must be an integer from 2 to ${TELEGRAM_MAX_LENGTH}`);
  }
  const full: Budget = { length: maxLength, entities: MAX_ENTITIES, linkChars: MAX_LINK_CHARS };
  const header = rawPiece(options.header, "header", full);
  const footer = rawPiece(options.footer, "footer", full);
  const write = createItemWriter(options);
  const packer = new PartPacker(full);
  if (header) packer.add(header);

  for (const item of items) {
    const rich = write(item);
    if (isBlankText(rich.text)) continue;
    const cost = costOf(rich);
    if (fits(cost, full)) {
      packer.addWhole({ html: richTextToHtml(rich), cost });
    } else {
      if (packer.hasItems || !roomy(packer.remaining(), full)) packer.flush();
      const ranges = splitRichText(rich, packer.remaining(), full);
      ranges.forEach(({ start, end }, i) => {
        if (i > 0) packer.flush();
        packer.add({ html: richTextToHtml(rich, start, end), cost: costOf(rich, start, end) });
      });
    }
    packer.hasItems = true;
  }

  if (footer) packer.addWhole(footer);
  packer.flush();
  return packer.parts;
}
