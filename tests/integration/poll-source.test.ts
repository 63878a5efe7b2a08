import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Article } from "../../src/articles/article.ts";
import { createArticleStore } from "../../src/articles/article-store.ts";
import { createTagger } from "../../src/articles/tagger.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import { notifyEach } from "../../src/feeds/feed-alerts.ts";
import { createFeedStateStore } from "../../src/feeds/feed-state.ts";
import { type PollSourceDeps, pollSource } from "../../src/feeds/poll-source.ts";
import type { Source } from "../../src/feeds/sources.ts";
import { type FeedServer, readFixture, startFeedServer } from "../support/feed-server.ts";
import { useRedis } from "../support/redis.ts";

const tagger = createTagger(
  loadTopics(new URL("../../content/topics.json", import.meta.url).pathname),
);
const RSS = { "content-type": "application/rss+xml; charset=utf-8" };
const START = Date.UTC(2024, 11, 17, 12);
const MINUTE = 60_000;

let server: FeedServer;
beforeEach(async () => {
  server = await startFeedServer();
});
afterEach(async () => {
  await server.close();
});

/** An invented feed item; every link points to example.org. */
interface TestItem {
  guid?: string;
  link: string;
  title: string;
  html?: string;
  pubDate?: string;
}

function rss(items: TestItem[]): string {
  const entries = items.map(
    (item) => `<item>
  <title>${item.title}</title>
  <link>${item.link}</link>
  ${item.guid ? `<guid isPermaLink="false">${item.guid}</guid>` : ""}
  ${item.pubDate ? `<pubDate>${item.pubDate}</pubDate>` : ""}
  ${item.html ? `<content:encoded><![CDATA[${item.html}]]></content:encoded>` : ""}
</item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Invented test feed: not news. -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Invented outlet</title><link>https://example.org/</link>
${entries.join("\n")}
</channel></rss>`;
}

const kurskItem: TestItem = {
  guid: "invented-1",
  link: "https://example.org/2024/12/17/invented-kursk-convoy/",
  title: "Invented: aid convoy reaches villages in Kursk Oblast",
  pubDate: "Tue, 17 Dec 2024 09:00:00 GMT",
  html: "<p>An invented aid convoy reached three villages near Sudzha on Tuesday, local volunteers said.</p><p>The trucks carried flour, medicine and generators.</p><p>Read also: another invented story</p><p>The volunteers plan a second trip next week if the roads stay open.</p>",
};
const bridgeItem: TestItem = {
  guid: "invented-2",
  link: "https://example.org/2024/12/17/invented-bridge/",
  title: "Invented: engineers inspect a bridge",
  pubDate: "Tue, 17 Dec 2024 08:00:00 GMT",
  html: "<p>Engineers inspected an invented bridge over the Sample River on Tuesday.</p><p>They found the structure safe for light traffic.</p>",
};

function source(overrides: Partial<Source> = {}): Source {
  return {
    id: "example-outlet",
    name: "Example Outlet",
    url: server.url("/feed"),
    lang: "en",
    pollMinutes: 15,
    enabled: true,
    fallbackUrls: [],
    ...overrides,
  };
}

interface Harness {
  deps: PollSourceDeps;
  clock: { now: number };
  seen: { article: Article; created: boolean }[];
  told: string[];
  articles: ReturnType<typeof createArticleStore>;
  states: ReturnType<typeof createFeedStateStore>;
}

async function harness(): Promise<Harness> {
  const { redis, keys } = await useRedis();
  const clock = { now: START };
  const seen: Harness["seen"] = [];
  const told: string[] = [];
  const articles = createArticleStore(redis, keys);
  const deps: PollSourceDeps = {
    redis,
    keys,
    articles,
    tagger,
    logger: pino({ level: "silent" }),
    clock: () => clock.now,
    random: () => 0.5,
    onArticle: (article, created) => {
      seen.push({ article, created });
    },
    notifyEditors: async (text) => {
      told.push(text);
    },
  };
  return { deps, clock, seen, told, articles, states: createFeedStateStore(redis, keys) };
}

describe("pollSource", () => {
  it("stores new items summarised in whole sentences and tagged", async () => {
    const h = await harness();
    server.route("/feed", { headers: RSS, body: rss([kurskItem, bridgeItem]) });

    const outcome = await pollSource(source(), h.deps);

    expect(outcome).toMatchObject({ kind: "fetched", items: 2, created: 2, updated: 0 });
    const latest = await h.articles.latest(10);
    expect(latest.map((a) => a.title)).toEqual([kurskItem.title, bridgeItem.title]);
    const [kursk] = latest;
    expect(kursk).toMatchObject({
      url: "https://example.org/2024/12/17/invented-kursk-convoy",
      source: "Example Outlet",
      lang: "en",
      publishedAt: Date.parse("2024-12-17T09:00:00Z"),
    });
    expect(kursk?.topics).toContain("kursk");
    expect(kursk?.topics).toContain("humanitarian");
    expect([...(kursk?.summary ?? "")].length).toBeLessThanOrEqual(500);
    expect(kursk?.summary).toMatch(/^An invented aid convoy reached .*\.$/);
    expect(kursk?.summary).not.toContain("Read also");
    expect(h.seen.map((s) => [s.article.title, s.created])).toEqual([
      [bridgeItem.title, true],
      [kurskItem.title, true],
    ]);
  });

  it("sends the validators back exactly and adds nothing on 304", async () => {
    const h = await harness();
    const etag = 'W/"invented-5f"';
    const lastModified = "Tue, 17 Dec 2024 10:00:00 GMT";
    server.route("/feed", { headers: RSS, body: rss([kurskItem]), etag, lastModified });

    await pollSource(source(), h.deps);
    h.clock.now += 15 * MINUTE;
    const second = await pollSource(source(), h.deps);

    expect(second.kind).toBe("not-modified");
    const [first, again] = server.requestsTo("/feed");
    expect(first?.headers).not.toHaveProperty("if-none-match");
    expect(again?.headers["if-none-match"]).toBe(etag);
    expect(again?.headers["if-modified-since"]).toBe(lastModified);
    expect(await h.articles.count()).toBe(1);
    expect(h.seen).toHaveLength(1);
  });

  it("skips a source before its next due time unless forced", async () => {
    const h = await harness();
    server.route("/feed", { headers: RSS, body: rss([kurskItem]) });
    await pollSource(source(), h.deps);

    h.clock.now += 5 * MINUTE;
    expect(await pollSource(source(), h.deps)).toMatchObject({
      kind: "skipped",
      reason: "not-due",
      nextAt: START + 15 * MINUTE,
    });
    expect(server.requestsTo("/feed")).toHaveLength(1);
    expect((await pollSource(source(), h.deps, { force: true })).kind).toBe("fetched");
    expect(server.requestsTo("/feed")).toHaveLength(2);
  });

  it("refetching an unchanged feed creates and announces nothing", async () => {
    const h = await harness();
    server.route("/feed", { headers: RSS, body: rss([kurskItem, bridgeItem]) });
    await pollSource(source(), h.deps);
    const before = await h.articles.latest(10);

    h.clock.now += 15 * MINUTE;
    const outcome = await pollSource(source(), h.deps);

    expect(outcome).toMatchObject({ kind: "fetched", created: 0, updated: 0 });
    expect(await h.articles.latest(10)).toEqual(before);
    expect(h.seen).toHaveLength(2);
  });

  it("treats an item whose guid was seen under another URL as the same article", async () => {
    const h = await harness();
    server.route("/feed", { headers: RSS, body: rss([kurskItem]) });
    await pollSource(source(), h.deps);
    const [stored] = await h.articles.latest(1);

    const moved = {
      ...kurskItem,
      link: "https://example.org/2024/12/17/invented-kursk-convoy-updated/",
      title: "Invented: aid convoy reaches four villages in Kursk Oblast",
    };
    server.route("/feed", { headers: RSS, body: rss([moved]) });
    h.clock.now += 15 * MINUTE;
    const outcome = await pollSource(source(), h.deps);

    expect(outcome).toMatchObject({ kind: "fetched", created: 0, updated: 1 });
    expect(await h.articles.count()).toBe(1);
    const [after] = await h.articles.latest(1);
    expect(after).toMatchObject({ id: stored?.id, url: stored?.url, title: moved.title });
    expect(h.seen.at(-1)).toMatchObject({ created: false, article: { title: moved.title } });
  });

  it("dedupes by canonical URL: a tracking parameter is the same article, one stored elsewhere is kept", async () => {
    const h = await harness();
    const editorial = await h.articles.put({
      url: bridgeItem.link,
      title: "Invented: an editor's own headline",
      summary: "An editor's own invented summary.",
      source: "Example Outlet",
      publishedAt: START - 60 * MINUTE,
      urgency: "flash",
    });
    const tracked = { ...kurskItem, guid: undefined, link: `${kurskItem.link}?utm_source=rss` };
    const plain = { ...kurskItem, guid: "other-guid" };
    server.route("/feed", { headers: RSS, body: rss([tracked, plain, bridgeItem]) });

    const outcome = await pollSource(source(), h.deps);

    expect(outcome).toMatchObject({ kind: "fetched", created: 1 });
    expect(await h.articles.count()).toBe(2);
    expect(await h.articles.get(editorial.article.id)).toEqual(editorial.article);
  });

  it("keeps the first publication time of an undated item", async () => {
    const h = await harness();
    const undated = { ...bridgeItem, pubDate: undefined };
    server.route("/feed", { headers: RSS, body: rss([undated]) });
    await pollSource(source(), h.deps);
    h.clock.now += 15 * MINUTE;
    server.route("/feed", {
      headers: RSS,
      body: rss([{ ...undated, title: "Invented: new title" }]),
    });
    await pollSource(source(), h.deps);

    const [article] = await h.articles.latest(1);
    expect(article).toMatchObject({ title: "Invented: new title", publishedAt: START });
  });

  it("honours Retry-After on 429, even when forced", async () => {
    const h = await harness();
    server.route("/feed", { status: 429, headers: { "retry-after": "7200" } });

    const outcome = await pollSource(source(), h.deps);

    expect(outcome).toMatchObject({ kind: "failed", failures: 1, nextAt: START + 7_200_000 });
    expect((await h.states.get("example-outlet")).nextAt).toBe(START + 7_200_000);
    h.clock.now = START + 7_199_000;
    expect(await pollSource(source(), h.deps, { force: true })).toMatchObject({
      kind: "skipped",
      reason: "not-due",
    });
    expect(server.requestsTo("/feed")).toHaveLength(1);
    h.clock.now = START + 7_200_000;
    server.route("/feed", { headers: RSS, body: rss([bridgeItem]) });
    expect((await pollSource(source(), h.deps)).kind).toBe("fetched");
  });

  it("backs off after server errors, doubling the wait", async () => {
    const h = await harness();
    server.route("/feed", { status: 500 });

    const first = await pollSource(source(), h.deps);
    expect(first).toMatchObject({ kind: "failed", failures: 1, nextAt: START + 15 * MINUTE });
    h.clock.now = START + 15 * MINUTE;
    const second = await pollSource(source(), h.deps);
    expect(second).toMatchObject({ failures: 2, nextAt: h.clock.now + 30 * MINUTE });
    expect((await h.states.get("example-outlet")).lastError).toBe("server error 500");
  });

  it("tells editors once after three failures in a row, and once when the feed recovers", async () => {
    const h = await harness();
    server.route("/feed", { status: 500 });
    for (let i = 0; i < 5; i++) {
      const outcome = await pollSource(source(), h.deps);
      expect(outcome.kind).toBe("failed");
      if (i < 2) expect(h.told).toEqual([]);
      if (outcome.kind === "failed") h.clock.now = outcome.nextAt;
    }
    expect(h.told).toHaveLength(1);
    expect(h.told[0]).toContain("Example Outlet (example-outlet) failed 3 times in a row");
    expect(h.told[0]).toContain("server error 500");

    server.route("/feed", { headers: RSS, body: rss([bridgeItem]) });
    await pollSource(source(), h.deps);
    h.clock.now += 15 * MINUTE;
    await pollSource(source(), h.deps);
    expect(h.told).toHaveLength(2);
    expect(h.told[1]).toBe("Feed recovered: Example Outlet (example-outlet) answers again.");
  });

  it("does not fetch a paused source", async () => {
    const h = await harness();
    server.route("/feed", { headers: RSS, body: rss([bridgeItem]) });
    await h.states.setPaused("example-outlet", true);

    expect(await pollSource(source(), h.deps, { force: true })).toEqual({
      kind: "skipped",
      reason: "paused",
    });
    expect(server.requests).toHaveLength(0);
    expect(await h.articles.count()).toBe(0);
  });

  it("moves to the first fallback URL that works after a 403 and remembers it", async () => {
    const h = await harness();
    server.route("/old-feed", { status: 403 });
    server.route("/fallback-1", {
      headers: { "content-type": "text/html" },
      body: readFixture("html-page.html"),
    });
    server.route("/fallback-2", { headers: RSS, body: rss([bridgeItem]) });
    const isw = source({
      url: server.url("/old-feed"),
      fallbackUrls: [server.url("/fallback-1"), server.url("/fallback-2")],
    });

    const outcome = await pollSource(isw, h.deps);

    expect(outcome).toMatchObject({ kind: "fetched", url: server.url("/fallback-2"), created: 1 });
    expect((await h.states.get("example-outlet")).url).toBe(server.url("/fallback-2"));
    h.clock.now += 15 * MINUTE;
    await pollSource(isw, h.deps);
    expect(server.requests.map((r) => r.path)).toEqual([
      "/old-feed",
      "/fallback-1",
      "/fallback-2",
      "/fallback-2",
    ]);
    expect(h.told).toEqual([]);
  });

  it("reports clearly when no URL of a source works", async () => {
    const h = await harness();
    server.route("/old-feed", { status: 403 });
    server.route("/fallback", { status: 410 });
    const isw = source({ url: server.url("/old-feed"), fallbackUrls: [server.url("/fallback")] });

    for (let i = 0; i < 3; i++) {
      const outcome = await pollSource(isw, h.deps);
      if (outcome.kind === "failed") h.clock.now = outcome.nextAt;
    }

    expect(h.told).toHaveLength(1);
    expect(h.told[0]).toContain(`${server.url("/old-feed")}: answers 403 (gone)`);
    expect(h.told[0]).toContain(`${server.url("/fallback")}: answers 410 (gone)`);
  });

  it("remembers a permanent redirect and polls the new URL from then on", async () => {
    const h = await harness();
    server.route("/feed", { status: 301, headers: { location: "/new-feed" } });
    server.route("/new-feed", { headers: RSS, body: rss([bridgeItem]) });

    expect(await pollSource(source(), h.deps)).toMatchObject({ kind: "fetched", created: 1 });
    expect((await h.states.get("example-outlet")).url).toBe(server.url("/new-feed"));
    h.clock.now += 15 * MINUTE;
    await pollSource(source(), h.deps);
    expect(server.requests.map((r) => r.path)).toEqual(["/feed", "/new-feed", "/new-feed"]);
  });

  it("counts an HTML page instead of a feed as a failure", async () => {
    const h = await harness();
    server.route("/feed", {
      headers: { "content-type": "text/html" },
      body: readFixture("html-page.html"),
    });

    expect(await pollSource(source(), h.deps)).toMatchObject({
      kind: "failed",
      error: "serves an HTML page instead of a feed",
    });
  });

  it("lets only one of two simultaneous polls fetch", async () => {
    const h = await harness();
    server.route("/feed", { headers: RSS, body: rss([kurskItem, bridgeItem]) });

    const outcomes = await Promise.all([
      pollSource(source(), h.deps, { force: true }),
      pollSource(source(), h.deps, { force: true }),
    ]);

    expect(outcomes.map((o) => o.kind).sort()).toEqual(["fetched", "skipped"]);
    expect(server.requestsTo("/feed")).toHaveLength(1);
    expect(await h.articles.count()).toBe(2);
  });
});

describe("notifyEach", () => {
  it("sends to every editor, logs a failed send and never throws", async () => {
    const sent: number[] = [];
    const errors: unknown[] = [];
    const logger = pino({ level: "error" }, { write: (line: string) => errors.push(line) });
    const notify = notifyEach(
      [1, 2, 3],
      async (id) => {
        if (id === 2) throw new Error("blocked by the user");
        sent.push(id);
      },
      logger,
    );

    await expect(notify("Feed problem: invented")).resolves.toBeUndefined();
    expect(sent).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain("blocked by the user");
  });
});
