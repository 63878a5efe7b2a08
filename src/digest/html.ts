import { escapeHtml } from "../telegram/helpers.ts";

/**
 * A longer URL is shown unlinked: it is no plain article link, and link URLs count against
 * Telegram's limit on the total size of a message's entities.
 */
export const MAX_URL_LENGTH = 2048;

/** Formatting carried by a range of text; a hashtag renders no tag but Telegram counts it. */
export type Mark =
  | { kind: "bold" }
  | { kind: "italic" }
  | { kind: "link"; href: string }
  | { kind: "hashtag" };

/** A range of `RichText.text`, in UTF-16 code units, end exclusive. */
export interface Span {
  start: number;
  end: number;
  mark: Mark;
}

/** Plain text plus properly nested spans of formatting, ordered by start (outer span first). */
export interface RichText {
  text: string;
  spans: Span[];
}

const NAMED_ENTITIES = new Set(["lt", "gt", "amp", "quot"]);

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Decodes the entity at `at` as Telegram does: [UTF-16 units it yields, index after it]. */
function decodeEntity(html: string, at: number): [number, number] {
  let end = at + 1;
  let units = 1;
  if (html.charCodeAt(end) === 35 /* # */) {
    end++;
    const hex = html.charCodeAt(end) === 120; /* x */
    if (hex) end++;
    let value = 0;
    const digitsStart = end;
    for (; end < html.length; end++) {
      const digit = hex ? hexValue(html.charCodeAt(end)) : html.charCodeAt(end) - 48;
      if (digit < 0 || digit > (hex ? 15 : 9)) break;
      value = value * (hex ? 16 : 10) + digit;
      if (value >= 0x10ffff) return [1, at + 1];
    }
    if (end === digitsStart || value === 0 || (value >= 0xd800 && value <= 0xdfff)) {
      return [1, at + 1];
    }
    units = value > 0xffff ? 2 : 1;
  } else {
    while (end < html.length && isAsciiLetter(html.charCodeAt(end))) end++;
    if (!NAMED_ENTITIES.has(html.slice(at + 1, end))) return [1, at + 1];
  }
  if (html.charCodeAt(end) === 59 /* ; */) end++;
  return [units, end];
}

/** Index just past the `>` closing the tag that opens at `at`, skipping quoted attribute values. */
function tagEnd(html: string, at: number): number {
  let quote = 0;
  for (let i = at + 1; i < html.length; i++) {
    const code = html.charCodeAt(i);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === 34 || code === 39) {
      quote = code;
    } else if (code === 62 /* > */) {
      return i + 1;
    }
  }
  return html.length;
}

/**
 * Length of the text Telegram sees after parsing `html` (tags dropped, entities decoded), in
 * UTF-16 code units: the unit of Telegram's 4096-character limit. Meant for well-formed HTML such
 * as this module's output; it does not validate.
 */
export function telegramTextLength(html: string): number {
  let length = 0;
  let i = 0;
  while (i < html.length) {
    const code = html.charCodeAt(i);
    if (code === 60 /* < */) {
      i = tagEnd(html, i);
    } else if (code === 38 /* & */) {
      const [units, next] = decodeEntity(html, i);
      length += units;
      i = next;
    } else {
      length++;
      i++;
    }
  }
  return length;
}

/** Formatting entities Telegram will create for `html`: one per opening tag. */
export function countTags(html: string): number {
  return html.match(/<[a-zA-Z]/g)?.length ?? 0;
}

/** C0 controls but \t and \n; the bidi embeddings and combining marks Telegram deletes on receipt. */
function isRejected(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a) ||
    (code >= 0x202a && code <= 0x202e) ||
    code === 0x030a ||
    code === 0x0333 ||
    code === 0x033f
  );
}

/** Drops lone surrogates and rejected characters; turns \r\n, \r, U+2028 and U+2029 into \n. */
function dropRejected(text: string): string {
  let out = "";
  let kept = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string | undefined;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      replacement = "";
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      replacement = "";
    } else if (code === 0x0d) {
      replacement = text.charCodeAt(i + 1) === 0x0a ? "" : "\n";
    } else if (code === 0x2028 || code === 0x2029) {
      replacement = "\n";
    } else if (isRejected(code)) {
      replacement = "";
    } else {
      continue;
    }
    out += text.slice(kept, i) + replacement;
    kept = i + 1;
  }
  return kept === 0 ? text : out + text.slice(kept);
}

