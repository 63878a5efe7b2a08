import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { INLINE_RESULTS } from "../../src/bot/features/inline.ts";
import { startBotHarness } from "../support/bot-harness.ts";

// Invented articles for tests only: example.org links, made-up outlets and text.
const HOUR = 3_600_000;
const BASE = Date.parse("2024-12-17T09:00:00Z");

function invented(i: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/inline/${i}`,
    title: `Invented headline ${i}`,
    summary: `Invented summary number ${i} about a drone strike near Kursk & <Sudzha>.`,
    source: "Example Wire",
    publishedAt: BASE - i * HOUR,
    topics: ["kursk"],
    ...extra,
  };
}

type Result = {
  id: string;
  title: string;
  description: string;
  input_message_content: { message_text: string; parse_mode: string };
};

describe("inline mode", () => {
  it("offers the latest stories, one per cluster, newest first, for an empty query", async () => {
    const h = await startBotHarness();
    for (let i = 0; i < 25; i++) await h.articles.put(invented(i));
    // two reports of one story: offered once, first at its newest time, led (as in
    // /latest) by the first report, naming the other outlet's report under it
    await h.articles.put(invented(30, { publishedAt: BASE + HOUR, cluster: "story-a" }));
    await h.articles.put(invented(31, { publishedAt: BASE + 2 * HOUR, cluster: "story-a" }));
    const reader = h.fake.addUser();
    const answer = await h.fake.waitForInlineAnswer(h.fake.inlineQuery(reader, ""));
    const results = answer.results as Result[];
    expect(results).toHaveLength(INLINE_RESULTS);
    expect(results.map((r) => r.title).slice(0, 3)).toEqual([
      "Invented headline 30",
      "Invented headline 0",
      "Invented headline 1",
    ]);
    expect(answer.cache_time).toBe(60);
    expect(answer.is_personal).toBe(true);
    expect(answer.button).toBeUndefined();
    const first = results[1] as Result;
    expect(first.description).toBe("Example Wire · 17 Dec 2024, 11:00");
    expect(first.input_message_content.parse_mode).toBe("HTML");
    expect(first.input_message_content.message_text).toContain("Kursk &amp; &lt;Sudzha&gt;");
    expect(first.input_message_content.message_text).toContain(
      '<a href="https://example.org/inline/0">',
    );
  });

  it("offers the stories matching every word, normalised as /search does", async () => {
    const h = await startBotHarness();
    await h.articles.put(invented(1));
    await h.articles.put(invented(2, { summary: "Invented summary about a bridge." }));
    await h.articles.put(
      invented(3, {
        title: "Вигадана новина про Курщину",
        summary: "Вигаданий підсумок: удар дронів по мосту в Курській області.",
        lang: "uk",
      }),
    );
    const reader = h.fake.addUser();
    const en = await h.fake.waitForInlineAnswer(h.fake.inlineQuery(reader, "  DRONE   kursk "));
    expect((en.results as Result[]).map((r) => r.title)).toEqual(["Invented headline 1"]);
    // an English reader's latest leave the Ukrainian report out (their news languages)
    const latest = await h.fake.waitForInlineAnswer(h.fake.inlineQuery(reader, ""));
    expect((latest.results as Result[]).map((r) => r.title).sort()).toEqual([
      "Invented headline 1",
      "Invented headline 2",
    ]);

    const uk = h.fake.addUser({ language_code: "uk" });
    const answer = await h.fake.waitForInlineAnswer(h.fake.inlineQuery(uk, "КУРСЬКІЙ області"));
    const results = answer.results as Result[];
    expect(results.map((r) => r.title)).toEqual(["Вигадана новина про Курщину"]);
    expect(results[0]?.description).toBe("Example Wire · 17 груд. 2024 р., 08:00");
  });

  it("offers a button to the latest news when nothing matches, in the reader's language", async () => {
    const h = await startBotHarness();
    await h.articles.put(invented(1));
    const reader = h.fake.addUser();
    const en = await h.fake.waitForInlineAnswer(h.fake.inlineQuery(reader, "ferry crimea"));
    expect(en.results).toEqual([]);
    expect(en.button).toEqual({
      text: "Nothing found. Open the latest news",
      start_parameter: "latest",
    });
    const uk = h.fake.addUser({ language_code: "uk" });
    const answer = await h.fake.waitForInlineAnswer(h.fake.inlineQuery(uk, "пором"));
    expect(answer.results).toEqual([]);
    expect(answer.button?.text).toBe("Нічого не знайдено. Відкрити останні новини");
    expect(h.fake.internalErrors).toEqual([]);
  });
});
