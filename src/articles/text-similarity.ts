import { UK_STOP_WORDS } from "./stop-words-uk.ts";

/** Sparse term weights: term -> weight (a count, or a count times an importance). */
export type TermVector = ReadonlyMap<string, number>;

const APOSTROPHES = /['`´ʹʼ‘’′]/g;
const DIACRITIC_MARKS = /[\u0300-\u036f]/g;
const TOKEN =
  /\p{Nd}+(?:[.,\u00a0\u202f]\p{Nd}+)+|[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:'[\p{L}\p{M}\p{N}]+)*/gu;
const GROUPED_THOUSANDS = /^\p{Nd}{1,3}(?:[,\u00a0\u202f]\p{Nd}{3})+$/u;
const GROUP_SEPARATORS = /[,\u00a0\u202f]/gu;

/**
 * The words of a text, in order: runs of Unicode letters and digits, lower
 * case, every apostrophe variant written as "'" (so "п’ять" and "п'ять" are
 * one word) and stress marks dropped; punctuation and symbols separate words.
 * A number keeps its decimal point ("1.5"), and grouped thousands are joined
 * ("40,000", or with a no-break space, is "40000"), so figures compare as figures.
 * Pure and locale-independent, so the same text always gives the same tokens.
 */
export function tokenize(text: string): string[] {
  const normal = text.toLowerCase().normalize("NFC").replace(DIACRITIC_MARKS, "");
  const tokens = normal.replace(APOSTROPHES, "'").match(TOKEN) ?? [];
  return tokens.map((token) =>
    GROUPED_THOUSANDS.test(token) ? token.replace(GROUP_SEPARATORS, "") : token,
  );
}

const EN = `a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours ourselves
out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves it's he's she's they're we're
i'm don't doesn't didn't isn't wasn't aren't weren't won't can't said says say according told`;

const RU = `а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да
даже для до его ее её если есть еще ещё же за здесь и из или им их к как ко когда кто ли либо
мне может мы на над надо наш не него нее неё нет ни них но ну о об однако он она они оно от
очень по под после при про с со так также такой там те тем то того тоже той только том ты у
уже хотя чего чей чем что чтобы чье чья эта эти это этого этой этом этот я будет будут который
которая которые которых сообщил сообщила сообщили заявил заявила сказал`;

/** Function words of English, Ukrainian and Russian, in tokenize's normal form. */
export const stopWords: ReadonlySet<string> = new Set(
  `${EN} ${UK_STOP_WORDS} ${RU}`.split(/\s+/).flatMap((word) => tokenize(word)),
);

/**
 * The tokens that carry meaning: stop words and one-letter words removed,
 * numbers kept (figures are often the news).
 */
export function contentTokens(tokens: readonly string[]): string[] {
  return tokens.filter((token) => !stopWords.has(token) && (token.length > 1 || /\d/.test(token)));
}

const CYRILLIC = /[\u0400-\u04ff]/u;
/** How many leading letters of a Cyrillic word stand for it in stem(). */
const CYRILLIC_STEM_CHARS = 5;

/**
 * A Cyrillic (Ukrainian or Russian) word cut to its first five letters, so
 * the forms a case or verb ending makes compare as one word: "Харкові",
 * "Харкова" → "харко"; "підстанції", "підстанцій" → "підст". Prefix
 * truncation is the usual light stemmer for highly inflected languages in
 * retrieval; no maintained npm package stems Ukrainian. It also joins some
 * unrelated words sharing a start, so it is used where forms differ most and
 * a false match costs least: between a headline and the text. Other words
 * and numbers are returned as they are.
 */
export function stem(token: string): string {
  if (!CYRILLIC.test(token)) return token;
  const letters = [...token];
  return letters.length <= CYRILLIC_STEM_CHARS
    ? token
    : letters.slice(0, CYRILLIC_STEM_CHARS).join("");
}

/**
 * Counts each token, optionally multiplied by `weights` (e.g. an inverse
 * document frequency; a term missing from `weights` gets `defaultWeight`).
 */
export function termVector(
  tokens: readonly string[],
  weights?: ReadonlyMap<string, number>,
  defaultWeight = 1,
): Map<string, number> {
  const vector = new Map<string, number>();
  for (const token of tokens) {
    const weight = weights ? (weights.get(token) ?? defaultWeight) : 1;
    vector.set(token, (vector.get(token) ?? 0) + weight);
  }
  return vector;
}

/** Euclidean length of a term vector. */
export function norm(vector: TermVector): number {
  let sum = 0;
  for (const weight of vector.values()) sum += weight * weight;
  return Math.sqrt(sum);
}

/** Dot product of two term vectors; walks the smaller one, so it costs O(min size). */
function dot(a: TermVector, b: TermVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, weight] of small) {
    const other = large.get(term);
    if (other !== undefined) sum += weight * other;
  }
  return sum;
}

/**
 * Cosine similarity in [0, 1] for non-negative weights: 1 for the same
 * direction, 0 when no term is shared or either vector is empty.
 */
export function cosine(a: TermVector, b: TermVector): number {
  const denominator = norm(a) * norm(b);
  return denominator === 0 ? 0 : dot(a, b) / denominator;
}

/**
 * Jaccard similarity of two sets of terms: |a ∩ b| / |a ∪ b|, in [0, 1];
 * 1 for two empty sets (nothing distinguishes them).
 */
export function jaccard(a: Iterable<string>, b: Iterable<string>): number {
  const left = a instanceof Set ? (a as ReadonlySet<string>) : new Set(a);
  const right = b instanceof Set ? (b as ReadonlySet<string>) : new Set(b);
  if (left.size === 0 && right.size === 0) return 1;
  const [small, large] = left.size <= right.size ? [left, right] : [right, left];
  let shared = 0;
  for (const term of small) if (large.has(term)) shared++;
  return shared / (left.size + right.size - shared);
}
