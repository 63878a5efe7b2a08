import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { type ArticleStore, createArticleStore } from "../../src/articles/article-store.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import type { BotContext } from "../../src/bot/context.ts";
import { createI18n } from "../../src/bot/i18n.ts";
import {
  type ComposeChat,
  type ComposeDeps,
  composeDigest,
  composeNothingNew,
} from "../../src/digest/compose.ts";
import type { Translate } from "../../src/digest/labels.ts";
import { useRedis } from "../support/redis.ts";
import { parseTelegramHtml } from "../support/telegram-html.ts";

// Invented articles: example.org links, made-up outlets and text.
const topics = loadTopics(fileURLToPath(new URL("../../content/topics.json", import.meta.url)));
const i18n = createI18n<BotContext>("en");
const translate: Translate = (lang, key, vars) => i18n.t(lang, key, vars);

const HOUR = 3_600_000;
const LAST_DELIVERY = Date.parse("2024-12-16T06:00:00Z"); // 08:00 in Kyiv, 01:00 in New York
const NOW = Date.parse("2024-12-17T06:00:00Z");

async function setup(): Promise<ComposeDeps & { articles: ArticleStore }> {
  const { redis, keys } = await useRedis();
  return { articles: createArticleStore(redis, keys), topics, translate };
}

let serial = 0;
async function put(store: ArticleStore, at: number, overrides: Partial<ArticleInput> = {}) {
  serial += 1;
  const { article } = await store.put({
    url: `https://example.org/invented/compose-${serial}`,
    title: `Invented report ${serial}`,
    summary: `An invented summary for test report ${serial}.`,
    source: "Example Wire",
    publishedAt: at,
    topics: ["kursk"],
    ...overrides,
  });
  return article;
}

function chat(overrides: Partial<ComposeChat> = {}): ComposeChat {
  return {
    kind: "private",
    lang: "en",
    tz: "Europe/Kyiv",
    topics: [],
    maxItems: 5,
    cursor: LAST_DELIVERY - HOUR,
    lastDeliveryAt: LAST_DELIVERY,
    ...overrides,
  };
}

function texts(parts: string[]): string[] {
  return parts.map((part) => parseTelegramHtml(part).text);
}

