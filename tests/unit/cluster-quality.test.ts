import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Article } from "../../src/articles/article.ts";
import {
  SAME_STORY_THRESHOLD,
  stem,
  storyFeatures,
  storySimilarity,
} from "../../src/articles/clusters.ts";
import { createTagger, type Tagger } from "../../src/articles/tagger.ts";
import { jaccard } from "../../src/articles/text-similarity.ts";
import { loadTopics } from "../../src/articles/topics.ts";

const tagger = createTagger(
  loadTopics(new URL("../../content/topics.json", import.meta.url).pathname),
);

interface Story {
  title: string;
  summary: string;
}
interface Pair {
  same: boolean;
  a: Story;
  b: Story;
}

/** Invented pairs: see the note in each fixture. */
function pairs(file: string): Pair[] {
  const url = new URL(`../fixtures/feeds/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { pairs: Pair[] }).pairs;
}

interface Quality {
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
}

function quality(list: Pair[], same: (a: Story, b: Story) => boolean): Quality {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const pair of list) {
    const grouped = same(pair.a, pair.b);
    if (grouped && pair.same) tp++;
    else if (grouped) fp++;
    else if (pair.same) fn++;
  }
  return {
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    tp,
    fp,
    fn,
  };
}

function line(name: string, q: Quality, n: number): string {
  return `${name}: precision ${q.precision.toFixed(2)} recall ${q.recall.toFixed(2)} (pairs ${n}, tp ${q.tp}, fp ${q.fp}, fn ${q.fn})`;
}

/*
 * A cheap cross-language candidate, measured here and not used by the bot:
 * reports in English and Ukrainian share no words, but they share figures,
 * names (once transliterated) and gazetteer topics.
 */
const GENERIC = new Set(["ukrain", "russia", "україн", "російс", "росія", "росії"]);

const CYRILLIC_TO_LATIN: Readonly<Record<string, string>> = {
  а: "a",
  б: "b",
  в: "v",
  г: "h",
  ґ: "g",
  д: "d",
  е: "e",
  є: "ie",
  ж: "zh",
  з: "z",
  и: "y",
  і: "i",
  ї: "i",
  й: "i",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ь: "",
  ю: "iu",
  я: "ia",
  ы: "y",
  э: "e",
  ё: "io",
  ъ: "",
  "'": "",
};
/** How many Latin letters of a transliterated name are compared: "Харкові" and "Kharkiv" share "khar". */
const NAME_CHARS = 4;
const CAPITALISED = /^\p{Lu}/u;

/** Ukrainian (and Russian) letters in the national Latin spelling, so names compare across scripts. */
function transliterate(word: string): string {
  return [...word.toLowerCase()].map((char) => CYRILLIC_TO_LATIN[char] ?? char).join("");
}

/**
 * What two reports in different languages can share: the figures they
 * give, the names they spell with a capital (transliterated, first
 * NAME_CHARS letters) and the gazetteer topics they touch. Pure.
 */
function entityFeatures(article: Pick<Article, "title" | "summary">, tagger: Tagger): Set<string> {
  const text = `${article.title}\n${article.summary}`;
  const entities = new Set<string>();
  for (const word of text.match(/[\p{L}\p{N}'’]+/gu) ?? []) {
    if (/\d/.test(word)) {
      const digits = word.replace(/\D+$/u, "");
      if (digits !== "") entities.add(`#${digits}`);
      continue;
    }
    if (!CAPITALISED.test(word)) continue;
    const name = transliterate(word.replace(/’/g, "'")).slice(0, NAME_CHARS);
    if (name.length >= 3 && !GENERIC.has(stem(word.toLowerCase()))) entities.add(name);
  }
  for (const topic of tagger.tag(text)) entities.add(`topic:${topic}`);
  return entities;
}

/** How alike two reports in different languages are, in [0, 1]: the overlap of their entities. */
function crossLanguageSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  return jaccard(a, b);
}

const byWords = (a: Story, b: Story) =>
  storySimilarity(storyFeatures(a, tagger), storyFeatures(b, tagger)) >= SAME_STORY_THRESHOLD;
const byEntities = (threshold: number) => (a: Story, b: Story) =>
  crossLanguageSimilarity(entityFeatures(a, tagger), entityFeatures(b, tagger)) >= threshold;

describe("grouping quality on the invented pairs", () => {
  it("measures precision and recall within a language and across English/Ukrainian", () => {
    const within = pairs("cluster-pairs.json");
    const across = pairs("cluster-pairs-en-uk.json");
    const results = {
      withinWords: quality(within, byWords),
      acrossWords: quality(across, byWords),
      acrossEntities: quality(across, byEntities(SAME_STORY_THRESHOLD)),
      acrossEntitiesStrict: quality(across, byEntities(0.45)),
    };
    console.log(
      [
        line("same language, word similarity", results.withinWords, within.length),
        line("English/Ukrainian, word similarity", results.acrossWords, across.length),
        line(
          `English/Ukrainian, shared names, figures and topics >= ${SAME_STORY_THRESHOLD}`,
          results.acrossEntities,
          across.length,
        ),
        line(
          "English/Ukrainian, shared names, figures and topics >= 0.45",
          results.acrossEntitiesStrict,
          across.length,
        ),
      ].join("\n"),
    );
    expect(results.withinWords.precision).toBe(1);
    expect(results.withinWords.recall).toBe(1);
  });
});
