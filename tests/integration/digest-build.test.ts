import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Article, ArticleInput } from "../../src/articles/article.ts";
import { type ArticleStore, createArticleStore } from "../../src/articles/article-store.ts";
import { buildDigest, type DigestChat, lastArticleAt } from "../../src/digest/build.ts";
import { CATCH_UP_MS, digestWindowStart, MAX_LOOKBACK_MS } from "../../src/digest/period.ts";
import { createKeys } from "../../src/redis/keys.ts";
import { deleteByPrefix, randomPrefix, useRedis } from "../support/redis.ts";

// Invented articles: example.org links, made-up outlets and text.
const NOW = Date.parse("2024-12-17T06:00:00Z"); // 08:00 in Kyiv
const MIN = 60_000;
const HOUR = 60 * MIN;

async function setup() {
  const t = await useRedis();
  const articles = createArticleStore(t.redis, t.keys);
  return { ...t, articles };
}

let serial = 0;
async function put(
  store: ArticleStore,
  at: number,
  overrides: Partial<ArticleInput> = {},
): Promise<Article> {
  serial += 1;
  const { article } = await store.put({
    url: `https://example.org/invented/${serial}`,
    title: `Invented report ${serial}`,
    summary: `An invented summary for test report ${serial}.`,
    source: "Example Wire",
    publishedAt: at,
    topics: ["frontline"],
    ...overrides,
  });
  return article;
}

function chat(overrides: Partial<DigestChat> = {}): DigestChat {
  return { cursor: 0, topics: [], maxItems: 5, ...overrides };
}

