import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { createArticleStore } from "../../src/articles/article-store.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import type { BotContext } from "../../src/bot/context.ts";
import { createI18n } from "../../src/bot/i18n.ts";
import { type Chat, defaultSettings, newsLanguages } from "../../src/chats/chat.ts";
import { validateSettingsPatch } from "../../src/chats/settings.ts";
import { createDigestComposer } from "../../src/delivery/digest-composer.ts";
import { takesFlash } from "../../src/delivery/flash.ts";
import type { Translate } from "../../src/digest/labels.ts";
import { startBotHarness } from "../support/bot-harness.ts";
import { useRedis } from "../support/redis.ts";

// Invented articles for tests only: example.org links, made-up outlets and text.
const HOUR = 3_600_000;
const BASE = Date.now() - 12 * HOUR;

const english: ArticleInput = {
  url: "https://example.org/en/bridge",
  title: "Invented report on a bridge repair in an invented town",
  summary: "An invented English summary.",
  source: "Example Wire",
  publishedAt: BASE,
  lang: "en",
};
const ukrainian: ArticleInput = {
  url: "https://example.org/uk/shkola",
  title: "Вигадана новина про нову школу у вигаданому місті",
  summary: "Вигаданий підсумок українською.",
  source: "Приклад",
  publishedAt: BASE + HOUR,
  lang: "uk",
};

describe("news languages per chat", () => {
  it("defaults to the interface language plus English", () => {
    expect(newsLanguages({ lang: "en" })).toEqual(["en"]);
    expect(newsLanguages({ lang: "uk" })).toEqual(["en", "uk"]);
    expect(newsLanguages({ lang: "en", news: ["uk"] })).toEqual(["uk"]);
  });

  it("reads choices as typed and refuses others, naming what is allowed", () => {
    const topicIds = new Set<string>();
    const read = (news: unknown) => validateSettingsPatch({ news }, { topicIds });
    expect(read("both")).toEqual({ ok: true, value: { news: ["en", "uk"] } });
    expect(read("UK")).toEqual({ ok: true, value: { news: ["uk"] } });
    expect(read(["uk", "en"])).toEqual({ ok: true, value: { news: ["en", "uk"] } });
    expect(read(null)).toEqual({ ok: true, value: { news: null } });
    const bad = read("de");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]?.message).toMatch(/choose one or more of: en, uk/);
  });

  it("/latest: an English reader gets English only, a Ukrainian reader both, and the setting changes it", async () => {
    const h = await startBotHarness();
    await h.articles.put(english);
    await h.articles.put(ukrainian);
    const en = h.fake.addUser({ language_code: "en" });
    const uk = h.fake.addUser({ language_code: "uk" });

    const latest = async (user: typeof en) => {
      const before = h.fake.sent(user.id).length;
      h.fake.sendText(user.id, user, "/latest 10");
      return (await h.fake.waitForMessage(user.id, () => true, { sinceIndex: before })).text;
    };
    let text = await latest(en);
    expect(text).toContain(english.title);
    expect(text).not.toContain(ukrainian.title);
    text = await latest(uk);
    expect(text).toContain(english.title);
    expect(text).toContain(ukrainian.title);

    for (const [user, lang] of [
      [en, "en"],
      [uk, "uk"],
    ] as const) {
      await h.chats.ensure(user.id, { kind: "private" });
      await h.chats.updateSettings(user.id, { lang });
    }
    await h.chats.updateSettings(en.id, { news: "both" });
    await h.chats.updateSettings(uk.id, { news: ["uk"] });
    text = await latest(en);
    expect(text).toContain(ukrainian.title);
    expect(text).toContain(english.title);
    text = await latest(uk);
    expect(text).toContain(ukrainian.title);
    expect(text).not.toContain(english.title);
  });

  it("a scheduled digest and a flash follow the chat's news languages", async () => {
    const { redis, keys } = await useRedis();
    const articles = createArticleStore(redis, keys);
    await articles.put(english);
    await articles.put({ ...ukrainian, urgency: "flash" });
    const i18n = createI18n<BotContext>("en");
    const translate: Translate = (lang, key, vars) => i18n.t(lang, key, vars);
    const topics = loadTopics(fileURLToPath(new URL("../../content/topics.json", import.meta.url)));
    const compose = createDigestComposer({ articles, topics, translate, reuseMs: 0 });
    const chat = (lang: "en" | "uk", news?: ("en" | "uk")[]): Chat => ({
      ...defaultSettings({ lang, tz: "Europe/Kyiv" }),
      ...(news ? { news } : {}),
      id: lang === "en" ? 1 : 2,
      kind: "private",
      status: "active",
      cursor: 0,
      createdAt: BASE - 48 * HOUR,
      updatedAt: BASE - 48 * HOUR,
      managers: [],
    });
    const digestText = async (c: Chat) =>
      ((await compose(c, { now: Date.now(), flashed: [] }))?.parts ?? []).join("\n");

    expect(await digestText(chat("en"))).toContain(english.title);
    expect(await digestText(chat("en"))).not.toContain(ukrainian.title);
    expect(await digestText(chat("uk"))).toContain(ukrainian.title);
    expect(await digestText(chat("uk"))).toContain(english.title);
    expect(await digestText(chat("en", ["en", "uk"]))).toContain(ukrainian.title);
    expect(await digestText(chat("uk", ["uk"]))).not.toContain(english.title);

    const flash = { topics: [], lang: "uk" };
    expect(takesFlash(chat("en"), flash)).toBe(false);
    expect(takesFlash(chat("uk"), flash)).toBe(true);
    expect(takesFlash(chat("en", ["uk"]), flash)).toBe(true);
  });
});
