import { fileURLToPath } from "node:url";
import { Bot } from "grammy";
import type { Update } from "grammy/types";
import { pino } from "pino";
import { createArticleStore } from "../src/articles/article-store.ts";
import { createTagger } from "../src/articles/tagger.ts";
import { loadTopics } from "../src/articles/topics.ts";
import { createBot } from "../src/bot/index.ts";
import { createChatStore } from "../src/chats/chat-store.ts";
import { createFeedStateStore } from "../src/feeds/feed-state.ts";
import { deleteByPrefix } from "../src/redis/delete-prefix.ts";
import { createKeys } from "../src/redis/keys.ts";
import { createFakeTelegram } from "../tests/support/fake-telegram.ts";
import { commandUpdate, privateChat, user } from "../tests/support/updates.ts";
import { benchRedis } from "./bench-redis.ts";
import { type Bench, result, runIfMain } from "./lib.ts";

const UPDATES = 3_000;
const CONCURRENCY = 50;
const topicsFile = fileURLToPath(new URL("../content/topics.json", import.meta.url));

/** Handles `updates` through `handle`, CONCURRENCY at a time; returns updates per second. */
async function measure(updates: Update[], handle: (u: Update) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < updates.length) await handle(updates[next++] as Update);
    }),
  );
  return updates.length / ((performance.now() - started) / 1000);
}

/**
 * /latest through bot.handleUpdate with real Redis and the fake Telegram over
 * HTTP, against a bare grammY bot that answers every update with a fixed text
 * through the same fake: the ratio is the cost of our store reads and rendering.
 */
export const latest: Bench = {
  name: "latest",
  async run() {
    const fake = await createFakeTelegram();
    const { redis, close } = await benchRedis();
    const keys = createKeys(`bench${Date.now()}:`);
    try {
      const topics = loadTopics(topicsFile);
      const articles = createArticleStore(redis, keys);
      for (let i = 0; i < 200; i++) {
        await articles.put({
          url: `https://example.org/bench/${i}`,
          title: `Invented benchmark headline ${i}`,
          summary: "Invented summary for the benchmark: two sentences of plain text. Nothing more.",
          source: "Example Wire",
          publishedAt: Date.UTC(2024, 11, 17) - i * 60_000,
          topics: ["kursk"],
        });
      }
      const chats = createChatStore(redis, keys, {
        defaults: { lang: "en", tz: "Europe/Kyiv" },
        topicIds: new Set(topics.map((t) => t.id)),
      });
      const readers = Array.from({ length: 100 }, () => {
        const u = fake.addUser();
        fake.addChat({ type: "private", user: u });
        return u;
      });
      const updates = (text: string) =>
        Array.from({ length: UPDATES }, (_, i) => {
          const u = readers[i % readers.length] ?? user();
          return { ...commandUpdate(privateChat(u), u, text), update_id: i + 1 };
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
          now: Date.now,
        },
        { token: fake.token, apiRoot: fake.apiRoot, botInfo: fake.bot },
      );
      const baseline = new Bot(fake.token, {
        client: { apiRoot: fake.apiRoot },
        botInfo: fake.bot,
      });
      baseline.command("latest", (ctx) => ctx.reply("A fixed answer."));

      await measure(updates("/latest").slice(0, 300), (u) => bot.handleUpdate(u)); // warm-up
      await measure(updates("/latest").slice(0, 300), (u) => baseline.handleUpdate(u));
      const base = await measure(updates("/latest"), (u) => baseline.handleUpdate(u));
      const ours = await measure(updates("/latest"), (u) => bot.handleUpdate(u));
      console.error(`latest: ours ${ours.toFixed(0)}/s, fixed-text baseline ${base.toFixed(0)}/s`);
      return result("latest", ours, "updates/s", base);
    } finally {
      await deleteByPrefix(redis, keys.prefix);
      await close();
      await fake.close();
    }
  },
};

runIfMain(latest, import.meta.url);
