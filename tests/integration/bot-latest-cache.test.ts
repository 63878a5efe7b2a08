import type { User } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { createArticleStore } from "../../src/articles/article-store.ts";
import { latestCacheFor } from "../../src/bot/features/latest.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";
import { testRedisUrl } from "../support/redis.ts";

// Invented articles for tests only: example.org links, made-up outlets and text.
const HOUR = 3_600_000;
const BASE = Date.UTC(2024, 11, 17, 9);

function invented(i: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/cached/${i}`,
    title: `Invented cached headline ${i}`,
    summary: `Invented cached summary ${i}.`,
    source: "Example Wire",
    publishedAt: BASE + i * HOUR,
    ...extra,
  };
}

/** What the bot answers `user` (in their private chat) to `text`. */
async function ask(h: BotHarness, user: User, text: string): Promise<SentMessage> {
  const since = h.fake.sent(user.id).length;
  h.fake.sendText(user.id, user, text);
  return h.fake.waitForMessage(user.id, () => true, { sinceIndex: since });
}

describe("/latest answers built once", () => {
  it("gives two readers with the same settings the answer of one build", async () => {
    const h = await startBotHarness();
    await h.articles.put(invented(1));
    const { article } = await h.articles.put(invented(2));
    const first = await ask(h, h.fake.addUser({ language_code: "en" }), "/latest");
    const second = await ask(h, h.fake.addUser({ language_code: "en" }), "/latest");
    expect(second.text).toBe(first.text);
    expect(second.text).toContain("Invented cached headline 2");
    expect(latestCacheFor(h.deps).builds).toBe(1);

    // changed behind the store's back (no version bump): the cached answer still holds
    await h.redis.hset(h.keys.article(article.id), "title", "Changed behind the store");
    const third = await ask(h, h.fake.addUser({ language_code: "en" }), "/latest");
    expect(third.text).toBe(first.text);
  });

  it("shows an article another process stored since the last answer", async () => {
    const h = await startBotHarness();
    await h.articles.put(invented(1));
    const reader = h.fake.addUser({ language_code: "en" });
    expect((await ask(h, reader, "/latest")).text).toContain("Invented cached headline 1");

    const feedsRedis = createRedis(testRedisUrl());
    try {
      await createArticleStore(feedsRedis, h.keys).put(invented(3));
    } finally {
      feedsRedis.disconnect();
    }
    const after = await ask(h, reader, "/latest");
    expect(after.text).toContain("Invented cached headline 3");
    expect(after.text).toContain("Invented cached headline 1");
  });

  it("shows an editor's corrected title at once", async () => {
    const h = await startBotHarness();
    const { article } = await h.articles.put(invented(1));
    const editor = h.fake.addUser({ language_code: "en" });
    h.deps.editorIds.push(editor.id);
    expect((await ask(h, editor, "/latest 1")).text).toContain("Invented cached headline 1");

    const card = await ask(h, editor, `/edit ${article.id}`);
    h.fake.pressButton(card, editor, `edit:title:${article.id}`);
    await h.fake.waitForMessage(editor.id, (m) => m.text.includes("Send the new title"));
    const saved = await ask(h, editor, "Invented cached headline, corrected");
    expect(saved.text).toContain("Title corrected");

    const after = await ask(h, editor, "/latest 1");
    expect(after.text).toContain("Invented cached headline, corrected");
    expect(after.text).not.toContain("Invented cached headline 1");
  });
});

describe("/latest answers differ with what they depend on", () => {
  async function withArticles() {
    const h = await startBotHarness();
    await h.articles.put(invented(1, { topics: ["kursk"] }));
    await h.articles.put(invented(2, { title: "Вигадана новина українською", lang: "uk" }));
    await h.articles.put(invented(3));
    return h;
  }

  /** A private chat with a record: its language, time zone and news languages. */
  async function reader(
    h: BotHarness,
    settings: { lang?: "en" | "uk"; tz?: string; news?: ("en" | "uk")[] },
  ) {
    const user = h.fake.addUser({ language_code: "en" });
    await h.chats.ensure(user.id, { kind: "private" });
    const updated = await h.chats.updateSettings(user.id, settings);
    expect(updated.ok).toBe(true);
    return user;
  }

  it("in the reader's language", async () => {
    const h = await withArticles();
    const news: ("en" | "uk")[] = ["en", "uk"];
    const en = await ask(h, await reader(h, { lang: "en", news }), "/latest");
    const uk = await ask(h, await reader(h, { lang: "uk", news }), "/latest");
    expect(en.text).toContain("Latest news");
    expect(uk.text).toContain("Найсвіжіші новини");
  });

  it("in the reader's news languages", async () => {
    const h = await withArticles();
    const both = await ask(h, await reader(h, { news: ["en", "uk"] }), "/latest");
    const ukOnly = await ask(h, await reader(h, { news: ["uk"] }), "/latest");
    expect(both.text).toContain("Invented cached headline 3");
    expect(ukOnly.text).toContain("Вигадана новина українською");
    expect(ukOnly.text).not.toContain("Invented cached headline 3");
  });

  it("with the count and the topic asked for", async () => {
    const h = await withArticles();
    const user = h.fake.addUser({ language_code: "en" });
    const three = await ask(h, user, "/latest 3");
    const one = await ask(h, user, "/latest 1");
    const kursk = await ask(h, user, "/start topic_kursk");
    expect(three.text).toContain("Invented cached headline 1");
    expect(one.text).toContain("Invented cached headline 3");
    expect(one.text).not.toContain("Invented cached headline 1");
    expect(kursk.text).toContain("Invented cached headline 1");
    expect(kursk.text).not.toContain("Invented cached headline 3");
  });

  it("with dates in the reader's time zone", async () => {
    const h = await withArticles();
    await h.articles.put(invented(11)); // 20:00 UTC: 22:00 in Kyiv, 05:00 the next day in Tokyo
    const kyiv = await ask(h, await reader(h, { tz: "Europe/Kyiv" }), "/latest 1");
    const tokyo = await ask(h, await reader(h, { tz: "Asia/Tokyo" }), "/latest 1");
    expect(kyiv.text).toContain("17 Dec 2024");
    expect(tokyo.text).toContain("18 Dec 2024");
  });
});
