import type { Topic } from "./topics.ts";

/** One place in a text where an alias of a topic was found. */
interface TopicMatch {
  topic: string;
  /** the alias as written in topics.json, e.g. "Kursk Oblast" or "Курськ*" */
  alias: string;
  /** UTF-16 offset of the match in the text given */
  index: number;
  /** the matched text as it appears in the text given */
  text: string;
}

export interface Tagger {
  /** Topic ids found in `text`, unique, in the order of topics.json. */
  tag(text: string): string[];
  /** Every match, in text order; for one stretch of text, in the order of topics.json. */
  matches(text: string): TopicMatch[];
}

interface Entry {
  topic: string;
  alias: string;
  order: number;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  literal: boolean;
  wildcard: boolean;
}

const WORD = String.raw`[\p{L}\p{N}\p{M}]`;
const START = `(?<!${WORD})`;
const END = `(?!${WORD})`;
/**
 * The letters a stem may be followed by: Latin, Greek, Cyrillic, digits and
 * combining marks. Narrower than WORD on purpose: a Unicode property class
 * is expensive to compile and a gazetteer has hundreds of stems.
 */
const STEM_TAIL = String.raw`[0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0300-\u036f\u0370-\u03ff\u0400-\u052f\u1e00-\u1eff]`;
const WORD_ONLY = /^[\p{L}\p{N}\p{M}]*$/u;
const WHITESPACE = /\s/u;
const SPAN_CACHE_SIZE = 10_000;

/**
 * Characters that compare equal once lower-cased: ё/е and ї/і, which
 * writers use interchangeably; apostrophe and dash variants; and Latin
 * letters that look exactly like Cyrillic ones, which turn up in mixed-up
 * keyboard layouts ("Kурськ" with a Latin K).
 */
const EQUIVALENT: ReadonlyMap<string, string> = new Map([
  ["ё", "е"],
  ["ї", "і"],
  ["’", "'"],
  ["ʼ", "'"],
  ["‘", "'"],
  ["`", "'"],
  ["´", "'"],
  ["′", "'"],
  ["‐", "-"],
  ["‑", "-"],
  ["‒", "-"],
  ["–", "-"],
  ["a", "а"],
  ["c", "с"],
  ["e", "е"],
  ["i", "і"],
  ["k", "к"],
  ["o", "о"],
  ["p", "р"],
  ["x", "х"],
  ["y", "у"],
]);

/**
 * Builds a tagger for the given topics. All aliases are compiled once into a
 * single regular expression shaped as a trie, so tagging costs one scan of
 * the text however many aliases there are.
 *
 * Matching rules: case-insensitive, whole words only (a match is never
 * preceded or followed by a letter, digit or combining mark), and the
 * longest alias wins at each place, so "Kursk Oblast" is one match rather
 * than "Kursk" plus something else, and a shorter alias inside a longer
 * match is not reported. See topics.ts for stems ("Курськ*") and the
 * characters treated as equal.
 */
