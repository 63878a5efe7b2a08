import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import type { Article } from "./article.ts";

/** The article fields the index reads. */
export type IndexedArticle = Pick<Article, "id" | "title" | "summary">;

/** Where index writes go: an ioredis pipeline or MULTI, or any writer with the same two commands. */
export interface SetWriter {
  sadd(key: string, ...members: string[]): unknown;
  srem(key: string, ...members: string[]): unknown;
}

const MIN_WORD_CHARS = 2;
/** Longer words are neither indexed nor looked up. */
const MAX_WORD_CHARS = 64;
const APOSTROPHES = /['`´ʹʼ‘’′]/g;
const TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
const LATIN_MARKS = /(\p{Script=Latin})\p{M}+/gu;
const MARKS = /\p{M}+/gu;

/**
 * The words the index keeps for a text: Unicode lower case, diacritics
 * stripped from Latin letters ("café" → "cafe"), Cyrillic kept as written (й
 * and ї stay), stress marks dropped; words of letters and digits, at least 2
 * characters. A word with apostrophes is indexed both joined ("п'ять" →
 * "пять", "russia's" → "russias") and by its parts ("russia"), so either
 * spelling finds it.
 */
export function indexWords(text: string): string[] {
  const words = new Set<string>();
  for (const token of tokens(text)) {
    if (token.includes("'")) {
      add(words, token.replace(/'/g, ""));
      for (const part of token.split("'")) add(words, part);
    } else {
      add(words, token);
    }
  }
  return [...words];
}

/** The words of a query, normalised as indexWords does; an apostrophe word is matched joined. */
export function queryWords(text: string): string[] {
  const words = new Set<string>();
  for (const token of tokens(text)) add(words, token.replace(/'/g, ""));
  return [...words];
}

/** Why a query cannot be looked up: no word of two letters or more, or a word longer than any indexed. */
export type QueryProblem =
  | { kind: "no-words" }
  | { kind: "word-too-long"; word: string; length: number; maxChars: number };

/**
 * The first reason `text` cannot be searched, or undefined when it can. A
 * word over MAX_WORD_CHARS is named rather than dropped: no article can
 * match it, and dropping it would search for something else than asked.
 */
export function queryProblem(text: string): QueryProblem | undefined {
  for (const token of tokens(text)) {
    const length = [...token.replace(/'/g, "")].length;
    if (length > MAX_WORD_CHARS) {
      return { kind: "word-too-long", word: token, length, maxChars: MAX_WORD_CHARS };
    }
  }
  return queryWords(text).length === 0 ? { kind: "no-words" } : undefined;
}

/**
 * Queues the index writes for an article: its id goes into the set of each of
 * its words (title and summary), and, when `previous` is the stored version,
 * out of the sets of words it no longer has. Writes nothing else, so the
 * caller decides the transaction.
 */
export function indexArticle(
  writer: SetWriter,
  keys: Keys,
  article: IndexedArticle,
  previous?: IndexedArticle,
): void {
  const words = articleWords(article);
  for (const word of words) writer.sadd(keys.searchWord(word), article.id);
  if (!previous) return;
  const current = new Set(words);
  for (const word of articleWords(previous)) {
    if (!current.has(word)) writer.srem(keys.searchWord(word), previous.id);
  }
}

/**
 * Ids of the articles containing every word of `words`, newest first, at most
 * `limit`. Scales as an inverted index: one set per distinct word; memory grows
 * with the total of word occurrences (distinct words per article, summed); a
 * query costs one SINTER (about the smallest set's size × the number of words)
 * plus one ZMSCORE over the matches.
 */
export async function searchArticles(
  redis: Redis,
  keys: Keys,
  words: string,
  limit: number,
): Promise<string[]> {
  const query = queryWords(words);
  if (query.length === 0 || !(limit >= 1)) return [];
  const ids = await redis.sinter(...query.map((word) => keys.searchWord(word)));
  if (ids.length === 0) return [];
  const scores = await redis.zmscore(keys.articles(), ...ids);
  const found: { id: string; at: number }[] = [];
  ids.forEach((id, i) => {
    const score = scores[i];
    if (score !== null && score !== undefined) found.push({ id, at: Number(score) });
  });
  found.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return found.slice(0, Math.floor(limit)).map((f) => f.id);
}

function articleWords(article: IndexedArticle): string[] {
  return indexWords(`${article.title}\n${article.summary}`);
}

function tokens(text: string): string[] {
  const normalized = text
    .replace(APOSTROPHES, "'")
    .toLowerCase()
    .normalize("NFKD")
    .replace(LATIN_MARKS, "$1")
    .normalize("NFC")
    .replace(MARKS, "");
  return normalized.match(TOKEN) ?? [];
}

function add(words: Set<string>, word: string): void {
  const length = [...word].length;
  if (length >= MIN_WORD_CHARS && length <= MAX_WORD_CHARS) words.add(word);
}