describe("composeDigest", () => {
  it("names the period in the chat's time zone", async () => {
    const deps = await setup();
    await put(deps.articles, NOW - 2 * HOUR);
    const kyiv = await composeDigest(chat(), deps, { now: NOW });
    expect(texts(kyiv?.parts ?? [])[0]).toMatch(/^📰 Digest — 16 Dec, 08:00 – 17 Dec, 08:00\n\n/);
    const newYork = await composeDigest(chat({ tz: "America/New_York" }), deps, { now: NOW });
    const first = texts(newYork?.parts ?? [])[0];
    expect(first).toMatch(/^📰 Digest — 16 Dec, 01:00 – 17 Dec, 01:00\n\n/);
    expect(first).toContain("Invented report");
  });

  it("writes the header in Ukrainian with Ukrainian month names", async () => {
    const deps = await setup();
    await put(deps.articles, NOW - 2 * HOUR);
    const digest = await composeDigest(chat({ lang: "uk" }), deps, { now: NOW });
    const [first] = texts(digest?.parts ?? []);
    expect(first).toMatch(/^📰 Дайджест — 16 груд\., 08:00 – 17 груд\., 08:00\n\n/);
    expect(first).toContain("#Курщина");
  });

  it("adds the year when the period reaches into another year", async () => {
    const deps = await setup();
    const newYear = Date.parse("2025-01-01T08:00:00Z");
    await put(deps.articles, newYear - HOUR);
    const lastYear = chat({
      cursor: Date.parse("2024-12-31T19:00:00Z"),
      lastDeliveryAt: Date.parse("2024-12-31T20:00:00Z"),
    });
    const digest = await composeDigest(lastYear, deps, { now: newYear });
    expect(texts(digest?.parts ?? [])[0]).toMatch(/^📰 Digest — 31 Dec 2024, 22:00 – 1 Jan, 10:00/);
  });

  it("returns the cursor to store and counts, with no footer when everything fit", async () => {
    const deps = await setup();
    await put(deps.articles, NOW - 3 * HOUR);
    const newest = await put(deps.articles, NOW - 2 * HOUR);
    const digest = await composeDigest(chat(), deps, { now: NOW });
    expect(digest).toMatchObject({ cursor: newest.publishedAt, itemCount: 2, more: 0 });
    expect(digest?.parts.join("")).not.toContain("/digest");
    expect(await composeDigest(chat({ cursor: newest.publishedAt }), deps, { now: NOW })).toBe(
      undefined,
    );
  });

  it("ends with how many stories are left, pointing to /digest except in channels", async () => {
    const deps = await setup();
    for (let i = 8; i >= 1; i--) await put(deps.articles, NOW - i * HOUR);
    const footer = async (overrides: Partial<ComposeChat>) => {
      const digest = await composeDigest(chat(overrides), deps, { now: NOW });
      return texts(digest?.parts ?? [])
        .at(-1)
        ?.split("\n\n")
        .at(-1);
    };
    expect(await footer({ maxItems: 3 })).toBe("…and 5 more stories — /digest");
    expect(await footer({ maxItems: 7 })).toBe("…and 1 more story — /digest");
    expect(await footer({ maxItems: 7, lang: "uk" })).toBe("…і ще 1 новина — /digest");
    expect(await footer({ maxItems: 6, lang: "uk" })).toBe("…і ще 2 новини — /digest");
    expect(await footer({ maxItems: 3, lang: "uk" })).toBe("…і ще 5 новин — /digest");
    expect(await footer({ maxItems: 3, kind: "channel" })).toBe("…and 5 more stories");
    expect(await footer({ maxItems: 8 })).not.toMatch(/more|digest/);
  });

  it("ends the period at the last story sent when stories were left out", async () => {
    const deps = await setup();
    await put(deps.articles, NOW - 5 * HOUR);
    await put(deps.articles, Date.parse("2024-12-17T03:15:00Z"));
    await put(deps.articles, NOW - HOUR);
    const digest = await composeDigest(chat({ maxItems: 2 }), deps, { now: NOW });
    expect(texts(digest?.parts ?? [])[0]).toMatch(/^📰 Digest — 16 Dec, 08:00 – 17 Dec, 05:15/);
  });
});

describe("composeNothingNew", () => {
  it("says since when and when the last article arrived, in the chat's zone and language", async () => {
    const deps = await setup();
    await put(deps.articles, Date.parse("2024-12-16T19:40:00Z"));
    const delivered = { cursor: Date.parse("2024-12-16T19:40:00Z"), lastDeliveryAt: NOW };
    const later = NOW + HOUR;
    expect(await composeNothingNew(chat(delivered), deps, { now: later })).toBe(
      "Nothing new since 17 Dec, 08:00. The last article arrived 16 Dec, 21:40.",
    );
    expect(await composeNothingNew(chat({ ...delivered, lang: "uk" }), deps, { now: later })).toBe(
      "Нічого нового з 17 груд., 08:00. Остання стаття надійшла 16 груд., 21:40.",
    );
    const ny = chat({ ...delivered, tz: "America/New_York" });
    expect(await composeNothingNew(ny, deps, { now: later })).toBe(
      "Nothing new since 17 Dec, 01:00. The last article arrived 16 Dec, 14:40.",
    );
  });

  it("says when there are no articles in the chat's topics at all", async () => {
    const deps = await setup();
    await put(deps.articles, NOW - 30 * HOUR, { topics: ["kursk"] });
    const firstTime = chat({ cursor: 0, topics: ["diplomacy"], lastDeliveryAt: undefined });
    expect(await composeNothingNew(firstTime, deps, { now: NOW })).toBe(
      "Nothing new since 16 Dec, 08:00. No articles have arrived yet.",
    );
  });
});
