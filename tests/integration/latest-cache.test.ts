import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { createArticleStore } from "../../src/articles/article-store.ts";
import { LatestCache } from "../../src/digest/latest-cache.ts";
import { useRedis } from "../support/redis.ts";

// Invented articles for tests only.
const article: ArticleInput = {
  url: "https://example.org/versioned/1",
  title: "Invented versioned headline",
  summary: "Invented versioned summary.",
  source: "Example Wire",
  publishedAt: Date.UTC(2024, 11, 17),
  topics: ["kursk"],
};

describe("articles:version", () => {
  it("goes up with every write that changes an article, and only then", async () => {
    const { redis, keys } = await useRedis();
    const store = createArticleStore(redis, keys);
    const version = async () => Number((await redis.get(keys.articlesVersion())) ?? 0);
    expect(await version()).toBe(0);
    const { article: stored } = await store.put(article);
    expect(await version()).toBe(1);
    await store.put(article); // the same again: nothing changed
    expect(await version()).toBe(1);
    await store.update(stored.id, { title: "Invented versioned headline, corrected" });
    expect(await version()).toBe(2);
    await store.update(stored.id, { title: "Invented versioned headline, corrected" });
    expect(await version()).toBe(2);
  });
});

describe("LatestCache", () => {
  it("builds an answer once for readers asking at the same moment", async () => {
    const { redis, keys } = await useRedis();
    const cache = new LatestCache<string>(redis, keys);
    let builds = 0;
    const build = async () => `answer ${++builds}`;
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.get("q", build)));
    expect(new Set(answers)).toEqual(new Set(["answer 1"]));
    expect(builds).toBe(1);
    expect(cache.builds).toBe(1);
  });

  it("builds again when the version goes up, and after the safety bound", async () => {
    const { redis, keys } = await useRedis();
    const clock = { now: 1_000 };
    const cache = new LatestCache<string>(redis, keys, { maxAgeMs: 500, clock: () => clock.now });
    let builds = 0;
    const build = async () => `answer ${++builds}`;
    expect(await cache.get("q", build)).toBe("answer 1");
    expect(await cache.get("q", build)).toBe("answer 1");
    await redis.incr(keys.articlesVersion());
    expect(await cache.get("q", build)).toBe("answer 2");
    clock.now += 499;
    expect(await cache.get("q", build)).toBe("answer 2");
    clock.now += 1;
    expect(await cache.get("q", build)).toBe("answer 3");
  });

  it("keeps at most maxEntries answers, dropping the least recently used", async () => {
    const { redis, keys } = await useRedis();
    const cache = new LatestCache<string>(redis, keys, { maxEntries: 2 });
    const build = (key: string) => async () => `${key} ${cache.builds}`;
    await cache.get("a", build("a"));
    await cache.get("b", build("b"));
    await cache.get("a", build("a")); // a is now the most recently used
    await cache.get("c", build("c"));
    expect(cache.size).toBe(2);
    expect(cache.builds).toBe(3);
    await cache.get("a", build("a"));
    expect(cache.builds).toBe(3);
    await cache.get("b", build("b"));
    expect(cache.builds).toBe(4);
  });

  it("does not keep a failed build", async () => {
    const { redis, keys } = await useRedis();
    const cache = new LatestCache<string>(redis, keys);
    await expect(
      cache.get("q", async () => {
        throw new Error("store unavailable");
      }),
    ).rejects.toThrow("store unavailable");
    expect(await cache.get("q", async () => "answer")).toBe("answer");
  });
});
