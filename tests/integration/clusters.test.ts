import { readFileSync } from "node:fs";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Article } from "../../src/articles/article.ts";
import { type ArticleStore, createArticleStore } from "../../src/articles/article-store.ts";
import {
  CLUSTER_WINDOW_MS,
  createClusters,
  SAME_STORY_THRESHOLD,
  storyFeatures,
  storySimilarity,
} from "../../src/articles/clusters.ts";
import { createTagger } from "../../src/articles/tagger.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import { pollSource } from "../../src/feeds/poll-source.ts";
import type { Source } from "../../src/feeds/sources.ts";
import { startFeedServer } from "../support/feed-server.ts";
import { useRedis } from "../support/redis.ts";

const tagger = createTagger(
  loadTopics(new URL("../../content/topics.json", import.meta.url).pathname),
);
const T0 = Date.UTC(2024, 11, 17, 9);
const HOUR = 3_600_000;

interface Story {
  title: string;
  summary: string;
}
interface Pair {
  same: boolean;
  a: Story;
  b: Story;
}
/** Invented pairs: see the note in the fixture. */
const { pairs } = JSON.parse(
  readFileSync(new URL("../fixtures/feeds/cluster-pairs.json", import.meta.url), "utf8"),
) as { pairs: Pair[] };

let counter = 0;
async function store(
  articles: ArticleStore,
  story: Story,
  sourceName: string,
  publishedAt: number,
): Promise<Article> {
  counter++;
  const { article } = await articles.put({
    url: `https://example.org/invented/${counter}`,
    ...story,
    source: sourceName,
    publishedAt,
  });
  return article;
}

describe("near-duplicate clusters", () => {
  it("scores every invented same-story pair above the threshold and every other pair below", () => {
    for (const pair of pairs) {
      const score = storySimilarity(storyFeatures(pair.a, tagger), storyFeatures(pair.b, tagger));
      if (pair.same) expect(score, pair.b.title).toBeGreaterThanOrEqual(SAME_STORY_THRESHOLD);
      else expect(score, pair.b.title).toBeLessThan(SAME_STORY_THRESHOLD);
    }
  });

  it("groups the same story from two sources under the id of the earlier article", async () => {
    const { redis, keys } = await useRedis();
    const articles = createArticleStore(redis, keys);
    const clusters = createClusters(articles, tagger);
    for (const pair of pairs) {
      const a = await store(articles, pair.a, "Example Wire", T0);
      const b = await store(articles, pair.b, "Example Post", T0 + HOUR);
      const session = await clusters.open(b.publishedAt, b.publishedAt);
      const assigned = await session.assign(b);
      const storedA = await articles.get(a.id);
      if (pair.same) {
        expect(assigned.cluster, pair.b.title).toBe(a.id);
        expect((await articles.get(b.id))?.cluster).toBe(a.id);
        expect(storedA?.cluster).toBe(a.id);
      } else {
        expect(assigned.cluster, pair.b.title).toBeUndefined();
        expect(storedA?.cluster, pair.b.title).toBeUndefined();
      }
      await redis.del(keys.articles());
    }
  });

  it("adds a third report to the existing cluster", async () => {
    const { redis, keys } = await useRedis();
    const articles = createArticleStore(redis, keys);
    const clusters = createClusters(articles, tagger);
    const [pair] = pairs;
    if (!pair) throw new Error("fixture has no pairs");
    const first = await store(articles, pair.a, "Example Wire", T0);
    const second = await store(articles, pair.b, "Example Post", T0 + HOUR);
    const third = await store(articles, pair.a, "Example Daily", T0 + 2 * HOUR);

    const session = await clusters.open(second.publishedAt, third.publishedAt);
    await session.assign(second);
    expect((await session.assign(third)).cluster).toBe(first.id);
    expect((await articles.get(first.id))?.cluster).toBe(first.id);
  });

  it("never groups articles of one source, nor reports more than 48 hours apart", async () => {
    const { redis, keys } = await useRedis();
    const articles = createArticleStore(redis, keys);
    const clusters = createClusters(articles, tagger);
    const [pair] = pairs;
    if (!pair) throw new Error("fixture has no pairs");
    await store(articles, pair.a, "Example Wire", T0);
    const sameSource = await store(articles, pair.b, "Example Wire", T0 + HOUR);
    const late = await store(articles, pair.b, "Example Post", T0 + CLUSTER_WINDOW_MS + 2 * HOUR);

    const session = await clusters.open(sameSource.publishedAt, late.publishedAt);
    expect((await session.assign(sameSource)).cluster).toBeUndefined();
    expect((await session.assign(late)).cluster).toBeUndefined();
  });

  it("groups an invented story polled from two feeds", async () => {
    const { redis, keys } = await useRedis();
    const server = await startFeedServer();
    try {
      const articles = createArticleStore(redis, keys);
      const deps = {
        redis,
        keys,
        articles,
        tagger,
        logger: pino({ level: "silent" }),
        clusters: createClusters(articles, tagger),
        clock: () => T0 + 3 * HOUR,
      };
      const feed = (items: { link: string; title: string; text: string; date: string }[]) =>
        `<?xml version="1.0"?><!-- Invented test feed: not news. --><rss version="2.0"><channel><title>Invented</title><link>https://example.org/</link>${items
          .map(
            (i) =>
              `<item><title>${i.title}</title><link>${i.link}</link><pubDate>${i.date}</pubDate><description>${i.text}</description></item>`,
          )
          .join("")}</channel></rss>`;
      const [same, , , , , , , , different] = pairs;
      if (!same || !different) throw new Error("fixture too short");
      server.route("/wire", {
        headers: { "content-type": "application/rss+xml" },
        body: feed([
          {
            link: "https://example.org/wire/1",
            ...same.a,
            text: same.a.summary,
            date: "Tue, 17 Dec 2024 09:00:00 GMT",
          },
        ]),
      });
      server.route("/post", {
        headers: { "content-type": "application/rss+xml" },
        body: feed([
          {
            link: "https://example.org/post/1",
            ...same.b,
            text: same.b.summary,
            date: "Tue, 17 Dec 2024 10:00:00 GMT",
          },
          {
            link: "https://example.org/post/2",
            ...different.b,
            text: different.b.summary,
            date: "Tue, 17 Dec 2024 11:00:00 GMT",
          },
        ]),
      });
      const source = (id: string, name: string): Source => ({
        id,
        name,
        url: server.url(`/${id}`),
        lang: "en",
        pollMinutes: 15,
        enabled: true,
        fallbackUrls: [],
      });

      await pollSource(source("wire", "Example Wire"), deps);
      await pollSource(source("post", "Example Post"), deps);

      const wire = await articles.getByUrl("https://example.org/wire/1");
      const post = await articles.getByUrl("https://example.org/post/1");
      const other = await articles.getByUrl("https://example.org/post/2");
      expect(wire?.cluster).toBe(wire?.id);
      expect(post?.cluster).toBe(wire?.id);
      expect(other?.cluster).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
