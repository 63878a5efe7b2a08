import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { startBotHarness } from "../support/bot-harness.ts";

// Invented articles for tests only: example.org links, made-up outlets and text.
const HOUR = 3_600_000;
const BASE = Date.now() - 24 * HOUR;

function invented(i: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/latest/${i}`,
    title: `Invented headline ${i}`,
    summary: `Invented summary number ${i}.`,
    source: "Example Wire",
    publishedAt: BASE + i * HOUR,
    ...extra,
  };
}

function links(reply: { entities?: { type: string; url?: string }[] }): string[] {
  return (reply.entities ?? []).filter((e) => e.type === "text_link").map((e) => e.url ?? "");
}

describe("/latest links", () => {
  it("sends the publisher's link with its trailing slash, without trackers", async () => {
    const h = await startBotHarness();
    await h.articles.put(
      invented(1, {
        url: "https://example.org/news/grain-terminal-strike/?utm_source=rss&utm_medium=feed",
      }),
    );
    // the same page re-listed without the slash is still one article
    await h.articles.put(invented(1, { url: "https://example.org/news/grain-terminal-strike" }));
    expect(await h.articles.count()).toBe(1);
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/latest 5");
    const reply = await h.fake.waitForMessage(user.id);
    expect(links(reply)).toEqual(["https://example.org/news/grain-terminal-strike/"]);
  });
});
