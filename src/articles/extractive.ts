import { SUMMARY_MAX_CHARS } from "./article.ts";
import { isBoilerplate } from "./boilerplate.ts";
import { splitSentences } from "./sentences.ts";
import { codePoints, cutAtWord } from "./text-cut.ts";
import {
  contentTokens,
  cosine,
  norm,
  stem,
  type TermVector,
  termVector,
  tokenize,
} from "./text-similarity.ts";

export interface ExtractiveOptions {
  /** longest summary, in characters (code points); default 500 */
  maxChars?: number;
  /** most sentences to pick; default 3 */
  maxSentences?: number;
  /** the article's title: sentences that share its words rank higher */
  title?: string;
}

const DEFAULT_MAX_SENTENCES = 3;

const WEIGHT_POSITION = 0.35;
const WEIGHT_CENTRALITY = 0.4;
const WEIGHT_TITLE = 0.25;
/** How fast the position weight falls: sentence i weighs 1 / (1 + i · POSITION_DECAY). */
const POSITION_DECAY = 0.5;
/** MMR: the score lost per unit of similarity to a sentence already chosen. */
const REDUNDANCY_PENALTY = 0.7;
/** A sentence this similar to a chosen one says the same thing and is skipped. */
const MAX_SIMILARITY = 0.6;

