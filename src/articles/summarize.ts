import { SUMMARY_MAX_CHARS } from "./article.ts";
import { splitSentences } from "./sentences.ts";

export interface SummarizeOptions {
  /** longest summary in characters (code points); default 500, a publisher's usual limit */
  maxChars?: number;
  /** most sentences to keep; default 3 */
  maxSentences?: number;
}

const DEFAULT_MAX_SENTENCES = 3;
const CAPTION_MAX_CHARS = 300;

const NOT_LETTER_AFTER = String.raw`(?![\p{L}\p{N}])`;
/** Navigation and appeals at the start of a sentence. */
const BOILERPLATE_START = new RegExp(
  String.raw`^(?:read (?:also|more)|also read|see also|related(?: articles| news| stories)?\s*:|more on this|subscribe|follow us|support us|join us|sign up|share(?:\s+(?:this|on|via)${NOT_LETTER_AFTER}|\s*[:!]|$)|advertisement|click here|donate|become a patron|читайте (?:також|также|ще|еще|більше|больше)|дивіться також|смотрите также|підписуйтес[ья]|підпишіться|подписывайтес[ья]|подпишитесь|підтримайте|поддержите|приєднуйтес[ья]|присоединяйтес[ья]|реклама)${NOT_LETTER_AFTER}`,
  "iu",
);
/** Appeals that may sit anywhere in a sentence. */
const BOILERPLATE_ANYWHERE =
  /\b(?:subscribe to (?:our|us)|follow us on|sign up for our|join our (?:telegram|channel|community)|support our (?:work|journalism)|all rights reserved)\b|підпис(?:уйтеся|уйтесь|атися) на наш|подпис(?:ывайтесь|аться) на наш|на наш (?:telegram|телеграм)/iu;
/** Credits and captions: dropped only when short, so a sentence that merely starts this way stays. */
const CAPTION =
  /^(?:photos?|images?|video|illustration|illustrative (?:photo|image)|featured image|cover image|source|credit|left|right|above|below|top|pictured|фото|на фото|відео|видео|ілюстрація|иллюстрация|джерело|источник|зліва|справа|слева)\s*(?:[:|]|\(|by\b|credit)/iu;
/** Bylines, reading times and bare dates that article pages put above the text. */
const PAGE_FURNITURE = [
  /^[Bb]y\s*\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,3}$/u,
  /^(?:автор|author)\s*:/iu,
  /^\d+\s*(?:min(?:ute)?s?|хв(?:илин[аи]?)?|мин(?:ут[аы]?)?)\.?(?:\s+(?:read|читання|чтения))?$/iu,
  /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?:,?\s+\d{1,2}:\d{2})?$/u,
  /^\d{1,2}\s+\p{L}+\.?\s+\d{4}(?:,?\s+\d{1,2}:\d{2})?$/u,
  /^\p{L}+\.?\s+\d{1,2},?\s+\d{4}(?:,?\s+\d{1,2}:\d{2})?$/u,
];
const TRAILING_JUNK = /[\s,;:—–\-([{"“„«‘]+$/u;

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
  const maxChars = Math.floor(options.maxChars ?? SUMMARY_MAX_CHARS);
  const maxSentences = Math.floor(options.maxSentences ?? DEFAULT_MAX_SENTENCES);
  if (!(maxChars >= 1) || !(maxSentences >= 1)) return "";

  const sentences = splitSentences(toPlainText(text)).filter((s) => !isBoilerplate(s));
  const picked: string[] = [];
  let used = 0;
  for (const sentence of sentences) {
    if (picked.length === maxSentences) break;
    const length = codePoints(sentence);
    const total = picked.length === 0 ? length : used + 1 + length;
    if (total > maxChars) break;
    picked.push(sentence);
    used = total;
  }
  if (picked.length > 0) return picked.join(" ");
  const first = sentences[0];
  return first === undefined ? "" : cutAtWord(first, maxChars);
}

/** Whether a sentence is navigation, an appeal, a caption or page furniture rather than reporting. */
export function isBoilerplate(sentence: string): boolean {
  const s = sentence.replace(/^[^\p{L}\p{N}]+/u, "");
  if (BOILERPLATE_START.test(s) || BOILERPLATE_ANYWHERE.test(s)) return true;
  if (s.length <= CAPTION_MAX_CHARS && CAPTION.test(s)) return true;
  return PAGE_FURNITURE.some((pattern) => pattern.test(s));
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

/**
 * `sentence` cut to at most `maxChars` code points including the "…": at the
 * last whitespace that leaves room for it, trailing commas and dashes
 * dropped; a first word longer than that is cut inside.
 */
function cutAtWord(sentence: string, maxChars: number): string {
  const points = Array.from(sentence);
  const room = maxChars - 1;
  const head = points.slice(0, room).join("");
  const boundary = /\s/u.test(points[room] ?? "") ? head.length : head.search(/\s\S*$/u);
  const cut = boundary > 0 ? head.slice(0, boundary).replace(TRAILING_JUNK, "") : "";
  return `${cut === "" ? head : cut}…`;
}

function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) count--;
  }
  return count;
}
