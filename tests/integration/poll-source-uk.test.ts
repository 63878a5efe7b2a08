import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createArticleStore } from "../../src/articles/article-store.ts";
import { createTagger } from "../../src/articles/tagger.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import { createFeedStateStore } from "../../src/feeds/feed-state.ts";
import { type PollSourceDeps, pollSource } from "../../src/feeds/poll-source.ts";
import { loadSources, type Source } from "../../src/feeds/sources.ts";
import { type FeedServer, readFixture, startFeedServer } from "../support/feed-server.ts";
import { useRedis } from "../support/redis.ts";

const tagger = createTagger(
  loadTopics(new URL("../../content/topics.json", import.meta.url).pathname),
);
const START = Date.UTC(2024, 11, 17, 12);

let server: FeedServer;
beforeEach(async () => {
  server = await startFeedServer();
});
afterEach(async () => {
  await server.close();
});

async function harness() {
  const { redis, keys } = await useRedis();
  const clock = { now: START };
  const articles = createArticleStore(redis, keys);
  const deps: PollSourceDeps = {
    redis,
    keys,
    articles,
    tagger,
    logger: pino({ level: "silent" }),
    clock: () => clock.now,
    random: () => 0.5,
    onArticle: () => {},
    notifyEditors: async () => {},
  };
  return { deps, clock, articles, states: createFeedStateStore(redis, keys) };
}

/** A Ukrainian-language source as content/sources.json declares one, pointed at the test server. */
function ukSource(path: string): Source {
  return {
    id: "example-uk",
    name: "Приклад Новини",
    url: server.url(path),
    lang: "uk",
    pollMinutes: 15,
    enabled: true,
    fallbackUrls: [],
  };
}

// The fixtures are invented feeds in the formats Ukrainian outlets publish; not news.
describe("polling a Ukrainian-language source", () => {
  it.each([
    ["rss2-uk-content.xml", "application/rss+xml; charset=utf-8", "«пункт незламності»"],
    ["atom-uk.xml", "application/atom+xml", "«Зимова підтримка»"],
    // the charset is named only by the XML declaration, as legacy sites do
    ["rss2-uk-windows-1251.xml", "text/xml", "«Сили оборони Прикладії»"],
  ])("stores %s with Cyrillic titles intact and lang uk", async (fixture, type, quoted) => {
    const h = await harness();
    server.route("/feed", { headers: { "content-type": type }, body: readFixture(fixture) });

    const outcome = await pollSource(ukSource("/feed"), h.deps);

    expect(outcome).toMatchObject({ kind: "fetched", items: 2, created: 2 });
    const stored = await h.articles.latest(10);
    expect(stored).toHaveLength(2);
    expect(stored.every((a) => a.lang === "uk" && a.source === "Приклад Новини")).toBe(true);
    expect(stored.map((a) => a.title).join("\n")).toContain(quoted);
    for (const article of stored) {
      expect(article.title).toMatch(/^Тестовий заголовок: /);
      expect(article.title + article.summary).not.toMatch(/[\ufffdÐÑ]/);
      expect(article.summary).toMatch(/[.!?…»]$/);
    }
  });

  it("a source never fetched successfully keeps no success time, only its failures", async () => {
    const h = await harness();
    const [real] = loadSources(
      new URL("../../content/sources.json", import.meta.url).pathname,
    ).filter((s) => s.lang === "uk");
    expect(real).toBeDefined();
    // the test server answers 404 on an unknown path: like a feed that cannot be reached
    const unreachable = { ...(real as Source), url: server.url("/nowhere") };

    const outcome = await pollSource(unreachable, h.deps);

    expect(outcome.kind).toBe("failed");
    const state = await h.states.get(unreachable.id);
    expect(state.lastSuccessAt).toBeUndefined();
    expect(state.failures).toBe(1);
    expect(state.lastError).toContain("404");
  });
});
