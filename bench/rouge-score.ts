import { tokenize } from "../src/articles/text-similarity.ts";

function f1(overlap: number, candidateLength: number, referenceLength: number): number {
  if (candidateLength === 0 && referenceLength === 0) return 1;
  if (overlap === 0) return 0;
  const precision = overlap / candidateLength;
  const recall = overlap / referenceLength;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * ROUGE-1 F1: unigram overlap of candidate and reference (each word counted at
 * most as often as it occurs in the other text), over tokenize's words with
 * stop words kept, as the metric is usually reported. 1 for identical texts, 0
 * when no word is shared.
 */
export function rouge1(candidate: string, reference: string): number {
  const candidateTokens = tokenize(candidate);
  const referenceTokens = tokenize(reference);
  const counts = new Map<string, number>();
  for (const token of referenceTokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  let overlap = 0;
  for (const token of candidateTokens) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      overlap++;
      counts.set(token, left - 1);
    }
  }
  return f1(overlap, candidateTokens.length, referenceTokens.length);
}

/** Length of the longest common subsequence of two token lists, in O(m·n) time and O(n) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  let current = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    for (let j = 1; j <= b.length; j++) {
      current[j] =
        x === b[j - 1]
          ? (previous[j - 1] ?? 0) + 1
          : Math.max(previous[j] ?? 0, current[j - 1] ?? 0);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/**
 * ROUGE-L F1: the longest common subsequence of the two texts' words as the
 * overlap, so word order counts but gaps do not. 1 for identical texts, 0 when
 * no word is shared.
 */
export function rougeL(candidate: string, reference: string): number {
  const candidateTokens = tokenize(candidate);
  const referenceTokens = tokenize(reference);
  return f1(
    lcsLength(candidateTokens, referenceTokens),
    candidateTokens.length,
    referenceTokens.length,
  );
}
