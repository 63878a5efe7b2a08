import { isBlank, type RichText } from "./html.ts";

/**
 * Telegram drops the formatting of every entity past the 100th in a message, silently; hashtags
 * count as entities.
 */
export const MAX_ENTITIES = 100;

/**
 * Telegram rejects a message whose entities are too large in total (ENTITIES_TOO_LONG, at about
 * 9,500 bytes of link URLs and entity data); this leaves room for the entity data.
 */
export const MAX_LINK_CHARS = 7000;

/** What a message (or what is left of one) may still take. */
export interface Budget {
  /** UTF-16 code units of text after entity parsing */
  length: number;
  entities: number;
  /** total length of the link URLs */
  linkChars: number;
}

/** A range [start, end) of a RichText, in UTF-16 code units. */
export interface Range {
  start: number;
  end: number;
}

/** What the range [start, end) of `rich` costs as one message, spans cut by the range included. */
export function costOf(rich: RichText, start = 0, end = rich.text.length): Budget {
  let entities = 0;
  let linkChars = 0;
  for (const span of rich.spans) {
    if (span.start >= end) break;
    if (span.end <= start || span.start === span.end) continue;
    entities++;
    if (span.mark.kind === "link") linkChars += span.mark.href.length;
  }
  return { length: end - start, entities, linkChars };
}

/** Whether `cost` is within `budget` on every count. */
export function fits(cost: Budget, budget: Budget): boolean {
  return (
    cost.length <= budget.length &&
    cost.entities <= budget.entities &&
    cost.linkChars <= budget.linkChars
  );
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Where the next code point after `at` starts. */
function nextCodePoint(text: string, at: number): number {
  return isHighSurrogate(text.charCodeAt(at)) && at + 1 < text.length ? at + 2 : at + 1;
}

/** The end of the longest range from `start` whose spans stay within the entity and link budget. */
function spanLimit(rich: RichText, start: number, budget: Budget): number {
  let entities = 0;
  let linkChars = 0;
  for (const span of rich.spans) {
    if (span.end <= start) continue;
    entities++;
    if (span.mark.kind === "link") linkChars += span.mark.href.length;
    if (entities > budget.entities || linkChars > budget.linkChars) return span.start;
  }
  return rich.text.length;
}

const BREAKABLE = /[ \t\n\u1680\u2000-\u2006\u2008-\u200B\u205F\u3000]/;

function lastBreakable(text: string, from: number, to: number): number {
  for (let i = to; i > from; i--) {
    if (BREAKABLE.test(text.charAt(i))) return i;
  }
  return -1;
}

function lastGraphemeBoundary(text: string, from: number, to: number): number {
  const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
  let boundary = -1;
  for (const { index } of segmenter.segment(text.slice(from, to + 32))) {
    if (index > to - from) break;
    if (index > 0) boundary = from + index;
  }
  return boundary;
}

/**
 * Where to end a piece that starts at `from` and may run to `to` (< text length): before the
 * last line break in the second half, else the last space in the second half, else the last
 * space, else the last grapheme boundary, else the last code point boundary.
 */
function cutPoint(text: string, from: number, to: number): number {
  const half = from + Math.ceil((to - from) / 2);
  const newline = text.lastIndexOf("\n", to);
  if (newline >= half) return newline;
  const space = lastBreakable(text, from, to);
  if (space >= half) return space;
  if (space > from) return space;
  const grapheme = lastGraphemeBoundary(text, from, to);
  if (grapheme > from) return grapheme;
  const codePoint = isHighSurrogate(text.charCodeAt(to - 1)) ? to - 1 : to;
  return codePoint > from ? codePoint : nextCodePoint(text, from);
}

/**
 * Cuts `rich`, too big for one message, into ranges that each fit a message: the first within
 * `first`, the others within `rest`. Cuts fall only between code points, preferably at a line
 * break or a space; blanks at the cuts are dropped so no range is empty or starts/ends blank.
 * Every range is non-empty as long as `rest` admits one code point with its enclosing spans.
 */
export function splitRichText(rich: RichText, first: Budget, rest: Budget): Range[] {
  const { text } = rich;
  const ranges: Range[] = [];
  let at = 0;
  for (;;) {
    while (at < text.length && isBlank(text.charCodeAt(at))) at++;
    if (at >= text.length) return ranges;
    const budget = ranges.length === 0 ? first : rest;
    const limit = Math.min(at + budget.length, spanLimit(rich, at, budget));
    let cut: number;
    if (limit >= text.length) cut = text.length;
    else if (limit <= at) cut = nextCodePoint(text, at);
    else cut = cutPoint(text, at, limit);
    let end = cut;
    while (end > at && isBlank(text.charCodeAt(end - 1))) end--;
    ranges.push({ start: at, end });
    at = cut;
  }
}
