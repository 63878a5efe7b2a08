/**
 * Abbreviations after which a full stop does not end a sentence, lower case,
 * without their dots. English titles and ranks, months; Ukrainian and Russian
 * place, unit and reference words ("м." місто, "вул.", "тис.", "млн.", "г.").
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
  "р",
  "рр",
  "ім",
  "вул",
  "просп",
  "пров",
  "пл",
  "буд",
  "кв",
  "тис",
  "млн",
  "млрд",
  "трлн",
  "грн",
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
  "тыс",
  "руб",
  "долл",
  "см",
  "др",
  "им",
]);

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
 * "Lt. Gen.", "Dr.", "e.g.", "вул.", "млн."), an initial ("J. Smith",
 * "В. Зеленський") or "No." before a number. Decimals ("1.5") and dots inside
 * words or links never split, having no whitespace after them. When in
 * doubt it keeps text together: a merged pair harms a summary less than a
 * sentence cut in two.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const rawLine of text.split(LINE_BREAK)) {
    const line = rawLine.replace(/\s+/gu, " ").trim().replace(LIST_MARKER, "");
    if (line === "") continue;
    let start = 0;
    for (const match of line.matchAll(CANDIDATE)) {
      const punctuation = match[1] ?? "";
      const end = match.index + punctuation.length + (match[2]?.length ?? 0);
      const next = match.index + match[0].length;
      if (punctuation === "." && !endsSentence(line, match.index, next)) continue;
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

/** Whether the single "." at `dot` ends a sentence; `next` is where the following text starts. */
function endsSentence(line: string, dot: number, next: number): boolean {
  const before = line.slice(0, dot);
  const word = before.slice(before.lastIndexOf(" ") + 1).replace(OPENING_PUNCTUATION, "");
  if (word === "") return true;
  const key = word.toLowerCase();
  if (ABBREVIATIONS.has(key) || DOTTED.test(word) || INITIAL.test(word)) return false;
  if (BEFORE_NUMBER.has(key) && /^\p{N}/u.test(line.slice(next))) return false;
  return true;
}