/**
 * Makes arbitrary text safe to send: drops lone surrogates, control characters but `\t` and
 * `\n`, and the characters Telegram deletes on receipt (so our length is Telegram's length);
 * turns every line break into `\n`; composes to NFC.
 */
export function sanitizeText(text: string): string {
  return dropRejected(dropRejected(text).normalize("NFC"));
}

/** `sanitizeText` for one-line fields (titles, names): line breaks and tabs become spaces, ends trimmed. */
export function sanitizeLine(text: string): string {
  return sanitizeText(text)
    .replace(/[ \t]*\n[ \t\n]*/g, " ")
    .replace(/\t/g, " ")
    .trim();
}

// Characters Telegram treats as empty when it decides whether a message has any text.
const BLANKS = new Set([
  0x09, 0x0a, 0x20, 0xa0, 0x1680, 0x180e, 0x202f, 0x205f, 0x2800, 0x3000, 0xfeff, 0xfffc,
]);

/** Whether the UTF-16 unit `code` shows nothing (space, line break, zero-width character). */
export function isBlank(code: number): boolean {
  return BLANKS.has(code) || (code >= 0x2000 && code <= 0x200f);
}

/** Whether `text` shows nothing at all: Telegram would reject it as an empty message. */
export function isBlankText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (!isBlank(text.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * The href to link `url` with, or undefined when it must not be linked: not http(s), not a
 * valid URL, or longer than MAX_URL_LENGTH. The result is the WHATWG serialisation (ASCII).
 */
export function safeHref(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(sanitizeLine(url));
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  if (parsed.hostname === "" || parsed.href.length > MAX_URL_LENGTH) return undefined;
  return parsed.href;
}

function openTag(mark: Mark): string {
  switch (mark.kind) {
    case "bold":
      return "<b>";
    case "italic":
      return "<i>";
    case "link":
      return `<a href="${escapeHtml(mark.href)}">`;
    case "hashtag":
      return "";
  }
}

function closeTag(mark: Mark): string {
  switch (mark.kind) {
    case "bold":
      return "</b>";
    case "italic":
      return "</i>";
    case "link":
      return "</a>";
    case "hashtag":
      return "";
  }
}

/** Spans of `rich` clipped to [start, end), empty ones dropped, still outer-first. */
function spansWithin(rich: RichText, start: number, end: number): Span[] {
  const clipped: Span[] = [];
  for (const span of rich.spans) {
    const s = Math.max(span.start, start);
    const e = Math.min(span.end, end);
    if (s < e) clipped.push({ start: s, end: e, mark: span.mark });
  }
  return clipped;
}

/**
 * Telegram HTML for the range [start, end) of `rich`: text escaped, every span that the range
 * cuts closed at its end and reopened at its start, so the result is valid on its own.
 */
export function richTextToHtml(rich: RichText, start = 0, end = rich.text.length): string {
  const { text } = rich;
  const open: Span[] = [];
  let html = "";
  let at = start;
  const closeUntil = (position: number) => {
    for (let top = open.at(-1); top !== undefined && top.end <= position; top = open.at(-1)) {
      html += escapeHtml(text.slice(at, top.end)) + closeTag(top.mark);
      at = top.end;
      open.pop();
    }
  };
  for (const span of spansWithin(rich, start, end)) {
    closeUntil(span.start);
    html += escapeHtml(text.slice(at, span.start)) + openTag(span.mark);
    at = span.start;
    open.push(span);
  }
  closeUntil(end);
  return html + escapeHtml(text.slice(at, end));
}

/** Builds a RichText by appending text, wrapping parts of it in marks. */
export class RichTextBuilder {
  private text = "";
  private readonly spans: Span[] = [];

  get length(): number {
    return this.text.length;
  }

  append(text: string): this {
    this.text += text;
    return this;
  }

  /** Appends whatever `write` appends, marked with `mark` (nothing is marked if it appends nothing). */
  mark(mark: Mark, write: (builder: this) => void): this {
    const span: Span = { start: this.text.length, end: this.text.length, mark };
    const index = this.spans.length;
    this.spans.push(span);
    write(this);
    span.end = this.text.length;
    if (span.start === span.end) this.spans.splice(index, 1);
    return this;
  }

  build(): RichText {
    return { text: this.text, spans: [...this.spans] };
  }
}
