import fc from "fast-check";
import type { Redis } from "ioredis";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  type Article,
  type ArticleInput,
  articleLink,
  TITLE_MAX_CHARS,
} from "../../src/articles/article.ts";
import {
  ARRIVALS_KEPT_MS,
  type ArticleStore,
  createArticleStore,
  InvalidArticleError,
  type LateOptions,
} from "../../src/articles/article-store.ts";
import { articleId, InvalidUrlError, urlHash } from "../../src/articles/canonical-url.ts";
import { indexWords } from "../../src/articles/search-index.ts";
import { MAX_LOOKBACK_MS } from "../../src/digest/period.ts";
import { createKeys, type Keys } from "../../src/redis/keys.ts";
import { type TestRedis, useRedis } from "../support/redis.ts";

// Every article in this file is invented: example.org links, made-up headlines and summaries.

const T0 = Date.parse("2025-01-15T10:00:00Z");
const MINUTE = 60_000;

function invented(n: number, overrides: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/invented/${n}`,
    title: `Invented headline number ${n}`,
    summary: `Invented summary for test fixture ${n}.`,
    source: "Example Outlet",
    publishedAt: T0 + n * MINUTE,
    topics: ["kursk"],
    ...overrides,
  };
}

async function setup(): Promise<TestRedis & { store: ArticleStore }> {
  const t = await useRedis();
  return { ...t, store: createArticleStore(t.redis, t.keys) };
}

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== "0");
  return found;
}

async function zsetScores(redis: Redis, key: string): Promise<Map<string, number>> {
  const flat = await redis.zrange(key, 0, -1, "WITHSCORES");
  const scores = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) scores.set(flat[i] as string, Number(flat[i + 1]));
  return scores;
}

/** Every index agrees with the article hashes; returns the stored articles. */
async function expectConsistent(redis: Redis, keys: Keys, store: ArticleStore): Promise<Article[]> {
  const hashPrefix = keys.article("");
  const ids = (await scan(redis, keys.article("*")))
    .map((key) => key.slice(hashPrefix.length))
    .filter((id) => /^[0-9a-f]{16}$/.test(id));
  const articles = (await Promise.all(ids.map((id) => store.get(id)))) as Article[];
  expect(articles.every(Boolean)).toBe(true);

  expect(await zsetScores(redis, keys.articles())).toEqual(
    new Map(articles.map((a) => [a.id, a.publishedAt])),
  );
  expect(await store.count()).toBe(articles.length);
  expect([...(await zsetScores(redis, keys.articlesArrived())).keys()].sort()).toEqual(
    articles.map((a) => a.id).sort(),
  );

  const topicPrefix = keys.articlesByTopic("");
  const topicKeys = await scan(redis, keys.articlesByTopic("*"));
  const topics = new Set([
    ...topicKeys.map((k) => k.slice(topicPrefix.length)),
    ...articles.flatMap((a) => a.topics),
  ]);
  for (const topic of topics) {
    const expected = new Map(
      articles.filter((a) => a.topics.includes(topic)).map((a) => [a.id, a.publishedAt]),
    );
    expect(await zsetScores(redis, keys.articlesByTopic(topic)), `topic ${topic}`).toEqual(
      expected,
    );
  }

  for (const a of articles) {
    expect(a.id).toBe(articleId(a.url));
    expect(await redis.get(keys.articleByUrl(urlHash(a.url)))).toBe(a.id);
  }

  const wordPrefix = keys.searchWord("");
  const wordsById = new Map(
    articles.map((a) => [a.id, new Set(indexWords(`${a.title}\n${a.summary}`))]),
  );
  const indexed = new Map<string, Set<string>>();
  for (const key of await scan(redis, keys.searchWord("*"))) {
    indexed.set(key.slice(wordPrefix.length), new Set(await redis.smembers(key)));
  }
  for (const [word, members] of indexed) {
    for (const id of members)
      expect(wordsById.get(id)?.has(word), `${id} under ${word}`).toBe(true);
  }
  for (const [id, words] of wordsById) {
    for (const word of words)
      expect(indexed.get(word)?.has(id), `${id} missing under ${word}`).toBe(true);
  }
  return articles;
}

describe("ArticleStore.put and get", () => {
  it("stores an article and reads it back by id", async () => {
    const { store } = await setup();
    const input = invented(1, {
      url: "http://Example.org/invented/1/?utm_source=test#top",
      author: "Jane Example",
      topics: ["kursk", "north-korea"],
      urgency: "flash",
      lang: "uk",
      cluster: "c1",
    });
    const { article, created, changed } = await store.put(input);
    expect(created).toBe(true);
    expect(changed).toBe(true);
    expect(article).toEqual({
      id: articleId("https://example.org/invented/1"),
      url: "https://example.org/invented/1",
      link: "http://example.org/invented/1/#top",
      title: input.title,
      summary: input.summary,
      source: "Example Outlet",
      author: "Jane Example",
      publishedAt: input.publishedAt,
      topics: ["kursk", "north-korea"],
      urgency: "flash",
      lang: "uk",
      cluster: "c1",
    });
    expect(await store.get(article.id)).toEqual(article);
    expect(await store.count()).toBe(1);
  });

  it("fills defaults and leaves optional fields out", async () => {
    const { store } = await setup();
    const { article } = await store.put({
      url: "https://example.org/invented/2",
      title: "  Invented headline  ",
      summary: "",
      source: "Example Outlet",
      publishedAt: T0,
    });
    expect(article).toEqual({
      id: articleId("https://example.org/invented/2"),
      url: "https://example.org/invented/2",
      link: "https://example.org/invented/2",
      title: "Invented headline",
      summary: "",
      source: "Example Outlet",
      publishedAt: T0,
      topics: [],
      urgency: "normal",
      lang: "en",
    });
    expect(await store.get(article.id)).toEqual(article);
  });

  it("caps an overlong title at a word, with an ellipsis", async () => {
    const { store } = await setup();
    const { article } = await store.put(invented(3, { title: "Invented words ".repeat(300) }));
    expect([...article.title].length).toBeLessThanOrEqual(TITLE_MAX_CHARS);
    expect(article.title).toMatch(/^Invented words .*\S…$/);
    expect((await store.get(article.id))?.title).toBe(article.title);
  });

  it("keeps one copy per canonical URL and says whether anything changed", async () => {
    const { store } = await setup();
    const first = await store.put(invented(1));
    const again = await store.put(
      invented(1, { url: "http://EXAMPLE.org/invented/1/?fbclid=x&utm_medium=social#comments" }),
    );
    expect(again).toEqual({ article: first.article, created: false, changed: false });
    expect(await store.count()).toBe(1);

    const edited = await store.put(invented(1, { title: "Invented headline, corrected" }));
    expect(edited.created).toBe(false);
    expect(edited.changed).toBe(true);
    expect(edited.article.id).toBe(first.article.id);
    expect(await store.count()).toBe(1);
    expect((await store.get(first.article.id))?.title).toBe("Invented headline, corrected");
  });

  it("keeps the publisher's link for readers and the canonical one for identity", async () => {
    const { redis, keys, store } = await setup();
    const { article } = await store.put(
      invented(3, {
        url: "https://example.org/invented/grain-terminal-strike/?utm_source=rss&b=2&a=1&gclid=x",
      }),
    );
    expect(article.url).toBe("https://example.org/invented/grain-terminal-strike?a=1&b=2");
    expect(article.link).toBe("https://example.org/invented/grain-terminal-strike/?b=2&a=1");
    expect(articleLink(article)).toBe(article.link);

    const again = await store.put(
      invented(3, { url: "https://example.org/invented/grain-terminal-strike?a=1&b=2" }),
    );
    expect(again).toEqual({ article, created: false, changed: false });
    expect(await store.count()).toBe(1);

    // an article stored before links were kept has no link field: its url is shown
    await redis.hdel(keys.article(article.id), "link");
    const old = await store.get(article.id);
    expect(old?.link).toBeUndefined();
    expect(old && articleLink(old)).toBe(article.url);
    const relisted = await store.put(
      invented(3, { url: "https://example.org/invented/grain-terminal-strike/" }),
    );
    expect(relisted.article.link).toBe("https://example.org/invented/grain-terminal-strike/");
  });

  it("drops an author that is no longer given", async () => {
    const { store } = await setup();
    const { article } = await store.put(invented(1, { author: "Jane Example" }));
    const { changed } = await store.put(invented(1));
    expect(changed).toBe(true);
    expect(await store.get(article.id)).not.toHaveProperty("author");
  });

  it("moves an article between topic indexes and follows a new publication time", async () => {
    const { redis, keys, store } = await setup();
    const { article } = await store.put(invented(1, { topics: ["kursk", "russia"] }));
    await store.put(
      invented(1, { topics: ["russia", "north-korea"], publishedAt: T0 + 99 * MINUTE }),
    );

    expect(await redis.zscore(keys.articlesByTopic("kursk"), article.id)).toBeNull();
    expect(await redis.zscore(keys.articlesByTopic("russia"), article.id)).toBe(
      String(T0 + 99 * MINUTE),
    );
    expect(await redis.zscore(keys.articlesByTopic("north-korea"), article.id)).toBe(
      String(T0 + 99 * MINUTE),
    );
    expect(await store.latest(5, { topics: ["kursk"] })).toEqual([]);
    expect((await store.latest(5, { topics: ["north-korea"] })).map((a) => a.id)).toEqual([
      article.id,
    ]);
    await expectConsistent(redis, keys, store);
  });

  it("keeps the indexes consistent when the same article is put concurrently", async () => {
    const { redis, keys, store } = await setup();
    const others = [redis.duplicate(), redis.duplicate()];
    onTestFinished(() => {
      for (const other of others) other.disconnect();
    });
    const stores = [store, ...others.map((other) => createArticleStore(other, keys))];
    const topicSets = [["kursk"], ["russia"], ["north-korea", "kursk"], ["russia", "aid"], []];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        stores[i % stores.length]?.put(
          invented(1, {
            url: `https://example.org/invented/1?utm_source=s${i}`,
            topics: topicSets[i % topicSets.length] ?? [],
            title: `Invented headline version ${i}`,
            summary: `Invented summary variant${i}.`,
          }),
        ),
      ),
    );
    expect(results.filter((r) => r?.created)).toHaveLength(1);
    const articles = await expectConsistent(redis, keys, store);
    expect(articles).toHaveLength(1);
  });

  it("refuses invalid articles and stores nothing", async () => {
    const { store } = await setup();
    const bad: [Partial<ArticleInput>, RegExp][] = [
      [{ title: "  " }, /^title: is empty/],
      [{ summary: "x".repeat(501) }, /^summary: 501 characters, at most 500/],
      [{ source: "" }, /^source: is empty/],
      [{ publishedAt: Number.NaN }, /^publishedAt: NaN is not a time/],
      [{ publishedAt: Number.POSITIVE_INFINITY }, /^publishedAt: Infinity is not a time/],
      [{ topics: ["Kursk Oblast"] }, /^topics: "Kursk Oblast" is not a topic id/],
      [{ topics: ["a,b"] }, /^topics: "a,b" is not a topic id/],
      [{ urgency: "urgent" as "flash" }, /^urgency: "urgent" is not normal or flash/],
      [{ lang: "English" }, /^lang: "English" is not a language code/],
      [{ title: undefined as unknown as string }, /^title: must be text, got undefined/],
    ];
    for (const [overrides, message] of bad) {
      const attempt = store.put(invented(1, overrides));
      await expect(attempt).rejects.toThrow(InvalidArticleError);
      await expect(store.put(invented(1, overrides))).rejects.toThrow(message);
    }
    await expect(store.put(invented(1, { url: "ftp://example.org/a" }))).rejects.toThrow(
      InvalidUrlError,
    );
    await expect(store.put(invented(1, { url: "example.org/a" }))).rejects.toThrow(
      /not an absolute link/,
    );
    expect(await store.count()).toBe(0);
  });

  it("accepts a summary of exactly 500 characters, counting characters not UTF-16 units", async () => {
    const { store } = await setup();
    const summary = "🪖".repeat(500);
    const { article } = await store.put(invented(1, { summary }));
    expect(article.summary).toBe(summary);
  });
});

