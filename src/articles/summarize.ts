import { isBoilerplate } from "./boilerplate.ts";
import { summarizeSentences } from "./extractive.ts";
import { splitSentences } from "./sentences.ts";

export interface SummarizeOptions {
  /** longest summary in characters (code points); default 500, a publisher's usual limit */
  maxChars?: number;
  /** most sentences to keep; default 3 */
  maxSentences?: number;
  /** the article's title, when known: sentences that share its words rank higher */
  title?: string;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  shy: "",
  zwj: "\u200d",
  zwnj: "\u200c",
  ndash: "–",
  mdash: "—",
  minus: "−",
  hellip: "…",
  laquo: "«",
  raquo: "»",
  lsquo: "‘",
  rsquo: "’",
  sbquo: "‚",
  ldquo: "“",
  rdquo: "”",
  bdquo: "„",
  prime: "′",
  middot: "·",
  bull: "•",
  deg: "°",
  times: "×",
  euro: "€",
  pound: "£",
  copy: "©",
  reg: "®",
  trade: "™",
  numero: "№",
  sect: "§",
};

const TAG_BODY = `(?:"[^"]*"|'[^']*'|[^'">])*`;
const DROPPED_ELEMENT = new RegExp(
  String.raw`<(script|style|noscript|template|svg|math|iframe|object|figure|figcaption|aside|nav|footer|form|button|select|textarea)\b${TAG_BODY}>[\s\S]*?</\1\s*>`,
  "gi",
);
const BREAK_TAG = new RegExp(
  String.raw`</?(?:p|div|section|article|header|main|h[1-6]|blockquote|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|pre|hr|br|address|details|summary|caption)\b${TAG_BODY}>`,
  "gi",
);
const CELL_TAG = new RegExp(String.raw`</?(?:td|th)\b${TAG_BODY}>`, "gi");
const ANY_TAG = new RegExp(String.raw`</?[A-Za-z][\w:-]*${TAG_BODY}>`, "g");
const ENTITY = /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));/g;
/** Control characters other than tab and line breaks, soft hyphen, zero-width space, BOM. */
const INVISIBLE = /(?![\t\n\r])[\p{Cc}\u00ad\u200b\ufeff]/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A short extract of an article for the digest: HTML tags removed and
 * entities decoded, boilerplate sentences ("Read also", "Subscribe",
 * "Photo:", "Читайте також", bylines) dropped, then the leading sentences
 * that fit together in `maxChars` code points, at most `maxSentences` of
 * them. Sentences are never cut, so the extract reads as written; only when
 * the first sentence alone is too long is it cut at the last word boundary
 * and ended with "…" (a single word longer than the limit is cut where it
 * must be). Pure and deterministic; "" when nothing is left.
 */
export function summarize(text: string, options: SummarizeOptions = {}): string {
  const sentences = splitSentences(toPlainText(text)).filter((s) => !isBoilerplate(s));
  return summarizeSentences(sentences, options);
}

/**
 * Plain text with line breaks where blocks ended (paragraphs, list items,
 * <br>), which splitSentences treats as sentence ends.
 */
function toPlainText(text: string): string {
  let s = text.replace(/<!--[\s\S]*?(?:-->|$)/g, " ").replace(/<!\[CDATA\[|\]\]>/g, "");
  for (let previous = ""; previous !== s; ) {
    previous = s;
    s = s.replace(DROPPED_ELEMENT, " ");
  }
  s = s
    .replace(/<[!?][^>]*>/g, " ")
    .replace(BREAK_TAG, "\n")
    .replace(CELL_TAG, " ")
    .replace(ANY_TAG, "");
  return decodeEntities(s).replace(LONE_SURROGATE, "\ufffd").replace(INVISIBLE, "");
}

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (ref, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return ENTITIES[name] ?? ref;
    const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? "", 16);
    const valid = cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
    return valid ? String.fromCodePoint(cp) : "\ufffd";
  });
}