describe("buildDigest", () => {
  it("is undefined when nothing was published after the cursor", async () => {
    const { articles } = await setup();
    expect(await buildDigest(chat(), { articles }, { now: NOW })).toBeUndefined();
    await put(articles, NOW - 3 * HOUR);
    const delivered = chat({ cursor: NOW - 3 * HOUR, lastDeliveryAt: NOW - 2 * HOUR });
    expect(await buildDigest(delivered, { articles }, { now: NOW })).toBeUndefined();
  });

  it("takes only what was published after the cursor and not after now", async () => {
    const { articles } = await setup();
    const old = await put(articles, NOW - 5 * HOUR);
    const atCursor = await put(articles, NOW - 4 * HOUR);
    const fresh = await put(articles, NOW - 1 * HOUR);
    const future = await put(articles, NOW + 10 * MIN);
    const digest = await buildDigest(
      chat({ cursor: atCursor.publishedAt, lastDeliveryAt: NOW - 4 * HOUR + MIN }),
      { articles },
      { now: NOW },
    );
    expect(digest?.items.map((i) => i.url)).toEqual([fresh.url]);
    expect(digest?.items.map((i) => i.url)).not.toContain(old.url);
    expect(digest?.items.map((i) => i.url)).not.toContain(future.url);
    expect(digest).toMatchObject({
      more: 0,
      newestAt: fresh.publishedAt,
      periodStart: NOW - 4 * HOUR + MIN,
      periodEnd: NOW,
    });
  });

  it("gives a chat that never had a digest the last 24 hours", async () => {
    const { articles } = await setup();
    await put(articles, NOW - CATCH_UP_MS - MIN);
    const inside = await put(articles, NOW - CATCH_UP_MS + MIN);
    const digest = await buildDigest(chat(), { articles }, { now: NOW });
    expect(digest?.items.map((i) => i.url)).toEqual([inside.url]);
    expect(digest?.periodStart).toBe(NOW - CATCH_UP_MS);
  });

  it("keeps to the chat's topics, all of them when it chose none", async () => {
    const { articles } = await setup();
    const kursk = await put(articles, NOW - 3 * HOUR, { topics: ["kursk"] });
    const aid = await put(articles, NOW - 2 * HOUR, { topics: ["aid"] });
    const both = await put(articles, NOW - 1 * HOUR, { topics: ["aid", "kursk"] });
    const some = await buildDigest(chat({ topics: ["kursk"] }), { articles }, { now: NOW });
    expect(some?.items.map((i) => i.url)).toEqual([both.url, kursk.url]);
    const all = await buildDigest(chat(), { articles }, { now: NOW });
    expect(all?.items.map((i) => i.url)).toEqual([both.url, aid.url, kursk.url]);
  });

  it("shows urgent items first, then the newest first", async () => {
    const { articles } = await setup();
    const a = await put(articles, NOW - 4 * HOUR);
    const flash = await put(articles, NOW - 3 * HOUR, { urgency: "flash" });
    const b = await put(articles, NOW - 2 * HOUR);
    const c = await put(articles, NOW - 1 * HOUR);
    const digest = await buildDigest(chat(), { articles }, { now: NOW });
    expect(digest?.items.map((i) => i.url)).toEqual([flash.url, c.url, b.url, a.url]);
    expect(digest?.items[0]?.urgency).toBe("flash");
    expect(digest?.items[1]?.urgency).toBe("normal");
  });

  it("groups a cluster into one item: the earliest report, the others as also reported by", async () => {
    const { articles } = await setup();
    const later = await put(articles, NOW - 2 * HOUR, { cluster: "c1", source: "Second Outlet" });
    const first = await put(articles, NOW - 3 * HOUR, { cluster: "c1", source: "First Outlet" });
    await put(articles, NOW - 90 * MIN, { cluster: "c1", source: "First Outlet" });
    const third = await put(articles, NOW - 1 * HOUR, {
      cluster: "c1",
      source: "Third Outlet",
      urgency: "flash",
    });
    const alone = await put(articles, NOW - 150 * MIN);
    const digest = await buildDigest(chat({ maxItems: 2 }), { articles }, { now: NOW });
    expect(digest?.more).toBe(0);
    expect(digest?.newestAt).toBe(third.publishedAt);
    const [story, other] = digest?.items ?? [];
    expect(story).toMatchObject({
      url: first.url,
      source: "First Outlet",
      urgency: "flash",
      alsoReportedBy: [
        { source: "Second Outlet", url: later.url },
        { source: "Third Outlet", url: third.url },
      ],
    });
    expect(other?.url).toBe(alone.url);
    expect(other?.alsoReportedBy).toBeUndefined();
  });

  it("prefers a report with a summary as a cluster's main item", async () => {
    const { articles } = await setup();
    await put(articles, NOW - 3 * HOUR, { cluster: "c2", summary: "", source: "Bare Outlet" });
    const full = await put(articles, NOW - 2 * HOUR, { cluster: "c2", source: "Full Outlet" });
    const digest = await buildDigest(chat(), { articles }, { now: NOW });
    expect(digest?.items).toHaveLength(1);
    expect(digest?.items[0]?.url).toBe(full.url);
    expect(digest?.items[0]?.alsoReportedBy?.map((o) => o.source)).toEqual(["Bare Outlet"]);
  });

  it("sends the oldest maxItems, counts the rest, and gives the rest next time", async () => {
    const { articles } = await setup();
    const all: Article[] = [];
    for (let i = 7; i >= 1; i--) all.push(await put(articles, NOW - i * HOUR));
    const first = await buildDigest(chat({ maxItems: 3 }), { articles }, { now: NOW });
    expect(first?.items.map((i) => i.url)).toEqual([all[2], all[1], all[0]].map((a) => a?.url));
    expect(first?.more).toBe(4);
    expect(first?.newestAt).toBe(all[2]?.publishedAt);
    expect(first?.periodEnd).toBe(all[2]?.publishedAt);

    const later = NOW + 5 * MIN;
    const delivered = chat({ maxItems: 3, cursor: first?.newestAt ?? 0, lastDeliveryAt: NOW });
    const second = await buildDigest(delivered, { articles }, { now: later });
    expect(second?.items.map((i) => i.url)).toEqual([all[5], all[4], all[3]].map((a) => a?.url));
    expect(second?.more).toBe(1);
    expect(second?.periodStart).toBe(first?.newestAt);

    const third = await buildDigest(
      { ...delivered, cursor: second?.newestAt ?? 0, lastDeliveryAt: later },
      { articles },
      { now: later },
    );
    expect(third?.items.map((i) => i.url)).toEqual([all[6]?.url]);
    expect(third?.more).toBe(0);
    const fourth = await buildDigest(
      { ...delivered, cursor: third?.newestAt ?? 0, lastDeliveryAt: later },
      { articles },
      { now: later },
    );
    expect(fourth).toBeUndefined();
  });

  it("counts a cluster once toward maxItems and more", async () => {
    const { articles } = await setup();
    await put(articles, NOW - 5 * HOUR, { cluster: "big", source: "A" });
    await put(articles, NOW - 4 * HOUR, { cluster: "big", source: "B" });
    await put(articles, NOW - 3 * HOUR, { cluster: "big", source: "C" });
    const single = await put(articles, NOW - 2 * HOUR);
    const last = await put(articles, NOW - 1 * HOUR);
    const digest = await buildDigest(chat({ maxItems: 2 }), { articles }, { now: NOW });
    expect(digest?.items).toHaveLength(2);
    expect(digest?.items[0]?.url).toBe(single.url);
    expect(digest?.more).toBe(1);
    expect(digest?.newestAt).toBe(single.publishedAt);
    expect(digest?.items.map((i) => i.url)).not.toContain(last.url);
  });

  it("never splits stories published at the same moment across the cursor", async () => {
    const { articles } = await setup();
    const early = await put(articles, NOW - 3 * HOUR);
    const tied = [await put(articles, NOW - 2 * HOUR), await put(articles, NOW - 2 * HOUR)];
    await put(articles, NOW - 1 * HOUR);
    const digest = await buildDigest(chat({ maxItems: 2 }), { articles }, { now: NOW });
    expect(digest?.items.map((i) => i.url)).toEqual([early.url]);
    expect(digest?.more).toBe(3);

    const onlyTied = await buildDigest(
      chat({ maxItems: 1, cursor: early.publishedAt, lastDeliveryAt: NOW }),
      { articles },
      { now: NOW },
    );
    expect(onlyTied?.items.map((i) => i.url).sort()).toEqual(tied.map((a) => a.url).sort());
    expect(onlyTied?.newestAt).toBe(NOW - 2 * HOUR);
    expect(onlyTied?.more).toBe(1);
  });

  it("drops left-over stories older than a day, but nothing published since the last delivery", async () => {
    const { articles } = await setup();
    const cursor = NOW - 40 * HOUR;
    const stale = await put(articles, NOW - 30 * HOUR);
    const sinceDelivery = await put(articles, NOW - 20 * HOUR);
    const recent = await put(articles, NOW - 1 * HOUR);
    const behind = chat({ cursor, lastDeliveryAt: NOW - 26 * HOUR });
    const digest = await buildDigest(behind, { articles }, { now: NOW });
    expect(digest?.items.map((i) => i.url)).toEqual([recent.url, sinceDelivery.url]);
    expect(digest?.items.map((i) => i.url)).not.toContain(stale.url);

    const lateDelivery = chat({ cursor, lastDeliveryAt: NOW - 36 * HOUR });
    const wider = await buildDigest(lateDelivery, { articles }, { now: NOW });
    expect(wider?.items.map((i) => i.url)).toContain(stale.url);
  });

  it("never reaches back further than the lookback limit", () => {
    const cursor = NOW - 30 * 24 * HOUR;
    expect(digestWindowStart({ cursor, lastDeliveryAt: cursor }, NOW)).toBe(NOW - MAX_LOOKBACK_MS);
    expect(digestWindowStart({ cursor: 0 }, NOW)).toBe(NOW - CATCH_UP_MS);
    expect(digestWindowStart({ cursor: NOW - HOUR, lastDeliveryAt: NOW - HOUR }, NOW)).toBe(
      NOW - HOUR,
    );
  });

  it("delivers every article exactly once as the cursor advances", async () => {
    const { redis } = await setup();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 24 * 60 - 1 }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        async (minutesAgo, maxItems, flashes) => {
          const prefix = randomPrefix();
          try {
            const articles = createArticleStore(redis, createKeys(prefix));
            const urls = new Set<string>();
            for (const [i, ago] of minutesAgo.entries()) {
              const a = await put(articles, NOW - ago * MIN, {
                urgency: flashes[i] ? "flash" : "normal",
              });
              urls.add(a.url);
            }
            const delivered: string[] = [];
            let state = chat({ maxItems });
            for (let round = 0; round <= urls.size; round++) {
              const digest = await buildDigest(state, { articles }, { now: NOW });
              if (!digest) break;
              const keys = digest.items.map((i) => [i.urgency === "flash" ? 0 : 1, -i.publishedAt]);
              const sorted = [...keys].sort(
                (a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0),
              );
              expect(keys).toEqual(sorted);
              delivered.push(...digest.items.map((i) => i.url));
              expect(digest.more).toBe(urls.size - delivered.length);
              state = { ...state, cursor: digest.newestAt, lastDeliveryAt: NOW };
            }
            expect(delivered.sort()).toEqual([...urls].sort());
          } finally {
            await deleteByPrefix(redis, prefix);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("buildDigest with late news", () => {
  /** A store whose articles arrive at `clock.now`, and a put that sets it first. */
  async function arriving() {
    const t = await useRedis();
    const clock = { now: NOW };
    const articles = createArticleStore(t.redis, t.keys, { clock: () => clock.now });
    const arrive = (
      arrivedAt: number,
      publishedAt: number,
      overrides: Partial<ArticleInput> = {},
    ) => {
      clock.now = arrivedAt;
      return put(articles, publishedAt, overrides);
    };
    return { articles, arrive };
  }

  it("offers, once, an article dated before the cursor that arrived after the last digest", async () => {
    const { articles, arrive } = await arriving();
    const composedAt = NOW - 2 * HOUR;
    // in the last digest: composed at composedAt, its newest article published 2 minutes before
    await arrive(composedAt - MIN, composedAt - 2 * MIN);
    const earlier = await arrive(composedAt - 5 * MIN, composedAt - 20 * MIN);
    const late = await arrive(NOW - HOUR, composedAt - 10 * MIN);
    const fresh = await arrive(NOW - 30 * MIN, NOW - 30 * MIN);
    const last = chat({ cursor: composedAt - 2 * MIN, lastDeliveryAt: composedAt });

    const digest = await buildDigest(last, { articles }, { now: NOW });
    expect(digest?.items.map((i) => i.url)).toEqual([fresh.url, late.url]);
    expect(digest?.items.map((i) => i.url)).not.toContain(earlier.url);
    expect(digest?.newestAt).toBe(fresh.publishedAt);

    const next = chat({ cursor: fresh.publishedAt, lastDeliveryAt: NOW });
    expect(await buildDigest(next, { articles }, { now: NOW + HOUR })).toBeUndefined();
  });

  it("takes late news first when the digest is full, so none is left behind the cursor", async () => {
    const { articles, arrive } = await arriving();
    const composedAt = NOW - 2 * HOUR;
    const late = await arrive(NOW - HOUR, composedAt - 10 * MIN);
    for (let i = 1; i <= 3; i++) await arrive(NOW - i * MIN, NOW - i * MIN);
    const last = chat({ cursor: composedAt - 2 * MIN, lastDeliveryAt: composedAt, maxItems: 2 });

    const digest = await buildDigest(last, { articles }, { now: NOW });
    expect(digest?.items.map((i) => i.url)).toContain(late.url);
    expect(digest?.more).toBe(2);
    expect(digest?.newestAt).toBe(NOW - 3 * MIN);
  });

  it("offers a burst of late news too big for one digest over the next ones, first arrived first, each story once", async () => {
    const { articles, arrive } = await arriving();
    const composedAt = NOW - 2 * HOUR;
    const cursor = composedAt - 2 * MIN;
    // a feed back after an outage: seven stories dated before the cursor, arriving one after another
    const late: Article[] = [];
    for (let i = 0; i < 7; i++) {
      late.push(await arrive(NOW - HOUR + i, composedAt - (10 + i) * MIN));
    }
    const fresh = [
      await arrive(NOW - 30 * MIN, NOW - 30 * MIN),
      await arrive(NOW - 20 * MIN, NOW - 20 * MIN),
    ];
    let last = chat({ cursor, lastDeliveryAt: composedAt, maxItems: 3 });

    const offered: string[][] = [];
    for (let n = 0; n < 3; n++) {
      const now = NOW + n * HOUR;
      const digest = await buildDigest(last, { articles }, { now });
      offered.push(digest?.items.map((i) => i.url).sort() ?? []);
      const { lateFrom: _dropped, ...rest } = last;
      last = {
        ...rest,
        cursor: Math.max(last.cursor, digest?.newestAt ?? 0),
        lastDeliveryAt: now,
        ...(digest?.lateFrom === undefined ? {} : { lateFrom: digest.lateFrom }),
      };
      if (n === 0) {
        expect(digest?.more).toBe(6);
        expect(digest?.lateFrom).toBe(NOW - HOUR + 2);
        expect(digest?.newestAt).toBeLessThan(cursor);
      }
    }
    const urls = (list: Article[]) => list.map((a) => a.url).sort();
    expect(offered).toEqual([
      urls(late.slice(0, 3)),
      urls(late.slice(3, 6)),
      urls([late[6] as Article, ...fresh]),
    ]);
    expect(last.lateFrom).toBeUndefined();
    expect(await buildDigest(last, { articles }, { now: NOW + 3 * HOUR })).toBeUndefined();
  });

  it("takes late stories that arrived at the same moment together", async () => {
    const { articles, arrive } = await arriving();
    const composedAt = NOW - 2 * HOUR;
    const last = chat({ cursor: composedAt - 2 * MIN, lastDeliveryAt: composedAt, maxItems: 2 });
    const first = await arrive(NOW - HOUR, composedAt - 30 * MIN);
    const together: Article[] = [];
    for (let i = 0; i < 3; i++) together.push(await arrive(NOW - HOUR + 5, composedAt - 20 * MIN));

    const digest = await buildDigest(last, { articles }, { now: NOW });
    expect(digest?.items.map((i) => i.url)).toEqual([first.url]);
    expect(digest?.lateFrom).toBe(NOW - HOUR);

    const next = await buildDigest(
      { ...last, lastDeliveryAt: NOW, lateFrom: NOW - HOUR },
      { articles },
      { now: NOW + HOUR },
    );
    expect(next?.items.map((i) => i.url).sort()).toEqual(together.map((a) => a.url).sort());
    expect(next?.lateFrom).toBe(NOW - HOUR + 5);
  });

  it("leaves out what arrived late but is older than any digest reaches, or in other topics", async () => {
    const { articles, arrive } = await arriving();
    const composedAt = NOW - 2 * HOUR;
    const ancient = await arrive(NOW - HOUR, NOW - MAX_LOOKBACK_MS - MIN);
    const otherTopic = await arrive(NOW - HOUR, composedAt - 10 * MIN, { topics: ["aid"] });
    const inTopic = await arrive(NOW - HOUR, composedAt - 11 * MIN);
    const last = chat({
      cursor: composedAt - 2 * MIN,
      lastDeliveryAt: composedAt,
      topics: ["frontline"],
    });

    const digest = await buildDigest(last, { articles }, { now: NOW });
    expect(digest?.items.map((i) => i.url)).toEqual([inTopic.url]);
    expect(digest?.items.map((i) => i.url)).not.toContain(ancient.url);
    expect(digest?.items.map((i) => i.url)).not.toContain(otherTopic.url);
  });

  it("does not offer again what arrived within the second the last digest was composed", async () => {
    const { articles, arrive } = await arriving();
    const composedAt = NOW - 2 * HOUR;
    await arrive(composedAt + 500, composedAt - 10 * MIN);
    const last = chat({ cursor: composedAt - 2 * MIN, lastDeliveryAt: composedAt });
    expect(await buildDigest(last, { articles }, { now: NOW })).toBeUndefined();
  });
});

describe("lastArticleAt", () => {
  it("is the newest article in the chat's topics, not after now", async () => {
    const { articles } = await setup();
    expect(await lastArticleAt(chat(), { articles }, { now: NOW })).toBeUndefined();
    const kursk = await put(articles, NOW - 3 * HOUR, { topics: ["kursk"] });
    await put(articles, NOW - 2 * HOUR, { topics: ["aid"] });
    await put(articles, NOW + HOUR, { topics: ["kursk"] });
    expect(await lastArticleAt(chat({ topics: ["kursk"] }), { articles }, { now: NOW })).toBe(
      kursk.publishedAt,
    );
    expect(await lastArticleAt(chat(), { articles }, { now: NOW })).toBe(NOW - 2 * HOUR);
  });
});
