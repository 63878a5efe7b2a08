import { fileURLToPath } from "node:url";
import { Bot } from "grammy";
import type { Update, User } from "grammy/types";
import { pino } from "pino";
import { type ArticleStore, createArticleStore } from "../src/articles/article-store.ts";
import { createTagger } from "../src/articles/tagger.ts";
import { loadTopics } from "../src/articles/topics.ts";
import { createBot } from "../src/bot/index.ts";
import { createChatStore } from "../src/chats/chat-store.ts";
import { createFeedStateStore } from "../src/feeds/feed-state.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys } from "../src/redis/keys.ts";
import { createFakeTelegram, type FakeTelegram } from "../tests/support/fake-telegram.ts";
import { commandUpdate, privateChat } from "../tests/support/updates.ts";
import { benchRedis, storesConnection } from "./bench-redis.ts";
import { type Bench, result, round, runIfMain } from "./lib.ts";

const READERS = 3_000;
/** the readers are measured in this many turns, the fixed-text bot's and ours alternating */
const TURNS = 6;
const CONCURRENCY = 50;
/** readers asking at once after an article arrives, for the latency figures */
const CROWD = 200;
const CROWD_ROUNDS = 10;
const topicsFile = fileURLToPath(new URL("../content/topics.json", import.meta.url));

type Handle = (u: Update) => Promise<void>;

/** Handles `updates` through `handle`, CONCURRENCY at a time; returns the seconds it took. */
async function elapsed(updates: Update[], handle: Handle): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < updates.length) await handle(updates[next++] as Update);
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * CROWD_ROUNDS times: `before` (an article arrives), then CROWD readers send
 * /latest at once; returns each update's time to handled (reply sent), in ms.
 */
async function crowdLatencies(
  rounds: Update[][],
  handle: Handle,
  before: (round: number) => Promise<void>,
): Promise<number[]> {
  const times: number[] = [];
  for (const [index, crowd] of rounds.entries()) {
    await before(index);
    await Promise.all(
      crowd.map(async (update) => {
        const started = performance.now();
        await handle(update);
        times.push(performance.now() - started);
      }),
    );
  }
  return times;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function latencySummary(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
}

function invented(i: number, publishedAt: number) {
  return {
    url: `https://example.org/bench/${i}`,
    title: `Invented benchmark headline ${i}`,
    summary: "Invented summary for the benchmark: two sentences of plain text. Nothing more.",
    source: "Example Wire",
    publishedAt,
    topics: ["kursk"],
  };
}

/** One /latest from each reader, each reader once (a reader sending more is flood-limited). */
function latestFrom(readers: User[], firstId: number): Update[] {
  return readers.map((u, i) => ({
    ...commandUpdate(privateChat(u), u, "/latest"),
    update_id: firstId + i,
  }));
}

function addReaders(fake: FakeTelegram, n: number): User[] {
  return Array.from({ length: n }, () => {
    const u = fake.addUser({ language_code: "en" });
    fake.addChat({ type: "private", user: u });
    return u;
  });
}

/**
 * /latest through bot.handleUpdate with real Redis and the fake Telegram over
 * HTTP, every update from a different reader, against a bare grammY bot that
 * answers every update with a fixed text — our answer's own HTML, so the fake
 * parses the same message for both — through the same fake: the ratio is
 * the cost of our middleware, store reads, rendering and recording. Then the latency of
 * a crowd: an article arrives and CROWD readers ask at once, CROWD_ROUNDS times.
 */
export const latest: Bench = {
  name: "latest",
  async run() {
    const fake = await createFakeTelegram();
    const { redis: plain, url, close } = await benchRedis();
    const redis = storesConnection(url);
    const keys = createKeys(`bench${Date.now()}:`);
    try {
      const topics = loadTopics(topicsFile);
      const articles = createArticleStore(redis, keys);
      const newest = Date.UTC(2024, 11, 17);
      for (let i = 0; i < 200; i++) await articles.put(invented(i, newest - i * 60_000));
      const chats = createChatStore(redis, keys, {
        defaults: { lang: "en", tz: "Europe/Kyiv" },
        topicIds: new Set(topics.map((t) => t.id)),
      });
      const bot = createBot(
        {
          articles,
          chats,
          topics,
          sources: [],
          feedState: createFeedStateStore(redis, keys),
          tagger: createTagger(topics),
          redis,
          keys,
          editorIds: [],
          defaultLanguage: "en",
          defaultTimezone: "Europe/Kyiv",
          logger: pino({ level: "silent" }),
          clock: Date.now,
        },
        { token: fake.token, apiRoot: fake.apiRoot, botInfo: fake.bot },
      );
      const baseline = new Bot(fake.token, {
        client: { apiRoot: fake.apiRoot },
        botInfo: fake.bot,
      });
      // the same bytes as our answer, so the fake's work on a message is alike for both
      const answer = { html: "A fixed answer." };
      baseline.command("latest", (ctx) =>
        ctx.reply(answer.html, { parse_mode: "HTML", link_preview_options: { is_disabled: true } }),
      );
      const ours: Handle = (u) => bot.handleUpdate(u);
      const fixed: Handle = (u) => baseline.handleUpdate(u);
      return await compare(fake, articles, ours, fixed, newest, answer);
    } finally {
      await deleteByPrefix(plain, keys.prefix);
      redis.disconnect();
      await close();
      await fake.close();
    }
  },
};

async function compare(
  fake: FakeTelegram,
  articles: ArticleStore,
  ours: Handle,
  fixed: Handle,
  newest: number,
  answer: { html: string },
) {
  const warmUp = addReaders(fake, 300);
  await elapsed(latestFrom(warmUp, 1), ours);
  const ourAnswer = fake.sent((warmUp[0] as User).id).at(-1);
  if (!ourAnswer) throw new Error("/latest gave no answer");
  answer.html = ourAnswer.html;
  await elapsed(latestFrom(warmUp, 1), fixed);
  // in turns, so a change in the machine's load falls on both alike
  const turns = { ours: 0, fixed: 0 };
  for (let turn = 0; turn < TURNS; turn++) {
    turns.fixed += await elapsed(latestFrom(addReaders(fake, READERS / TURNS), 1), fixed);
    turns.ours += await elapsed(latestFrom(addReaders(fake, READERS / TURNS), 1), ours);
  }
  const base = READERS / turns.fixed;
  const throughput = READERS / turns.ours;

  const crowds = () =>
    Array.from({ length: CROWD_ROUNDS }, () => latestFrom(addReaders(fake, CROWD), 1));
  const arrive = (round: number) =>
    articles.put(invented(1_000 + round, newest + (round + 1) * 60_000)).then(() => undefined);
  const ourCrowd = latencySummary(await crowdLatencies(crowds(), ours, arrive));
  const fixedCrowd = latencySummary(await crowdLatencies(crowds(), fixed, async () => {}));
  console.error(
    `latest: ours ${throughput.toFixed(0)}/s, fixed-text baseline ${base.toFixed(0)}/s; ` +
      `${CROWD} readers at once after an article arrives (${CROWD_ROUNDS} rounds): ` +
      `p50 ${ourCrowd.p50} ms, p99 ${ourCrowd.p99} ms ` +
      `(fixed text: p50 ${fixedCrowd.p50} ms, p99 ${fixedCrowd.p99} ms)`,
  );
  return {
    ...result("latest", throughput, "updates/s", base),
    p50Ms: ourCrowd.p50,
    p99Ms: ourCrowd.p99,
  };
}

runIfMain(latest, import.meta.url);
