import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import type { Article } from "../../src/articles/article.ts";
import { createWatchHits } from "../../src/watches/watch-hits.ts";
import { createWatchHook } from "../../src/watches/watch-hook.ts";
import { createWatchStore } from "../../src/watches/watch-store.ts";
import { articleWatchWords, parseWatch, type Watch } from "../../src/watches/watch-words.ts";
import { useRedis } from "../support/redis.ts";

// Every article here is invented for tests: example.org links, made-up text.
function invented(n: number, words: string): Article {
  return {
    id: `inv${n}`,
    url: `https://example.org/watch-match/${n}`,
    title: `Invented report ${n} ${words}`,
    summary: "An invented summary, written for this test.",
    source: "Example Wire",
    publishedAt: Date.now() - 60_000,
    topics: [],
    urgency: "normal",
    lang: "en",
  };
}

function watch(words: string): Watch {
  const parsed = parseWatch(words);
  if (!parsed.ok) throw new Error(`not a watch: ${words}`);
  return parsed.watch;
}

/** Counts the commands a client sends, by name. */
function countCommands(redis: Redis): Map<string, number> {
  const counts = new Map<string, number>();
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, stream) => {
    counts.set(command.name, (counts.get(command.name) ?? 0) + 1);
    return send(command, stream);
  };
  return counts;
}

describe("watch matching", () => {
  it("sees watches added and removed elsewhere after this process read the index", async () => {
    const { redis, keys } = await useRedis();
    const matcher = createWatchStore(redis, keys);
    // another process (the bot) writes the watches
    const bot = createWatchStore(redis, keys);
    await bot.add(1, watch("kharkiv"));
    const words = articleWatchWords(invented(1, "kharkiv bridge"));
    expect(await matcher.match(words)).toEqual([{ chatId: 1, phrase: "kharkiv" }]);

    await bot.add(2, watch("bridge kharkiv"));
    await bot.add(3, watch("kharkiv"));
    const after = await matcher.match(words);
    expect(after.sort((a, b) => a.chatId - b.chatId)).toEqual([
      { chatId: 1, phrase: "kharkiv" },
      { chatId: 2, phrase: "bridge kharkiv" },
      { chatId: 3, phrase: "kharkiv" },
    ]);

    await bot.remove(1, "kharkiv");
    await bot.clear(3);
    expect(await matcher.match(words)).toEqual([{ chatId: 2, phrase: "bridge kharkiv" }]);
  });

  it("matches articles stored together in shared rounds, one command each on a current copy", async () => {
    const { redis, keys } = await useRedis();
    const watches = createWatchStore(redis, keys);
    for (let chat = 1; chat <= 20; chat++) await watches.add(chat, watch(`odesa${chat % 4}`));
    const counts = countCommands(redis);
    const planned: number[] = [];
    const hook = createWatchHook({
      watches,
      hits: createWatchHits(redis, keys),
      enqueue: async (chatId) => void planned.push(chatId),
    });
    const articles = Array.from({ length: 16 }, (_, i) => invented(i, `odesa${i % 4}`));
    const matched = await Promise.all(articles.map((article) => hook(article, true)));

    expect(matched).toEqual(articles.map(() => 5));
    expect(planned.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (let chat = 1; chat <= 20; chat++) {
      const pending = await createWatchHits(redis, keys).pending(chat);
      expect(Object.keys(pending).length).toBe(4);
    }
    // the first two articles' rounds (two run at once), then one for the
    // fourteen that waited: each reads the words its copy lacks, then writes
    expect(counts.get("evalsha")).toBe(6);
    expect(counts.get("sunion")).toBeUndefined();

    // the same words again: the copy holds them all, so each round is one command
    counts.clear();
    const later = Array.from({ length: 16 }, (_, i) => invented(i, `odesa${i % 4}`));
    expect(await Promise.all(later.map((article) => hook(article, true)))).toEqual(
      later.map(() => 5),
    );
    expect(counts.get("evalsha")).toBe(3);
  });

  it("matches a watch added elsewhere after this process's copy was read", async () => {
    const { redis, keys } = await useRedis();
    const bot = createWatchStore(redis, keys);
    await bot.add(1, watch("kharkiv"));
    const hook = createWatchHook({
      watches: createWatchStore(redis, keys),
      hits: createWatchHits(redis, keys),
      enqueue: async () => undefined,
    });
    expect(await hook(invented(1, "kharkiv bridge"), true)).toBe(1);

    // the bot, another process, adds a watch on a word the copy holds
    await bot.add(2, watch("bridge kharkiv"));
    const counts = countCommands(redis);
    expect(await hook(invented(2, "kharkiv bridge"), true)).toBe(2);
    expect(Object.keys(await createWatchHits(redis, keys).pending(2))).toEqual(["inv2"]);
    // the write on the stale copy was refused; the copy read fresh, the write made
    expect(counts.get("evalsha")).toBe(3);
  });
});