describe("ArticleStore.latest, since and countSince", () => {
  async function seeded() {
    const t = await setup();
    // n → topics; publishedAt = T0 + n minutes
    const plan: [number, string[]][] = [
      [1, ["kursk"]],
      [2, ["russia"]],
      [3, ["kursk", "russia"]],
      [4, ["aid"]],
      [5, ["kursk", "north-korea"]],
      [6, []],
    ];
    const ids = new Map<number, string>();
    for (const [n, topics] of plan)
      ids.set(n, (await t.store.put(invented(n, { topics }))).article.id);
    const id = (...ns: number[]) => ns.map((n) => ids.get(n));
    return { ...t, id };
  }

  it("lists the newest first, at most n", async () => {
    const { store, id } = await seeded();
    expect((await store.latest(3)).map((a) => a.id)).toEqual(id(6, 5, 4));
    expect((await store.latest(100)).map((a) => a.id)).toEqual(id(6, 5, 4, 3, 2, 1));
    expect(await store.latest(0)).toEqual([]);
    expect(await store.latest(-1)).toEqual([]);
  });

  it("takes the union of topics, each article once, newest first", async () => {
    const { store, id } = await seeded();
    expect((await store.latest(10, { topics: ["kursk", "russia"] })).map((a) => a.id)).toEqual(
      id(5, 3, 2, 1),
    );
    expect((await store.latest(2, { topics: ["russia", "kursk"] })).map((a) => a.id)).toEqual(
      id(5, 3),
    );
    expect((await store.latest(10, { topics: ["kursk", "kursk"] })).map((a) => a.id)).toEqual(
      id(5, 3, 1),
    );
    expect(await store.latest(10, { topics: ["no-such-topic"] })).toEqual([]);
    expect((await store.latest(10, { topics: [] })).map((a) => a.id)).toEqual(id(6, 5, 4, 3, 2, 1));
  });

  it("pages back with `before`, exclusive", async () => {
    const { store, id } = await seeded();
    expect((await store.latest(2, { before: T0 + 5 * MINUTE })).map((a) => a.id)).toEqual(id(4, 3));
    expect(
      (await store.latest(10, { before: T0 + 5 * MINUTE, topics: ["kursk", "aid"] })).map(
        (a) => a.id,
      ),
    ).toEqual(id(4, 3, 1));
    expect(await store.latest(10, { before: T0 + MINUTE })).toEqual([]);
  });

  it("since is exclusive of afterMs and inclusive of untilMs", async () => {
    const { store, id } = await seeded();
    expect((await store.since(T0 + 3 * MINUTE)).map((a) => a.id)).toEqual(id(6, 5, 4));
    expect((await store.since(T0 + 3 * MINUTE - 1)).map((a) => a.id)).toEqual(id(6, 5, 4, 3));
    expect(
      (await store.since(T0 + 2 * MINUTE, { untilMs: T0 + 5 * MINUTE })).map((a) => a.id),
    ).toEqual(id(5, 4, 3));
    expect(
      (await store.since(T0 + 2 * MINUTE, { untilMs: T0 + 5 * MINUTE - 1 })).map((a) => a.id),
    ).toEqual(id(4, 3));
    expect((await store.since(T0, { limit: 2 })).map((a) => a.id)).toEqual(id(6, 5));
    expect(await store.since(T0, { limit: 0 })).toEqual([]);
    expect(
      (await store.since(T0, { topics: ["russia", "north-korea"], limit: 2 })).map((a) => a.id),
    ).toEqual(id(5, 3));
    expect(await store.since(T0 + 6 * MINUTE)).toEqual([]);
    expect((await store.since(Number.NEGATIVE_INFINITY)).map((a) => a.id)).toEqual(
      id(6, 5, 4, 3, 2, 1),
    );
  });

  it("countSince counts what since would return", async () => {
    const { store } = await seeded();
    const cases: [number, string[] | undefined][] = [
      [T0, undefined],
      [T0 + 3 * MINUTE, undefined],
      [T0 + 3 * MINUTE - 1, undefined],
      [T0 + 6 * MINUTE, undefined],
      [T0, ["kursk"]],
      [T0 + 2 * MINUTE, ["kursk", "russia"]],
      [T0, ["kursk", "russia", "north-korea"]],
      [T0, ["no-such-topic"]],
    ];
    for (const [after, topics] of cases) {
      const expected = (await store.since(after, topics ? { topics } : {})).length;
      expect(await store.countSince(after, topics ? { topics } : {}), `${after} ${topics}`).toBe(
        expected,
      );
    }
    expect(await store.countSince(T0)).toBe(6);
    expect(await store.countSince(T0, { topics: ["kursk", "russia"] })).toBe(4);
  });

  it("newestAt is the newest publication time, undefined when empty", async () => {
    const { store } = await setup();
    expect(await store.newestAt()).toBeUndefined();
    await store.put(invented(4));
    await store.put(invented(9));
    await store.put(invented(2));
    expect(await store.newestAt()).toBe(T0 + 9 * MINUTE);
  });
});