const OPENING_QUOTE = /^["“”„«‘‹'`]/u;
const CLOSING_QUOTE = /["“”»’›'`]/gu;
const SENTENCE_END = /[.!?…。]["”»’)\]]*$/u;
/**
 * A short sentence that only names who said what came before: "Про це
 * повідомив міністр оборони.", "Про це йдеться у зведенні Генштабу.", "Об
 * этом сообщил …". It adds nothing to a summary without that sentence.
 */
const ATTRIBUTION_ONLY =
  /^(?:про це|про що|об этом|как сообщ|як повідом|як зазнач|як інформ)[\p{L}\s,]*?(?:повідом|заяв|розпов|йдеться|ідеться|пише|пишуть|інформу|сказа|зазнач|наголоси|сообщ|говорит|пишет)/iu;
const ATTRIBUTION_MAX_WORDS = 14;

interface Sentence {
  index: number;
  text: string;
  chars: number;
  vector: Map<string, number>;
  /**
   * its words stemmed (Cyrillic ones cut to their first letters), for
   * comparing with the title, which puts names and nouns in other cases
   */
  stems: Map<string, number>;
  score: number;
}

/**
 * A short extractive summary of plain text (HTML already stripped): up to
 * `maxSentences` whole sentences, at most `maxChars` code points, in document
 * order. Sentences are ranked by lead position, centrality (content-word
 * cosine to the rest of the document), likeness to the title (over stems, so
 * a Ukrainian headline's cases still match the text's), length, and penalties
 * for quotes-only fragments, captions, boilerplate ("Read also",
 * "Subscribe", "Photo:") and bare attributions ("Про це повідомив …"), then
 * picked greedily skipping near-repeats (MMR).
 * A sentence is never cut, except when no sentence fits at all: then the best
 * one is cut at a word boundary and ends with "…". Deterministic; linear in
 * the text's length for a fixed number of picked sentences.
 */
export function summarizeExtractive(text: string, options: ExtractiveOptions = {}): string {
  return summarizeSentences(splitSentences(text), options);
}

/**
 * summarizeExtractive over text already split into sentences (say, after
 * dropping boilerplate the caller recognises); each sentence is kept whole,
 * its whitespace collapsed.
 */
export function summarizeSentences(
  sentences: readonly string[],
  options: ExtractiveOptions = {},
): string {
  const maxChars = Math.floor(options.maxChars ?? SUMMARY_MAX_CHARS);
  const maxSentences = Math.floor(options.maxSentences ?? DEFAULT_MAX_SENTENCES);
  if (!(maxChars >= 1) || !(maxSentences >= 1)) return "";
  const ranked = rank(sentences, options.title);
  if (ranked.length === 0) return "";

  const chosen = choose(ranked, maxChars, maxSentences);
  if (chosen.length === 0) return cutAtWord((ranked[0] as Sentence).text, maxChars);
  return chosen
    .sort((a, b) => a.index - b.index)
    .map((sentence) => sentence.text)
    .join(" ");
}

/** The candidate sentences, best first (ties: earlier first); boilerplate left out. */
function rank(raw: readonly string[], title: string | undefined): Sentence[] {
  const sentences: Sentence[] = [];
  for (const [index, value] of raw.entries()) {
    const text = value.replace(/\s+/g, " ").trim();
    if (text === "" || isBoilerplate(text)) continue;
    const tokens = tokenize(text);
    if (tokens.length === 0) continue;
    const content = contentTokens(tokens);
    sentences.push({
      index,
      text,
      chars: codePoints(text),
      vector: termVector(content),
      stems: termVector(content.map(stem)),
      score: quality(text, tokens.length),
    });
  }

  const documentVector = new Map<string, number>();
  for (const sentence of sentences) {
    for (const [term, count] of sentence.vector) {
      documentVector.set(term, (documentVector.get(term) ?? 0) + count);
    }
  }
  const titleVector = termVector(contentTokens(tokenize(title ?? "")).map(stem));

  const documentNorm = norm(documentVector);
  const centrality = sentences.map((sentence) =>
    centralityOf(sentence.vector, documentVector, documentNorm * documentNorm),
  );
  const maxCentrality = centrality.reduce((max, value) => Math.max(max, value), 0) || 1;
  const titleWeight = titleVector.size > 0 ? WEIGHT_TITLE : 0;
  const total = WEIGHT_POSITION + WEIGHT_CENTRALITY + titleWeight;

  for (const [i, sentence] of sentences.entries()) {
    const position = 1 / (1 + i * POSITION_DECAY);
    const central = (centrality[i] ?? 0) / maxCentrality;
    const titled = titleWeight > 0 ? cosine(sentence.stems, titleVector) : 0;
    const relevance =
      (WEIGHT_POSITION * position + WEIGHT_CENTRALITY * central + titleWeight * titled) / total;
    sentence.score *= relevance;
  }
  return sentences.sort((a, b) => b.score - a.score || a.index - b.index);
}

/**
 * Cosine of a sentence to the rest of the document (the document's term
 * counts minus its own), given the document vector's squared norm.
 */
function centralityOf(vector: TermVector, document: TermVector, documentNorm2: number): number {
  let dotProduct = 0;
  let sentenceNorm2 = 0;
  let restNorm2 = documentNorm2;
  for (const [term, count] of vector) {
    const total = document.get(term) ?? 0;
    const rest = total - count;
    dotProduct += count * rest;
    sentenceNorm2 += count * count;
    restNorm2 += rest * rest - total * total;
  }
  const denominator = Math.sqrt(sentenceNorm2 * Math.max(restNorm2, 0));
  return denominator === 0 ? 0 : dotProduct / denominator;
}

/** A factor in (0, 1] for how well a sentence can stand alone in a summary. */
function quality(text: string, words: number): number {
  let factor = 1;
  if (words < 5) factor *= 0.4;
  else if (words < 9) factor *= 0.75;
  else if (words > 55) factor *= 0.6;
  else if (words > 40) factor *= 0.85;
  if (OPENING_QUOTE.test(text)) factor *= isQuoteOnly(text) ? 0.3 : 0.75;
  if (!SENTENCE_END.test(text)) factor *= 0.6;
  if (words < ATTRIBUTION_MAX_WORDS && ATTRIBUTION_ONLY.test(text)) factor *= 0.3;
  return factor;
}

/** A sentence that is nothing but a quotation: it opens with a quote mark and the quote runs to its end. */
function isQuoteOnly(text: string): boolean {
  let lastClose = -1;
  for (const match of text.matchAll(CLOSING_QUOTE)) {
    if (match.index > 0) lastClose = match.index;
  }
  return lastClose === -1 || text.length - lastClose <= 3;
}

/** Greedy maximal marginal relevance under the character and sentence budgets. */
function choose(ranked: readonly Sentence[], maxChars: number, maxSentences: number): Sentence[] {
  const chosen: Sentence[] = [];
  const redundancy = new Map<Sentence, number>(ranked.map((sentence) => [sentence, 0]));
  let used = 0;
  while (chosen.length < maxSentences) {
    let best: Sentence | undefined;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const sentence of ranked) {
      const similarity = redundancy.get(sentence);
      if (similarity === undefined || similarity > MAX_SIMILARITY) continue;
      const length = used === 0 ? sentence.chars : used + 1 + sentence.chars;
      if (length > maxChars) continue;
      const value = sentence.score - REDUNDANCY_PENALTY * similarity * sentence.score;
      if (value > bestValue) {
        best = sentence;
        bestValue = value;
      }
    }
    if (!best) break;
    chosen.push(best);
    used = used === 0 ? best.chars : used + 1 + best.chars;
    redundancy.delete(best);
    for (const [sentence, similarity] of redundancy) {
      redundancy.set(sentence, Math.max(similarity, cosine(sentence.vector, best.vector)));
    }
  }
  return chosen;
}
