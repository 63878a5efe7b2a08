import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { createArticleStore } from "../src/articles/article-store.ts";
import { createTagger } from "../src/articles/tagger.ts";
import { loadTopics } from "../src/articles/topics.ts";
import { fetchFeed } from "../src/feeds/fetch-feed.ts";
import { type FeedItem, parseFeedText } from "../src/feeds/parse-feed.ts";
import { INGEST_CONCURRENCY, pollSource } from "../src/feeds/poll-source.ts";
import type { Source } from "../src/feeds/sources.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys } from "../src/redis/keys.ts";
import { startFeedServer } from "../tests/support/feed-server.ts";
import { benchRedis, storesConnection } from "./bench-redis.ts";
import { type Bench, result, runIfMain } from "./lib.ts";

const ITEMS = 2_000;
const topicsFile = fileURLToPath(new URL("../content/topics.json", import.meta.url));

const PLACES = ["Kharkiv", "Odesa", "Kursk Oblast", "Pokrovsk", "Kyiv", "Zaporizhzhia", "Sumy"];
const SUBJECTS = [
  "Volunteers",
  "Engineers",
  "Local officials",
  "Rescue teams",
  "Teachers",
  "Doctors",
];
const VERBS = ["repaired", "inspected", "reopened", "supplied", "cleared", "rebuilt"];
const OBJECTS = [
  "a footbridge",
  "a school roof",
  "a water pipe",
  "a clinic",
  "a bakery",
  "a bus depot",
];
const TAILS = [
  "after a week of work.",
  "with donated materials.",
  "despite the cold weather.",
  "ahead of the holidays.",
  "with help from a neighbouring town.",
];

/** A deterministic pseudo-random pick, so every run ingests the same text. */
function pick<T>(list: readonly T[], seed: number): T {
  return list[((seed * 2_654_435_761) % 4_294_967_296) % list.length] as T;
}

/** One invented sentence; nothing here is news. */
function sentence(seed: number): string {
  return `${pick(SUBJECTS, seed)} in invented district ${seed % 97} near ${pick(PLACES, seed + 1)} ${pick(VERBS, seed + 2)} ${pick(OBJECTS, seed + 3)} ${pick(TAILS, seed + 4)}`;
}

/** An RSS feed of `count` invented items, each a few paragraphs long, links on example.org. */
function inventedFeed(count: number): string {
  const start = Date.UTC(2024, 11, 17);
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const paragraphs = Array.from(
      { length: 4 },
      (_, p) =>
        `<p>${sentence(i * 31 + p * 7)} ${sentence(i * 31 + p * 7 + 1)} ${sentence(i * 31 + p * 7 + 2)}</p>`,
    ).join("");
    items.push(`<item>
<title>Invented bench item ${i}: ${pick(SUBJECTS, i)} ${pick(VERBS, i + 1)} ${pick(OBJECTS, i + 2)}</title>
<link>https://example.org/bench/ingest/${i}</link>
<guid isPermaLink="false">bench-ingest-${i}</guid>
<pubDate>${new Date(start - i * 60_000).toUTCString()}</pubDate>
<content:encoded><![CDATA[${paragraphs}]]></content:encoded>
</item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Invented benchmark feed: not news. -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Invented bench feed</title><link>https://example.org/</link>
${items.join("\n")}
</channel></rss>`;
}

/**
 * Feed ingest: a 2,000-item invented RSS feed served over local HTTP and
 * polled with pollSource (fetch, parse, summarise, tag, dedupe, store,
 * cluster) into a fresh key prefix. Baseline, in the same run: the same
 * fetch and parse with each item stored as it is (raw put, no summary,
 * no topics), as many at once as pollSource stores. Prints articles per
 * second; the target is at least 500.
 */
export const ingest: Bench = {
  name: "ingest",
  async run() {
    const server = await startFeedServer();
    const { redis: plain, url, close } = await benchRedis();
    // the connection the app's feeds store through (src/app.ts)
    const redis = storesConnection(url);
    const prefixes: string[] = [];
    const freshKeys = () => {
      const keys = createKeys(`bench${Date.now()}${prefixes.length}:`);
      prefixes.push(keys.prefix);
      return keys;
    };
    try {
      server.route("/feed", {
        headers: { "content-type": "application/rss+xml; charset=utf-8" },
        body: inventedFeed(ITEMS),
      });
      const tagger = createTagger(loadTopics(topicsFile));
      const source: Source = {
        id: "bench-outlet",
        name: "Example Bench Outlet",
        url: server.url("/feed"),
        lang: "en",
        pollMinutes: 15,
        enabled: true,
        fallbackUrls: [],
      };

      const ours = async (): Promise<number> => {
        const keys = freshKeys();
        const articles = createArticleStore(redis, keys);
        const logger = pino({ level: "silent" });
        const started = performance.now();
        const outcome = await pollSource(source, { redis, keys, articles, tagger, logger });
        const seconds = (performance.now() - started) / 1000;
        if (outcome.kind !== "fetched" || outcome.created !== ITEMS) {
          throw new Error(`expected ${ITEMS} new articles, got ${JSON.stringify(outcome)}`);
        }
        return ITEMS / seconds;
      };

      const raw = async (): Promise<number> => {
        const keys = freshKeys();
        const articles = createArticleStore(redis, keys);
        const started = performance.now();
        const fetched = await fetchFeed(source.url, {});
        if (fetched.kind !== "ok") throw new Error(`bench feed answered ${fetched.kind}`);
        const feed = parseFeedText(fetched.text, { baseUrl: source.url });
        let next = 0;
        const putNext = async () => {
          while (next < feed.items.length) {
            const item = feed.items[next++] as FeedItem;
            await articles.put({
              url: item.url ?? "",
              title: item.title ?? "",
              summary: "",
              source: source.name,
              publishedAt: item.publishedAt ?? Date.now(),
            });
          }
        };
        await Promise.all(Array.from({ length: INGEST_CONCURRENCY }, putNext));
        const seconds = (performance.now() - started) / 1000;
        if ((await articles.count()) !== ITEMS) throw new Error("raw put stored a wrong count");
        return ITEMS / seconds;
      };

      await raw(); // warm-up
      await ours();
      const baseline = await raw();
      const value = await ours();
      console.error(
        `ingest: ${value.toFixed(0)} articles/s with summary+tags, ${baseline.toFixed(0)} articles/s raw put`,
      );
      return result("ingest", value, "articles/s", baseline);
    } finally {
      for (const prefix of prefixes) await deleteByPrefix(plain, prefix);
      redis.disconnect();
      await close();
      await server.close();
    }
  },
};

runIfMain(ingest, import.meta.url);