describe("ArticleStore.arrivedLate", () => {
  it("finds what arrived after a time though dated before the window, first arrived first, with when it arrived", async () => {
    const t = await useRedis();
    const clock = { now: T0 };
    const store = createArticleStore(t.redis, t.keys, { clock: () => clock.now });
    const stored = async (n: number, arrivedAt: number, overrides: Partial<ArticleInput> = {}) => {
      clock.now = arrivedAt;
      return (await store.put(invented(n, overrides))).article.id;
    };
    // published at T0 + n minutes
    const onTime = await stored(1, T0 + 2 * MINUTE);
    const lateInTopic = await stored(3, T0 + 20 * MINUTE);
    const lateElsewhere = await stored(2, T0 + 21 * MINUTE, { topics: ["russia"] });
    const tooOld = await stored(-100, T0 + 22 * MINUTE);
    const fresh = await stored(15, T0 + 15 * MINUTE);
    const afterNow = await stored(4, T0 + 40 * MINUTE);
    const firstLate = await stored(5, T0 + 12 * MINUTE);

    const window = T0 + 10 * MINUTE;
    const late = {
      arrivedAfter: T0 + 10 * MINUTE,
      publishedAfter: T0 - 60 * MINUTE,
      untilMs: T0 + 30 * MINUTE,
    };
    const found = async (options: Partial<LateOptions> = {}) =>
      (await store.arrivedLate(window, { ...late, ...options })).map(({ article, arrivedAt }) => [
        article.id,
        arrivedAt,
      ]);

    expect(await found()).toEqual([
      [firstLate, T0 + 12 * MINUTE],
      [lateInTopic, T0 + 20 * MINUTE],
      [lateElsewhere, T0 + 21 * MINUTE],
    ]);
    expect(await found({ topics: ["kursk"] })).toEqual([
      [firstLate, T0 + 12 * MINUTE],
      [lateInTopic, T0 + 20 * MINUTE],
    ]);
    expect(await found({ arrivedAfter: T0 + 20 * MINUTE })).toEqual([
      [lateElsewhere, T0 + 21 * MINUTE],
    ]);
    for (const left of [onTime, tooOld, fresh, afterNow]) {
      expect((await found()).map(([id]) => id)).not.toContain(left);
    }
    // updating an article does not make it arrive again
    clock.now = T0 + 25 * MINUTE;
    await store.put(invented(1, { title: "Invented headline number 1, updated" }));
    expect((await found()).map(([id]) => id)).not.toContain(onTime);
  });
});

