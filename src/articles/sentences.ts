/**
 * Abbreviations after which a full stop does not end a sentence, lower case,
 * without their dots. English titles and ranks, months; Ukrainian and Russian
 * place and reference words ("м." місто, "ім.", "вул.", "обл.", "р." рік,
 * "ст." стаття or століття, "г."). Units of count and money are in UNITS.
 */
const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "gen",
  "lt",
  "col",
  "maj",
  "capt",
  "cpt",
  "sgt",
  "cpl",
  "pvt",
  "adm",
  "cmdr",
  "brig",
  "gov",
  "sen",
  "rep",
  "pres",
  "amb",
  "st",
  "mt",
  "ft",
  "jr",
  "sr",
  "inc",
  "ltd",
  "co",
  "corp",
  "dept",
  "univ",
  "approx",
  "est",
  "vs",
  "cf",
  "jan",
  "feb",
  "apr",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "м",
  "с",
  "смт",
  "обл",
  "ст",
  "куб",
  "р",
  "рр",
  "ім",
  "вул",
  "просп",
  "пров",
  "пл",
  "буд",
  "кв",
  "дол",
  "коп",
  "ген",
  "проф",
  "напр",
  "див",
  "ін",
  "т",
  "г",
  "гг",
  "ул",
  "пр",
  "пос",
  "д",
  "долл",
  "см",
  "др",
  "им",
]);

/**
 * Units written after a number ("40 тис.", "2 млн грн.", "600 кв. м."): in
 * Ukrainian news a full stop after one ends the sentence when a capitalised
 * word follows, for a figure usually closes the sentence ("Збитки сягають
 * 300 тис. грн. Кошти …"). Before a word in capitals ("дол. США") or lower
 * case the sentence goes on. "м" counts as the metre only after a number or
 * "кв."/"куб.", otherwise it is "місто".
 */
