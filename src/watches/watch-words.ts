import { indexWords, queryWords } from "../articles/search-index.ts";

/** Watches one chat may keep. */
export const MAX_WATCHES = 10;
/** Words one watch may hold. */
export const MAX_WATCH_WORDS = 5;

/** A watch as stored: its normalised words, and the one it is indexed by. */
export interface Watch {
  /** the words joined by one space: the watch's identity within its chat */
  phrase: string;
  words: string[];
  /** the longest word (the first of equals): usually the rarest, so the index set it sits in stays small */
  keyWord: string;
}

export type ParsedWatch =
  | { ok: true; watch: Watch }
  | { ok: false; reason: "no-words" | "too-many-words" };

/**
 * A reader's words as a watch, normalised exactly as /search normalises a
 * query (search-index.ts queryWords: case, apostrophes, Latin diacritics),
 * each kept once, in the order given. Words are plain text, never patterns.
 */
export function parseWatch(text: string): ParsedWatch {
  const words = queryWords(text);
  if (words.length === 0) return { ok: false, reason: "no-words" };
  if (words.length > MAX_WATCH_WORDS) return { ok: false, reason: "too-many-words" };
  return { ok: true, watch: watchOf(words) };
}

/** The watch a stored phrase stands for. */
export function watchOfPhrase(phrase: string): Watch {
  return watchOf(phrase.split(" "));
}

function watchOf(words: string[]): Watch {
  let keyWord = words[0] as string;
  for (const word of words) if ([...word].length > [...keyWord].length) keyWord = word;
  return { phrase: words.join(" "), words, keyWord };
}

/**
 * The words an article offers to watches: those /search indexes for it
 * (title and summary; an apostrophe word both joined and by its parts), so a
 * watch matches whole words exactly where /search would find the article.
 */
export function articleWatchWords(article: { title: string; summary: string }): Set<string> {
  return new Set(indexWords(`${article.title}\n${article.summary}`));
}