describe("ArticleStore arrival index", () => {
  it("forgets when an article arrived once that is older than any late-news lookup, keeping the article", async () => {
    const t = await useRedis();
    const clock = { now: T0 };
    const store = createArticleStore(t.redis, t.keys, { clock: () => clock.now });
    const first = (await store.put(invented(1))).article.id;
    clock.now = T0 + ARRIVALS_KEPT_MS;
    const second = (await store.put(invented(2))).article.id;
    expect([...(await zsetScores(t.redis, t.keys.articlesArrived())).keys()].sort()).toEqual(
      [first, second].sort(),
    );

    clock.now = T0 + ARRIVALS_KEPT_MS + 1;
    const third = (await store.put(invented(3))).article.id;
    expect(await zsetScores(t.redis, t.keys.articlesArrived())).toEqual(
      new Map([
        [second, T0 + ARRIVALS_KEPT_MS],
        [third, T0 + ARRIVALS_KEPT_MS + 1],
      ]),
    );
    expect((await store.get(first))?.id).toBe(first);
    expect((await store.latest(5)).map((a) => a.id)).toContain(first);
  });

  it("keeps arrivals longer than any digest reaches back", () => {
    expect(ARRIVALS_KEPT_MS).toBeGreaterThan(MAX_LOOKBACK_MS);
  });
});