const UNITS = new Set(["тис", "млн", "млрд", "трлн", "грн", "тыс", "руб"]);
const SQUARE_OR_CUBIC = new Set(["кв", "куб"]);
/** "т. д." (і так далі), "т. п." (і тому подібне), "та ін.": they close a list, and so often a sentence. */
const LIST_ENDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["д", new Set(["т"])],
  ["п", new Set(["т"])],
  ["ін", new Set(["та", "і", "й", "тощо"])],
  ["др", new Set(["и"])],
]);
/** A word in capitals, e.g. США, ЗСУ, USD: an abbreviation that may follow a unit mid-sentence. */
const ALL_CAPS = /^["'“„«‘([]*[\p{Lu}\d][\p{Lu}\d-]+(?![\p{Ll}])/u;

/** Abbreviations that do not end a sentence when a number follows ("No. 5", "ст. 111"). */
const BEFORE_NUMBER = new Set([
  "no",
  "nos",
  "nr",
  "p",
  "pp",
  "art",
  "fig",
  "vol",
  "ch",
  "ст",
  "ч",
  "п",
  "пп",
]);

/**
 * A candidate end: sentence punctuation, any closing quotes or brackets,
 * whitespace, then what may begin a sentence (a capital or a digit, perhaps
 * after an opening quote or bracket).
 */
const CANDIDATE = /([.!?…]+)(["'”’»)\]]*)\s+(?=["'“„«‘([]*[\p{Lu}\p{Lt}\p{N}])/gu;
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;
const LIST_MARKER = /^(?:[•·▪◦‣∙*]|[-–—](?=\s))\s*/u;
const OPENING_PUNCTUATION = /^["'“„«‘([]+/u;
const DOTTED = /^(?:\p{L}{1,3}\.)+\p{L}{1,3}$/u;
const INITIAL = /^[\p{Lu}\p{Lt}]$/u;

/**
 * Splits plain text into sentences, each trimmed with its whitespace
 * collapsed; never returns an empty one. A line break always ends a sentence,
 * because HTML conversion marks paragraphs, list items and captions with one
 * (a leading list bullet is dropped). Within a line, ".", "!", "?", "…" and
 * any closing quotes end a sentence when whitespace and a capital letter,
 * digit or opening quote follow, except after an abbreviation ("U.S.",
 * "Lt. Gen.", "Dr.", "e.g.", "вул.", "ім."), an initial ("J. Smith",
 * "В. Зеленський") or "No." before a number, or inside a «…» quotation
 * followed by its attribution ("», — заявив він"). A unit after a number
 * ("тис.", "грн.", "кв. м.") and "т. д." / "т. п." / "та ін." end a sentence
 * before a capitalised word. Decimals ("1.5") and dots inside
 * words or links never split, having no whitespace after them. When in
 * doubt it keeps text together: a merged pair harms a summary less than a
 * sentence cut in two.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const rawLine of text.split(LINE_BREAK)) {
    const line = rawLine.replace(/\s+/gu, " ").trim().replace(LIST_MARKER, "");
    if (line === "") continue;
    const quotes = attributedQuotes(line);
    let start = 0;
    for (const match of line.matchAll(CANDIDATE)) {
      const punctuation = match[1] ?? "";
      const end = match.index + punctuation.length + (match[2]?.length ?? 0);
      const next = match.index + match[0].length;
      if (punctuation === "." && !endsSentence(line, match.index, next)) continue;
      if (quotes.length > 0 && inside(quotes, end)) continue;
      push(sentences, line.slice(start, end));
      start = next;
    }
    push(sentences, line.slice(start));
  }
  return sentences;
}

function push(sentences: string[], sentence: string): void {
  const trimmed = sentence.trim();
  if (trimmed !== "") sentences.push(trimmed);
}

/** After a quotation's closing »: an attribution (", — заявив він", "— написав") or lower case. */
const ATTRIBUTION = /^[.!?…]*(?:[,;:]|\s*[—–-]\s|\s+\p{Ll})/u;

/**
 * The stretches of a line that lie inside a «…» quotation closing later on
 * the line and then attributed ("«Ситуація складна. Але ми тримаємось», —
 * заявив речник."), as [start, end) pairs: the quotation and its attribution
 * are one sentence, and splitting inside would leave a fragment opening
 * mid-quote. A quotation that stands alone («Ворог відступив. Ми
 * тримаємось.») splits as usual. One pass over the line.
 */
function attributedQuotes(line: string): [number, number][] {
  const spans: [number, number][] = [];
  if (!line.includes("«")) return spans;
  let depth = 0;
  let open = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "«") {
      if (depth++ === 0) open = i;
    } else if (line[i] === "»" && depth > 0 && --depth === 0) {
      if (ATTRIBUTION.test(line.slice(i + 1, i + 8))) spans.push([open, i]);
    }
  }
  return spans;
}

function inside(spans: readonly [number, number][], at: number): boolean {
  return spans.some(([start, end]) => at > start && at < end);
}

/** Whether the single "." at `dot` ends a sentence; `next` is where the following text starts. */
function endsSentence(line: string, dot: number, next: number): boolean {
  const before = line.slice(0, dot);
  const space = before.lastIndexOf(" ");
  const word = before.slice(space + 1).replace(OPENING_PUNCTUATION, "");
  if (word === "") return true;
  const key = word.toLowerCase();
  const previous = before
    .slice(0, Math.max(space, 0))
    .trimEnd()
    .split(" ")
    .at(-1)
    ?.replace(/\.$/u, "")
    .toLowerCase();
  if (previous !== undefined && LIST_ENDS.get(key)?.has(previous)) return true;
  const metre =
    key === "м" &&
    previous !== undefined &&
    (SQUARE_OR_CUBIC.has(previous) || /^\d/u.test(previous));
  if (UNITS.has(key) || metre) return !ALL_CAPS.test(line.slice(next));
  if (ABBREVIATIONS.has(key) || DOTTED.test(word) || INITIAL.test(word)) return false;
  if (BEFORE_NUMBER.has(key) && /^\p{N}/u.test(line.slice(next))) return false;
  return true;
}
