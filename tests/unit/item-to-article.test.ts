import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capTitle, SUMMARY_MAX_CHARS, TITLE_MAX_CHARS } from "../../src/articles/article.ts";
import { createTagger } from "../../src/articles/tagger.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import { clampPublishedAt, itemSentences, itemToArticle } from "../../src/feeds/item-to-article.ts";
import type { FeedItem } from "../../src/feeds/parse-feed.ts";
import { parseFeedText } from "../../src/feeds/parse-feed.ts";
import { readFixture } from "../support/feed-server.ts";

const tagger = createTagger(
  loadTopics(new URL("../../content/topics.json", import.meta.url).pathname),
);
const source = { name: "Example Outlet", lang: "en" };
const fetchedAt = Date.UTC(2024, 11, 17, 12);
const context = { source, tagger, fetchedAt };

// Every item below is invented; links point to example.org.
function item(fields: Partial<FeedItem>): FeedItem {
  return {
    url: "https://example.org/2024/12/17/invented/",
    title: "Invented headline",
    categories: [],
    ...fields,
  };
}

const codePoints = (s: string) => [...s].length;

describe("capTitle", () => {
  it("leaves a title that fits alone", () => {
    const fits = "x".repeat(TITLE_MAX_CHARS);
    expect(capTitle(fits)).toBe(fits);
  });

  it("cuts a long title at a word and ends it with an ellipsis", () => {
    const capped = capTitle(`Invented ${"headline ".repeat(40)}`);
    expect(codePoints(capped)).toBeLessThanOrEqual(TITLE_MAX_CHARS);
    expect(capped).toMatch(/ headline…$/);
  });

  it("cuts one endless word inside it, never inside a surrogate pair", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 200, maxLength: 600 }), (text) => {
        const capped = capTitle(text);
        expect(codePoints(capped)).toBeLessThanOrEqual(TITLE_MAX_CHARS);
        expect(capped).not.toMatch(
          /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
        );
      }),
    );
    expect(capTitle("🇺🇦".repeat(300))).toMatch(/^(\uD83C[\uDDE6-\uDDFF])+…$/);
  });
});

describe("itemToArticle", () => {
  it("caps a feed's 4,400-character title", () => {
    const input = itemToArticle(item({ title: `Invented ${"word ".repeat(880)}` }), context);
    expect(codePoints(input?.title ?? "")).toBeLessThanOrEqual(TITLE_MAX_CHARS);
    expect(input?.title).toMatch(/^Invented word .* word…$/);
  });

  it("summarises the full body in whole sentences without boilerplate", () => {
    const [first] = parseFeedText(readFixture("rss2-content.xml").toString("utf8")).items;
    const input = itemToArticle(first as FeedItem, context);
    expect(input).toMatchObject({
      url: "https://example.org/2024/12/17/bridge-exampleville/",
      title: "Invented headline: volunteers repair a bridge in Exampleville",
      source: "Example Outlet",
      lang: "en",
      author: "Jane Example",
      publishedAt: Date.parse("2024-12-17T08:30:00Z"),
    });
    expect(input?.summary).toBe(
      "Volunteers in the invented town of Exampleville repaired a footbridge over the Sample River on Tuesday, the fictional mayor said. The work took three days & used donated timber.",
    );
    expect(input?.summary).not.toMatch(/Read also|Photo|trackVisit/);
  });

  it("tags topics found in the title and anywhere in the text", () => {
    const input = itemToArticle(
      item({
        title: "Invented: volunteers deliver generators",
        html: "<p>Volunteers delivered generators on Monday.</p><p>Later they drove on to Sudzha in Kursk Oblast with more supplies.</p>",
      }),
      context,
    );
    expect(input?.topics).toContain("kursk");
  });

  it("keeps at most three sentences and 500 characters of a long body", () => {
    const html = [
      "A storm tore the roof off the school in the invented village of Sampleton on Sunday night.",
      "Parents, teachers and a local builder spent Monday covering the classrooms with tarpaulin.",
      "The invented district council promised to pay for new roofing sheets before the frost arrives.",
      "Pupils will study in the community hall until the repairs are finished, the head teacher said.",
      "A charity from a neighbouring town offered to send volunteers with tools at the weekend.",
      "Weather forecasters expect more strong wind in the region later in the week.",
      "The school was built in the invented year of 1901 and has never closed for this long before.",
    ]
      .map((sentence) => `<p>${sentence}</p>`)
      .join("");
    const input = itemToArticle(item({ html }), context);
    const summary = input?.summary ?? "";
    expect(codePoints(summary)).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary.split(/(?<=\.) /)).toHaveLength(3);
    expect(summary).toMatch(/\.$/);
  });

  it("drops the unfinished last sentence of a teaser cut with […]", () => {
    const input = itemToArticle(
      item({
        description:
          "<p>An invented ferry resumed service on Monday. The operator said that the timetable would [&#8230;]</p>",
      }),
      context,
    );
    expect(input?.summary).toBe("An invented ferry resumed service on Monday.");
  });

  it("marks a teaser that is one cut sentence with an ellipsis", () => {
    const [first] = parseFeedText(readFixture("rss2-content.xml").toString("utf8")).items;
    const teaser = { ...(first as FeedItem), html: undefined } as FeedItem;
    expect(itemSentences(teaser)).toEqual([
      "Volunteers in the invented town of Exampleville repaired a footbridge…",
    ]);
  });

  it("removes WordPress's 'The post … appeared first on …' footer", () => {
    const input = itemToArticle(
      item({
        description:
          "<p>An invented library reopened after repairs.</p><p>The post Invented library reopens appeared first on Example Outlet.</p>",
      }),
      context,
    );
    expect(input?.summary).toBe("An invented library reopened after repairs.");
  });

  it("uses the fetch time for an undated item and never a time still to come", () => {
    expect(itemToArticle(item({}), context)?.publishedAt).toBe(fetchedAt);
    expect(itemToArticle(item({ publishedAt: fetchedAt + 3_600_000 }), context)?.publishedAt).toBe(
      fetchedAt,
    );
    expect(clampPublishedAt(fetchedAt - 5, fetchedAt)).toBe(fetchedAt - 5);
    expect(clampPublishedAt(Number.NaN, fetchedAt)).toBe(fetchedAt);
  });

  it("gives an empty summary when the item carries no text, and nothing without link or title", () => {
    expect(itemToArticle(item({}), context)?.summary).toBe("");
    expect(itemToArticle(item({ url: undefined }), context)).toBeUndefined();
    expect(itemToArticle(item({ title: "  " }), context)).toBeUndefined();
  });

  it("always returns whole sentences of the text within 500 characters", () => {
    const word = fc.stringMatching(/^[a-z]{1,14}$/);
    const sentence = fc
      .array(word, { minLength: 3, maxLength: 30 })
      .map((words) => `Invented ${words.join(" ")}.`);
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 25 }), (sentences) => {
        const html = sentences.map((s) => `<p>${s}</p>`).join("");
        const summary = itemToArticle(item({ html }), context)?.summary ?? "";
        expect(codePoints(summary)).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
        if (sentences.some((s) => codePoints(s) <= SUMMARY_MAX_CHARS)) {
          for (const part of summary.split(/(?<=\.) (?=Invented )/)) {
            expect(sentences).toContain(part);
          }
        }
      }),
    );
  });
});