describe("ArticleStore.find and getByUrl", () => {
  it("resolves an id or any spelling of the link", async () => {
    const { store } = await setup();
    const { article } = await store.put(
      invented(7, { url: "https://example.org/invented/7?id=3&p=1" }),
    );
    const variants = [
      article.id,
      article.id.toUpperCase(),
      `  ${article.id}  `,
      "https://example.org/invented/7?p=1&id=3",
      "http://www.example.org/invented/7?id=3&p=1".replace("www.", ""),
      "HTTP://EXAMPLE.ORG/invented/7/?id=3&p=1&utm_source=tg#x",
      "example.org/invented/7?id=3&p=1",
      "<https://example.org/invented/7?id=3&p=1>",
    ];
    for (const v of variants) expect((await store.find(v))?.id, v).toBe(article.id);
    expect((await store.getByUrl("http://example.org/invented/7/?p=1&id=3#top"))?.id).toBe(
      article.id,
    );
  });

  it("finds nothing for unknown ids, other links and non-links", async () => {
    const { store } = await setup();
    await store.put(invented(7));
    for (const v of [
      "0000000000000000",
      "https://www.example.org/invented/7",
      "https://example.org/invented/8",
      "ftp://example.org/invented/7",
      "not a link",
      "",
      "   ",
      "../../etc",
    ]) {
      expect(await store.find(v), v).toBeUndefined();
    }
    expect(await store.getByUrl("nonsense")).toBeUndefined();
    expect(await store.get("not-an-id")).toBeUndefined();
  });
});

