import { readFileSync } from "node:fs";
import { SUMMARY_MAX_CHARS } from "../src/articles/article.ts";
import { summarizeExtractive } from "../src/articles/extractive.ts";
import { splitSentences } from "../src/articles/sentences.ts";
import { type Bench, type BenchResult, result, round, runIfMain } from "./lib.ts";
import { rouge1, rougeL } from "./rouge-score.ts";

/** One invented article with the summary a careful editor would write for it. */
export interface SummaryFixture {
  id: string;
  lang: string;
  title: string;
  url: string;
  text: string;
  reference: string;
}

const FIXTURES = new URL("../tests/fixtures/summaries/summaries.json", import.meta.url);
/** The Ukrainian summary fixtures, for the `rouge-uk` line. */
export const FIXTURES_UK = new URL(
  "../tests/fixtures/summaries-uk/summaries.json",
  import.meta.url,
);

/** The summary fixtures (invented texts, not news); the English ones unless `file` names others. */
export function loadSummaryFixtures(file: URL = FIXTURES): SummaryFixture[] {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { articles: SummaryFixture[] };
  return parsed.articles;
}

/**
 * The lead-3 baseline: the first three sentences, fewer when they would pass
 * `maxChars`; a first sentence longer than that is cut at a word boundary.
 */
export function lead3(text: string, maxChars = SUMMARY_MAX_CHARS): string {
  const picked: string[] = [];
  let used = 0;
  for (const raw of splitSentences(text).slice(0, 3)) {
    const sentence = raw.replace(/\s+/g, " ").trim();
    if (sentence === "") continue;
    const chars = [...sentence].length;
    const length = used === 0 ? chars : used + 1 + chars;
    if (length > maxChars) break;
    picked.push(sentence);
    used = length;
  }
  if (picked.length > 0) return picked.join(" ");
  const first = splitSentences(text)[0]?.replace(/\s+/g, " ").trim() ?? "";
  const head = [...first].slice(0, maxChars - 1).join("");
  return `${head.slice(0, Math.max(head.lastIndexOf(" "), 0))}…`;
}

/** Calls of `work` per second (each call summarizing `articles` texts), after a warm-up. */
function throughput(work: () => void, articles: number): number {
  for (let i = 0; i < 20; i++) work();
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < 500) {
    work();
    calls++;
  }
  return (calls * articles) / ((performance.now() - started) / 1000);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * ROUGE-1 and ROUGE-L F1 of summarizeExtractive (given each fixture's title)
 * against the fixtures' reference summaries, next to the lead-3 baseline in
 * the same run; the figures without the title and the throughput go to
 * stderr. Fails when the summarizer gives different output for the same input
 * or passes 500 characters.
 */
export const rouge: Bench = rougeBench("rouge", FIXTURES);

/** The same measure on the Ukrainian fixtures (tests/fixtures/summaries-uk). */
export const rougeUk: Bench = rougeBench("rouge-uk", FIXTURES_UK);

function rougeBench(name: string, file: URL): Bench {
  return {
    name,
    run: () => measure(name, loadSummaryFixtures(file)),
  };
}

async function measure(name: string, fixtures: SummaryFixture[]): Promise<BenchResult> {
  const ours = { r1: [] as number[], rl: [] as number[] };
  const untitled = { r1: [] as number[], rl: [] as number[] };
  const lead = { r1: [] as number[], rl: [] as number[] };
  for (const fixture of fixtures) {
    const summary = summarizeExtractive(fixture.text, { title: fixture.title });
    const again = summarizeExtractive(fixture.text, { title: fixture.title });
    if (summary !== again) {
      throw new Error(`summarizer is not deterministic on fixture ${fixture.id}`);
    }
    if ([...summary].length > SUMMARY_MAX_CHARS) {
      throw new Error(`summary of fixture ${fixture.id} passes ${SUMMARY_MAX_CHARS} characters`);
    }
    const withoutTitle = summarizeExtractive(fixture.text);
    const baseline = lead3(fixture.text);
    ours.r1.push(rouge1(summary, fixture.reference));
    ours.rl.push(rougeL(summary, fixture.reference));
    untitled.r1.push(rouge1(withoutTitle, fixture.reference));
    untitled.rl.push(rougeL(withoutTitle, fixture.reference));
    lead.r1.push(rouge1(baseline, fixture.reference));
    lead.rl.push(rougeL(baseline, fixture.reference));
  }

  const perSecond = throughput(() => {
    for (const fixture of fixtures) summarizeExtractive(fixture.text, { title: fixture.title });
  }, fixtures.length);
  const figures = (name: string, scores: typeof ours) =>
    `${name}: ROUGE-1 ${round(mean(scores.r1))}, ROUGE-L ${round(mean(scores.rl))}`;
  console.error(
    `${name}: ${fixtures.length} fixtures (F1 means); ${figures("ours", ours)}; ` +
      `${figures("lead-3", lead)}; ${figures("ours without title", untitled)}; ` +
      `${Math.round(perSecond)} summaries/s`,
  );
  return result(name, mean(ours.rl), "ROUGE-L F1", mean(lead.rl));
}

runIfMain(rouge, import.meta.url);
