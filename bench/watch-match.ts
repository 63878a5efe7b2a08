import type { Redis } from "ioredis";
import type { Article } from "../src/articles/article.ts";
import { INGEST_CONCURRENCY } from "../src/feeds/poll-source.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys } from "../src/redis/keys.ts";
import { createWatchHits } from "../src/watches/watch-hits.ts";
import { createWatchHook } from "../src/watches/watch-hook.ts";
import { createWatchStore } from "../src/watches/watch-store.ts";
import { parseWatch } from "../src/watches/watch-words.ts";
import { benchRedis, storesConnection } from "./bench-redis.ts";
import { ingest } from "./ingest.ts";
import { type Bench, result, runIfMain } from "./lib.ts";

const CHATS = 100_000;
const WATCHES_PER_CHAT = 3;
const ARTICLES = 2_000;
/** Share of watch words taken from the words articles use; the rest never occur. */
const REAL_WORD_SHARE = 0.01;
const BATCH = 5_000;

/** The news vocabulary: the places and words of bench/ingest.ts's feed, and more like them. */
const REAL = [
  ...["kharkiv", "odesa", "kursk", "oblast", "pokrovsk", "kyiv", "zaporizhzhia", "sumy"],
  ...["volunteers", "engineers", "officials", "rescue", "teachers", "doctors", "repaired"],
  ...["inspected", "reopened", "supplied", "cleared", "rebuilt", "footbridge", "school"],
  ...Array.from({ length: 270 }, (_, i) => `topic${i}`),
];
/** News words per article: each word is in about 7% of articles. */
const REAL_PER_ARTICLE = 20;

/** Deterministic pseudo-random numbers, so every run builds the same watches. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** An invented article in the words of bench/ingest.ts's feed; nothing here is news. */
function inventedArticle(i: number, random: () => number): Article {
  const words = Array.from({ length: 40 }, (_, w) =>
    w < REAL_PER_ARTICLE ? pick(REAL, random) : `filler${Math.floor(random() * 500)}`,
  ).sort(() => random() - 0.5);
  return {
    id: `bench${i}`,
    url: `https://example.org/bench/watch/${i}`,
    title: `Invented bench item ${i}: ${words.slice(0, 8).join(" ")}`,
    summary: words.slice(8).join(" "),
    source: "Example Bench Outlet",
    publishedAt: Date.now(),
    topics: [],
    urgency: "normal",
    lang: "en",
  };
}

/**
 * Rewrites the append-only file now and waits for it: the fill grows it past
 * Redis's rewrite threshold, and a rewrite forked mid-measurement would take
 * one of the two cores from the run.
 */
async function settle(redis: Redis): Promise<void> {
  await redis.bgrewriteaof().catch(() => undefined);
  for (;;) {
    const info = await redis.info("persistence");
    if (!/aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(info)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Watch matching with 100,000 chats holding 3 watches each (1–3 words, 1% of
 * them news words, each in about 7% of articles, the rest words no article
 * has): articles matched per second through the watch hook as the app
 * builds it (word index read through the process's copy, each round's
 * matches recorded and messages planned in one command; the BullMQ enqueue
 * is counted, not made), 16 articles stored at once as a feed poll stores
 * them, the first article starting with an empty copy; against the ingest rate
 * measured in the same run (bench/ingest.ts). Matching must keep up with
 * ingest: ratio ≥ 1.
 */
export const watchMatch: Bench = {
  name: "watch-match",
  async run() {
    let matchRate = 0;
    const { url, close } = await benchRedis();
    // the connection the app's article hooks use (src/app.ts)
    const redis = storesConnection(url);
    const keys = createKeys(`benchwatch${Date.now()}:`);
    try {
      const random = seeded(20241217);
      const watches = createWatchStore(redis, keys);
      const word = () =>
        random() < REAL_WORD_SHARE ? pick(REAL, random) : `w${Math.floor(random() * 200_000)}`;
      const filled = performance.now();
      for (let start = 0; start < CHATS; start += BATCH) {
        const adds: Promise<unknown>[] = [];
        for (let chat = start; chat < Math.min(CHATS, start + BATCH); chat++) {
          for (let w = 0; w < WATCHES_PER_CHAT; w++) {
            const length = 1 + Math.floor(random() * 3);
            const parsed = parseWatch(Array.from({ length }, word).join(" "));
            if (parsed.ok) adds.push(watches.add(chat + 1, parsed.watch));
          }
        }
        await Promise.all(adds);
      }
      console.error(
        `watch-match: ${CHATS * WATCHES_PER_CHAT} watches stored in ${((performance.now() - filled) / 1000).toFixed(1)} s`,
      );
      await settle(redis);
      let planned = 0;
      const hook = createWatchHook({
        watches,
        hits: createWatchHits(redis, keys),
        enqueue: async () => {
          planned += 1;
        },
      });
      const articles = Array.from({ length: ARTICLES }, (_, i) => inventedArticle(i, random));
      let matched = 0;
      const started = performance.now();
      // as many at once as a feed poll stores (poll-source.ts)
      let next = 0;
      const work = async () => {
        while (next < articles.length) {
          const count = await hook(articles[next++] as Article, true);
          matched += count;
        }
      };
      await Promise.all(Array.from({ length: INGEST_CONCURRENCY }, work));
      const rate = ARTICLES / ((performance.now() - started) / 1000);
      console.error(
        `watch-match: ${rate.toFixed(0)} articles/s matched (${(matched / ARTICLES).toFixed(1)} chats each, ${planned} messages planned)`,
      );
      matchRate = rate;
    } finally {
      await deleteByPrefix(redis, keys.prefix);
      redis.disconnect();
      await close();
    }
    // measured after, in the same process: run first, ingest's feed server and
    // Redis left this process slower for the matching that followed
    const ingestRate = (await ingest.run()).value;
    console.error(
      `watch-match: ${matchRate.toFixed(0)} articles/s matched vs ingest ${ingestRate.toFixed(0)} articles/s`,
    );
    return result("watch-match", matchRate, "articles/s", ingestRate);
  },
};

runIfMain(watchMatch, import.meta.url);
