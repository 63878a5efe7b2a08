/**
 * Plain text out of the HTML that feeds put in content:encoded and
 * description. Pure string work (no DOM): feed bodies are small, often
 * broken, and only need to become sentences for the summarizer.
 */

const LATIN1_NAMES =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml".split(
    " ",
  );

const OTHER_ENTITIES: Record<string, number> = {
  quot: 34,
  amp: 38,
  apos: 39,
  lt: 60,
  gt: 62,
  OElig: 338,
  oelig: 339,
  Scaron: 352,
  scaron: 353,
  Yuml: 376,
  fnof: 402,
  circ: 710,
  tilde: 732,
  ensp: 8194,
  emsp: 8195,
  thinsp: 8201,
  zwnj: 8204,
  zwj: 8205,
  lrm: 8206,
  rlm: 8207,
  hyphen: 8208,
  ndash: 8211,
  mdash: 8212,
  horbar: 8213,
  lsquo: 8216,
  rsquo: 8217,
  sbquo: 8218,
  ldquo: 8220,
  rdquo: 8221,
  bdquo: 8222,
  dagger: 8224,
  Dagger: 8225,
  bull: 8226,
  hellip: 8230,
  permil: 8240,
  prime: 8242,
  Prime: 8243,
  lsaquo: 8249,
  rsaquo: 8250,
  oline: 8254,
  frasl: 8260,
  euro: 8364,
  numero: 8470,
  trade: 8482,
  larr: 8592,
  uarr: 8593,
  rarr: 8594,
  darr: 8595,
  harr: 8596,
  minus: 8722,
  infin: 8734,
  asymp: 8776,
  ne: 8800,
  le: 8804,
  ge: 8805,
};

const ENTITIES: ReadonlyMap<string, number> = new Map([
  ...LATIN1_NAMES.map((name, i) => [name, 160 + i] as const),
  ...Object.entries(OTHER_ENTITIES),
]);

/** The code point of an HTML named entity (`"mdash"` -> 0x2014), or undefined when unknown. */
export function htmlEntityCodePoint(name: string): number | undefined {
  return ENTITIES.get(name);
}

/**
 * Decodes named (&mdash;), decimal (&#8212;) and hex (&#x2014;) references.
 * Unknown names stay as written; invalid code points become U+FFFD, as a
 * browser would show them.
 */
export function decodeHtmlEntities(text: string): string {
  return text.replace(
    /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));/g,
    (ref, dec, hex, name) => {
      if (name !== undefined) {
        const cp = ENTITIES.get(name);
        return cp === undefined ? ref : String.fromCodePoint(cp);
      }
      const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex, 16);
      const valid = cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
      return valid ? String.fromCodePoint(cp) : "\uFFFD";
    },
  );
}

const TAG = `(?:"[^"]*"|'[^']*'|[^'"<>])*`;
const DROPPED = [
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "math",
  "iframe",
  "object",
  "figure",
  "figcaption",
  "aside",
  "nav",
  "footer",
  "form",
  "button",
  "select",
  "textarea",
  "video",
  "audio",
  "canvas",
];
// innermost element first, so nested elements of the same name go in turn
const DROPPED_ELEMENT = new RegExp(
  String.raw`<(${DROPPED.join("|")})\b${TAG}>(?:(?!<\1\b)[\s\S])*?</\1\s*>`,
  "gi",
);
const DROPPED_OPEN_OR_CLOSE = new RegExp(String.raw`</?(?:${DROPPED.join("|")})\b${TAG}>`, "gi");
const BLOCK =
  "p|div|section|article|header|main|h[1-6]|blockquote|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|pre|hr|address|details|summary|center|caption";
const BLOCK_TAG = new RegExp(String.raw`</?(?:${BLOCK})\b${TAG}>`, "gi");
const LINE_TAG = new RegExp(String.raw`<(?:br|li)\b${TAG}>|</br\s*>`, "gi");
const CELL_TAG = new RegExp(String.raw`</?(?:td|th)\b${TAG}>`, "gi");
const ANY_TAG = new RegExp(String.raw`</?[A-Za-z][\w:-]*${TAG}>`, "g");

const NOT_LETTER_AFTER = String.raw`(?![\p{L}\p{N}])`;
/** Lines that are navigation or appeals, not reporting: dropped whatever their length. */
const BOILERPLATE = new RegExp(
  `^(?:read also|read more|also read|see also|related|subscribe|support us|follow us|share this|advertisement|читайте також|читайте также|дивіться також|підписуйтесь|підписуйтеся|підпишіться)${NOT_LETTER_AFTER}`,
  "iu",
);
/** Credit and caption lines: dropped when short, so a paragraph that merely starts the same way stays. */
const CAPTION =
  /^(?:photo|photos|image|images|source|video|illustration|featured image|фото|відео|джерело|ілюстрація)\s*:/iu;
const CAPTION_MAX_CHARS = 200;

/**
 * Article HTML to plain text for summarizing: scripts, styles, figures and
 * their captions removed; paragraphs and other blocks separated by a blank
 * line and <br>/<li> by a line break, so a sentence splitter can treat both
 * as boundaries; entities decoded; whitespace collapsed; "Read also:",
 * "Subscribe", "Photo:" and similar lines dropped. Pure.
 */
export function htmlToText(html: string): string {
  const lines = markBreaks(html).split("\n");
  const out: string[] = [];
  let blank = false;
  for (const raw of lines) {
    const line = raw.replace(/\s+/g, " ").trim();
    if (!line) {
      blank = out.length > 0;
      continue;
    }
    if (isBoilerplate(line)) continue;
    if (out.length > 0) out.push(blank ? "\n\n" : "\n");
    out.push(line);
    blank = false;
  }
  return out.join("");
}

/**
 * One line of text from a short HTML-ish string such as a headline: tags
 * stripped, entities decoded, all whitespace collapsed to single spaces.
 */
export function htmlInlineText(html: string): string {
  return cleanChars(decodeHtmlEntities(stripComments(html).replace(ANY_TAG, " ")))
    .replace(/\s+/g, " ")
    .trim();
}

function markBreaks(html: string): string {
  let s = stripComments(html).replace(/<!\[CDATA\[|\]\]>/g, "");
  for (let previous = ""; previous !== s; ) {
    previous = s;
    s = s.replace(DROPPED_ELEMENT, " ");
  }
  s = s
    .replace(DROPPED_OPEN_OR_CLOSE, " ")
    .replace(/<[!?][^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .replace(BLOCK_TAG, "\n\n")
    .replace(LINE_TAG, "\n")
    .replace(CELL_TAG, " ")
    .replace(ANY_TAG, "");
  return cleanChars(decodeHtmlEntities(s)).replace(/\r\n?/g, "\n");
}

function stripComments(html: string): string {
  return html.replace(/<!--[\s\S]*?(?:-->|$)/g, " ");
}

function cleanChars(text: string): string {
  return text.replace(/[\u00ad\u200b\ufeff]/g, "");
}

function isBoilerplate(line: string): boolean {
  const key = line.replace(/^[^\p{L}\p{N}]+/u, "");
  if (BOILERPLATE.test(key)) return true;
  return key.length <= CAPTION_MAX_CHARS && CAPTION.test(key);
}