export function createTagger(topics: readonly Topic[]): Tagger {
  const root: TrieNode = newNode();
  const literals = new Map<string, Entry[]>();
  const stems = new Map<string, Entry[]>();

  topics.forEach((topic, order) => {
    const all = [...topic.aliases.en, ...topic.aliases.uk, ...topic.aliases.ru];
    for (const alias of all) {
      const wildcard = alias.endsWith("*");
      const key = fold(wildcard ? alias.slice(0, -1) : alias).trim();
      if (key === "") continue;
      const map = wildcard ? stems : literals;
      const entries = map.get(key) ?? [];
      if (!entries.some((e) => e.topic === topic.id))
        entries.push({ topic: topic.id, alias, order });
      map.set(key, entries);

      let node = root;
      for (const ch of key) {
        let next = node.children.get(ch);
        if (!next) {
          next = newNode();
          node.children.set(ch, next);
        }
        node = next;
      }
      if (wildcard) node.wildcard = true;
      else node.literal = true;
    }
  });

  const rank = new Map(topics.map((t, i) => [t.id, i]));
  const body = root.children.size === 0 ? "(?!)" : nodePattern(root);
  const pattern = new RegExp(`${START}${body}${END}`, "gu");

  function lookup(key: string): Entry[] {
    const found: Entry[] = [...(literals.get(key) ?? [])];
    for (let end = key.length; end > 0; end--) {
      const entries = stems.get(key.slice(0, end));
      if (entries && WORD_ONLY.test(key.slice(end))) found.push(...entries);
    }
    const byTopic = new Map<string, Entry>();
    for (const entry of found.sort((a, b) => a.order - b.order)) {
      if (!byTopic.has(entry.topic)) byTopic.set(entry.topic, entry);
    }
    return [...byTopic.values()];
  }

  // The same few hundred spellings recur in every article.
  const bySpan = new Map<string, Entry[]>();
  function entriesFor(span: string): Entry[] {
    let entries = bySpan.get(span);
    if (entries === undefined) {
      entries = lookup(fold(span));
      if (bySpan.size >= SPAN_CACHE_SIZE) bySpan.clear();
      bySpan.set(span, entries);
    }
    return entries;
  }

  function matches(text: string): TopicMatch[] {
    const out: TopicMatch[] = [];
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      for (const entry of entriesFor(m[0])) {
        out.push({ topic: entry.topic, alias: entry.alias, index: m.index, text: m[0] });
      }
    }
    return out;
  }

  function tag(text: string): string[] {
    const found = new Set(matches(text).map((m) => m.topic));
    return [...found].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
  }

  return { tag, matches };
}

function newNode(): TrieNode {
  return { children: new Map(), literal: false, wildcard: false };
}

/**
 * Longer continuations are tried before a stem's "rest of the word", which
 * is tried before the end of a literal alias; the one word-end check comes
 * after the whole trie, and backtracking into it tries the next candidate,
 * so the regex engine's first success is the longest match at that place.
 */
function nodePattern(node: TrieNode): string {
  const alternatives: string[] = [];
  for (const ch of [...node.children.keys()].sort()) {
    const child = node.children.get(ch);
    if (child) alternatives.push(charPattern(ch) + nodePattern(child));
  }
  if (node.wildcard) alternatives.push(`${STEM_TAIL}*`);
  else if (node.literal) alternatives.push("");
  if (alternatives.length === 1 && !node.wildcard && !node.literal) return alternatives[0] ?? "";
  return `(?:${alternatives.join("|")})`;
}

function foldChar(ch: string): string {
  const lower = ch.toLowerCase();
  const single = [...lower].length === 1 ? lower : ch;
  return EQUIVALENT.get(single) ?? single;
}

/** The comparison form of a text: NFC, lower case, equivalent characters merged, whitespace runs as one space. */
function fold(text: string): string {
  let out = "";
  let inSpace = false;
  for (const ch of text.normalize("NFC")) {
    if (WHITESPACE.test(ch)) {
      if (!inSpace) out += " ";
      inSpace = true;
    } else {
      out += foldChar(ch);
      inSpace = false;
    }
  }
  return out;
}

const charPatterns = new Map<string, string>();

/** Every spelling that folds to `canonical`, upper and lower case, precomposed or not. */
function charPattern(canonical: string): string {
  let pattern = charPatterns.get(canonical);
  if (pattern === undefined) {
    pattern = buildCharPattern(canonical);
    charPatterns.set(canonical, pattern);
  }
  return pattern;
}

function buildCharPattern(canonical: string): string {
  if (canonical === " ") return String.raw`\s+`;
  const candidates = new Set([canonical, canonical.toUpperCase()]);
  for (const [from, to] of EQUIVALENT) {
    if (to === canonical) {
      candidates.add(from);
      candidates.add(from.toUpperCase());
    }
  }
  const singles = [...candidates].filter((c) => [...c].length === 1 && foldChar(c) === canonical);
  const sequences = singles.map((c) => c.normalize("NFD")).filter((d) => [...d].length > 1);
  const cls =
    singles.length === 1 ? escapeChar(singles[0] ?? "") : `[${singles.map(escapeChar).join("")}]`;
  if (sequences.length === 0) return cls;
  return `(?:${cls}|${sequences.map((s) => [...s].map(escapeChar).join("")).join("|")})`;
}

function escapeChar(ch: string): string {
  return `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`;
}