describe("ArticleStore.update", () => {
  it("changes the summary and the search index with it", async () => {
    const { redis, keys, store } = await setup();
    const { article } = await store.put(invented(1, { summary: "Invented text about pontoons." }));
    expect((await store.search("pontoons", 5)).map((a) => a.id)).toEqual([article.id]);

    const updated = await store.update(article.id, { summary: "Invented text about bridges." });
    expect(updated).toEqual({ ...article, summary: "Invented text about bridges." });
    expect(await store.get(article.id)).toEqual(updated);
    expect(await store.search("pontoons", 5)).toEqual([]);
    expect((await store.search("bridges", 5)).map((a) => a.id)).toEqual([article.id]);
    await expectConsistent(redis, keys, store);
  });

  it("moves topics, sets and clears the cluster, and refuses invalid values", async () => {
    const { redis, keys, store } = await setup();
    const { article } = await store.put(invented(1, { topics: ["kursk"] }));
    const moved = await store.update(article.id, {
      topics: ["aid"],
      urgency: "flash",
      cluster: "c9",
    });
    expect(moved).toMatchObject({ topics: ["aid"], urgency: "flash", cluster: "c9" });
    expect(await store.latest(5, { topics: ["kursk"] })).toEqual([]);
    expect((await store.latest(5, { topics: ["aid"] })).map((a) => a.id)).toEqual([article.id]);

    const cleared = await store.update(article.id, { cluster: undefined });
    expect(cleared).not.toHaveProperty("cluster");
    expect(await store.get(article.id)).not.toHaveProperty("cluster");

    await expect(store.update(article.id, { summary: "y".repeat(501) })).rejects.toThrow(
      /^summary: /,
    );
    await expect(store.update(article.id, { title: "" })).rejects.toThrow(/^title: is empty/);
    expect((await store.get(article.id))?.title).toBe(article.title);
    await expectConsistent(redis, keys, store);
  });

  it("returns undefined for an unknown article and creates nothing", async () => {
    const { store } = await setup();
    expect(await store.update("0123456789abcdef", { title: "Invented" })).toBeUndefined();
    expect(await store.update("nonsense", { title: "Invented" })).toBeUndefined();
    expect(await store.count()).toBe(0);
  });
});

