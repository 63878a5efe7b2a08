import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { startBotHarness } from "../support/bot-harness.ts";

// Invented articles for tests only: example.org links, made-up outlets and text.
const HOUR = 3_600_000;
const BASE = Date.parse("2024-12-17T09:00:00Z");

function invented(i: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/search/${i}`,
    title: `Invented headline ${i}`,
    summary: `Invented summary number ${i} about a drone strike near Kursk.`,
    source: "Example Wire",
    publishedAt: BASE - i * HOUR,
    topics: ["kursk"],
    ...extra,
  };
}

describe("/search", () => {
  it("shows the newest five articles containing every word, under a header", async () => {
    const h = await startBotHarness();
    for (let i = 0; i < 7; i++) await h.articles.put(invented(i));
    await h.articles.put(
      invented(9, { summary: "Invented summary about a drone strike on a bridge.", topics: [] }),
    );
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/search  Drone   KURSK ");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text.split("\n")[0]).toBe("🔎 Search: Drone KURSK");
    const titles = reply.text.match(/Invented headline \d+/g);
    expect(titles).toEqual([0, 1, 2, 3, 4].map((i) => `Invented headline ${i}`));
    expect(reply.text).not.toContain("Invented headline 9");
    expect(reply.parse_mode).toBe("HTML");
  });

  it("finds Cyrillic words in any letter case", async () => {
    const h = await startBotHarness();
    await h.articles.put(
      invented(1, {
        title: "Вигадана новина про Курщину",
        summary: "Вигаданий підсумок: удар дронів по мосту в Курській області.",
        lang: "uk",
      }),
    );
    await h.articles.put(invented(2));
    const user = h.fake.addUser({ language_code: "uk" });
    h.fake.sendText(user.id, user, "/search КУРСЬКІЙ області");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text.split("\n")[0]).toBe("🔎 Пошук: КУРСЬКІЙ області");
    expect(reply.text).toContain("Вигадана новина про Курщину");
    expect(reply.text).not.toContain("Invented headline 2");
  });

  it("says so when nothing matches, escaping the words", async () => {
    const h = await startBotHarness();
    await h.articles.put(invented(0));
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/search Kursk <b>bridge</b> & ferry");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text).toBe(
      "Nothing found for “Kursk <b>bridge</b> & ferry”. Try fewer words or other ones.",
    );
    expect(reply.entities).toEqual([]);
  });

  it("explains how to search when no word is given", async () => {
    const h = await startBotHarness();
    await h.articles.put(invented(0));
    const user = h.fake.addUser();
    for (const text of ["/search", "/search  ", "/search a !"]) {
      const before = h.fake.sent(user.id).length;
      h.fake.sendText(user.id, user, text);
      const reply = await h.fake.waitForMessage(user.id, () => true, { sinceIndex: before });
      expect(reply.text).toMatch(/^Send \/search with the words to look for/);
    }
    const uk = h.fake.addUser({ language_code: "uk" });
    h.fake.sendText(uk.id, uk, "/search");
    expect((await h.fake.waitForMessage(uk.id)).text).toMatch(/^Надішліть \/search/);
  });

  it("names a word too long to look up instead of asking for two letters", async () => {
    const h = await startBotHarness();
    await h.articles.put(invented(0));
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, `/search drone ${"a".repeat(5000)}`);
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text).toBe(
      `A word in your search is too long: “${"a".repeat(20)}…” has 5,000 letters, and I look up words of at most 64. Send shorter words, for example /search Kursk.`,
    );
    const uk = h.fake.addUser({ language_code: "uk" });
    h.fake.sendText(uk.id, uk, `/search ${"я".repeat(65)}`);
    expect((await h.fake.waitForMessage(uk.id)).text).toMatch(
      /^Слово в запиті задовге: «я{20}…» має 65 літер, а я шукаю слова щонайбільше з 64 літер\./,
    );
  });

  it("answers in a group", async () => {
    const h = await startBotHarness();
    await h.articles.put(invented(0));
    const group = h.fake.addChat({ type: "group", title: "Invented group" });
    const member = h.fake.addUser();
    h.fake.sendText(group.id, member, `/search@${h.fake.bot.username} drone`);
    const reply = await h.fake.waitForMessage(group.id);
    expect(reply.text).toContain("Invented headline 0");
  });
});