describe("ArticleStore.search", () => {
  it("matches every word, in any case, newest first", async () => {
    const { store } = await setup();
    const a = await store.put(invented(1, { title: "Invented: drone strike on a depot" }));
    const b = await store.put(
      invented(2, { title: "Invented: DRONE report", summary: "A depot is named." }),
    );
    await store.put(invented(3, { title: "Invented: convoy report", summary: "Nothing else." }));
    expect((await store.search("Drone Depot", 10)).map((x) => x.id)).toEqual([
      b.article.id,
      a.article.id,
    ]);
    expect((await store.search("drone", 1)).map((x) => x.id)).toEqual([b.article.id]);
    expect(await store.search("drone convoy", 10)).toEqual([]);
    expect(await store.search("unknownword", 10)).toEqual([]);
    expect(await store.search("  ", 10)).toEqual([]);
    expect(await store.search("a", 10)).toEqual([]);
    expect(await store.search("drone", 0)).toEqual([]);
  });

  it("handles Cyrillic, apostrophes and Latin diacritics", async () => {
    const { store } = await setup();
    const uk = await store.put(
      invented(1, {
        title: "Вигаданий заголовок: п’ять дронів над Курщиною",
        summary: "Вигаданий текст для тесту, Їжак і Йосип.",
        lang: "uk",
      }),
    );
    const en = await store.put(
      invented(2, { title: "Invented café report", summary: "Invented text on Russia's claims." }),
    );
    const ids = async (q: string) => (await store.search(q, 10)).map((x) => x.id);
    expect(await ids("КУРЩИНОЮ")).toEqual([uk.article.id]);
    expect(await ids("дронів курщиною")).toEqual([uk.article.id]);
    expect(await ids("п'ять")).toEqual([uk.article.id]);
    expect(await ids("пʼять")).toEqual([uk.article.id]);
    expect(await ids("пять")).toEqual([uk.article.id]);
    expect(await ids("їжак йосип")).toEqual([uk.article.id]);
    expect(await ids("ижак")).toEqual([]);
    expect(await ids("cafe")).toEqual([en.article.id]);
    expect(await ids("CAFÉ")).toEqual([en.article.id]);
    expect(await ids("russia")).toEqual([en.article.id]);
    expect(await ids("Russia’s")).toEqual([en.article.id]);
  });
});

describe("ArticleStore properties", () => {
  /** Spellings of four invented pages; each inner list is one canonical URL. */
  const pages = [
    [
      "https://example.org/invented/a",
      "http://EXAMPLE.org/invented/a/?utm_source=x",
      "https://example.org/invented/a#top",
    ],
    ["https://www.example.org/invented/a", "http://www.example.org:80/invented/a/"],
    [
      "https://example.org/invented/b?id=1",
      "https://example.org/invented/b/?ref_src=t&id=1",
      "https://example.org/invented/b?gclid=g&id=%31",
    ],
    ["https://example.org/invented/b?id=2", "https://example.org/invented/b?id=2#x"],
  ];
  const op = fc.record({
    page: fc.nat({ max: pages.length - 1 }),
    spelling: fc.nat({ max: 2 }),
    topics: fc.subarray(["kursk", "russia", "aid", "north-korea"]),
    minute: fc.integer({ min: 0, max: 20 }),
    title: fc.constantFrom("Invented drone report", "Invented bridge report", "Вигаданий звіт"),
  });

  it("puts from a small pool keep one article per canonical URL and every index consistent", async () => {
    const { redis, prefix } = await setup();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const keys = createKeys(`${prefix}run${run++}:`);
        const store = createArticleStore(redis, keys);
        const last = new Map<number, (typeof ops)[number]>();
        for (const o of ops) {
          const spellings = pages[o.page] ?? [];
          const url = spellings[o.spelling % spellings.length] ?? "";
          await store.put({
            url,
            title: o.title,
            summary: "Invented summary.",
            source: "Example Outlet",
            publishedAt: T0 + o.minute * MINUTE,
            topics: o.topics,
          });
          last.set(o.page, o);
        }
        expect(await store.count()).toBe(last.size);
        const articles = await expectConsistent(redis, keys, store);
        for (const [page, o] of last) {
          const stored = await store.getByUrl(pages[page]?.[0] ?? "");
          expect(stored).toMatchObject({
            title: o.title,
            topics: o.topics,
            publishedAt: T0 + o.minute * MINUTE,
          });
        }
        expect(articles).toHaveLength(last.size);
      }),
      { numRuns: 40 },
    );
  });
});
