import { Api } from "grammy";
import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import type { BotContext } from "../../src/bot/context.ts";
import { createI18n } from "../../src/bot/i18n.ts";
import { localTime } from "../../src/chats/next-due.ts";
import {
  createDeliveryQueue,
  type DeliveryQueue,
  enqueueDigest,
} from "../../src/delivery/queue.ts";
import { startDelivery } from "../../src/delivery/start-delivery.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { createKeys } from "../../src/redis/keys.ts";
import { createWatchHits, WATCH_WINDOW_MS } from "../../src/watches/watch-hits.ts";
import { createWatchHookOn } from "../../src/watches/watch-hook.ts";
import { createWatchStore } from "../../src/watches/watch-store.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { createFakeTelegram, type FakeTelegram } from "../support/fake-telegram.ts";
import { deleteByPrefix, randomPrefix, testRedisUrl } from "../support/redis.ts";
import { callbackUpdate } from "../support/updates.ts";
import { waitFor } from "../support/wait-for.ts";

// Every article here is invented for tests: example.org links, made-up outlets and text.
const silent = pino({ level: "silent" });
const MINUTE = 60_000;

function invented(n: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/watch/${n}`,
    title: `Invented report ${n}`,
    summary: `An invented summary number ${n}, written for this test.`,
    source: "Example Wire",
    publishedAt: Date.now() - 5 * MINUTE + n,
    topics: ["frontline"],
    ...extra,
  };
}

interface Live {
  h: BotHarness;
  fake: FakeTelegram;
  queue: DeliveryQueue;
  /** stores an article and runs the watch hook, as ingest does */
  ingest(input: ArticleInput): Promise<void>;
}

async function live(): Promise<Live> {
  const fake = await createFakeTelegram();
  const prefix = randomPrefix();
  const keys = createKeys(prefix);
  const url = testRedisUrl();
  const redis = createRedis(url);
  const queue = createDeliveryQueue({ connection: redis, keys });
  const h = await startBotHarness({ fake, prefix, deps: { deliveryQueue: queue } });
  const hook = createWatchHookOn({ redis: h.redis, keys, queue });
  const i18n = createI18n<BotContext>("en");
  const delivery = startDelivery({
    scheduler: false,
    worker: true,
    redisUrl: url,
    redis,
    keys,
    queue,
    api: new Api(fake.token, { apiRoot: fake.apiRoot }),
    chats: h.chats,
    articles: h.articles,
    topics: h.topics,
    translate: (lang, key, vars) => i18n.t(lang, key, vars),
    logger: silent,
    broadcastRate: 30,
    paidBroadcast: false,
    graceMs: 60 * MINUTE,
  });
  onTestFinished(async () => {
    await h.stop();
    await delivery.stop();
    await queue.close();
    await deleteByPrefix(redis, prefix);
    await redis.quit();
    await fake.close();
  });
  return {
    h,
    fake,
    queue,
    async ingest(input) {
      const { article, created } = await h.articles.put(input);
      await hook(article, created);
    },
  };
}

async function idle(queue: DeliveryQueue): Promise<void> {
  await waitFor(
    async () => {
      const counts = await queue.getJobCounts("waiting", "active", "prioritized");
      return Object.values(counts).every((n) => n === 0);
    },
    { message: "the delivery queue to drain" },
  );
}

/** Sends a command and waits for the bot's next message in that chat. */
async function command(l: Live, chatId: number, from: number, text: string) {
  const before = l.fake.sent(chatId).length;
  l.fake.sendText(chatId, from, text);
  return l.fake.waitForMessage(chatId, () => true, { sinceIndex: before });
}

const watchMessages = (l: Live, chatId: number) =>
  l.fake.sent(chatId).filter((m) => m.text.startsWith("🔔 New on your watched words"));

/** The chat's watch job waiting for its time, if one does. */
async function delayedWatch(l: Live, chatId: number) {
  const jobs = await l.queue.getJobs(["delayed"]);
  return jobs.find((j) => j.data.kind === "watch" && j.data.chatId === chatId);
}

/** A basic group whose creator watches "ferry", as before it is upgraded to a supergroup. */
async function groupWatchingFerry() {
  const l = await live();
  const admin = l.fake.addUser();
  const group = l.fake.addChat({ type: "group", members: [{ user: admin, status: "creator" }] });
  await command(l, group.id, admin.id, `/watch@${l.fake.bot.username} ferry`);
  return { l, admin, group };
}

describe("watches", () => {
  it("sends a matching new article once to a private chat and a group, nothing else", async () => {
    const l = await live();
    const reader = l.fake.addChat({ type: "private" });
    const admin = l.fake.addUser();
    const group = l.fake.addChat({
      type: "supergroup",
      members: [{ user: admin, status: "administrator" }],
    });
    const added = await command(l, reader.id, reader.id, "/watch Kursk   BRIDGE");
    expect(added.text).toContain("Watching “kursk bridge” (1 of 10)");
    await command(l, group.id, admin.id, `/watch@${l.fake.bot.username} bridge`);

    await l.ingest(invented(1, { title: "Invented report on a bridge near Kursk" }));
    await l.ingest(invented(2, { title: "Invented report on Kursk roads" }));
    // holds the watch's key word but not its other word
    await l.ingest(invented(3, { title: "Invented report on a bridge in Odesa" }));
    const [toReader, toGroup] = await Promise.all([
      l.fake.waitForMessage(reader.id, (m) => m.text.includes("bridge near Kursk")),
      l.fake.waitForMessage(group.id, (m) => m.text.includes("bridge near Kursk")),
    ]);
    expect(toReader.text.split("\n")[0]).toBe("🔔 New on your watched words: kursk bridge");
    expect(toReader.options.disable_notification).toBeUndefined();
    expect(toGroup.text.split("\n")[0]).toBe("🔔 New on your watched words: bridge");
    // stored again (an edit or a re-import): no second message
    await l.ingest(invented(1, { title: "Invented report on a bridge near Kursk" }));
    await idle(l.queue);
    expect(watchMessages(l, reader.id)).toHaveLength(1);
    expect(watchMessages(l, group.id)).toHaveLength(1);
    expect(toReader.text).not.toContain("Kursk roads");
    expect(toReader.text).not.toContain("in Odesa");
    expect(await l.h.redis.hlen(l.h.keys.watchHits(reader.id))).toBe(0);
    // the digest leaves out what the watch sent
    expect(await l.h.redis.smembers(l.h.keys.flashed(reader.id))).toHaveLength(1);
  });

  it("holds every match of the watch window in one message, silent in quiet hours", async () => {
    const l = await live();
    const tz = "America/New_York";
    const now = Date.now();
    const reader = l.fake.addChat({ type: "private" });
    await command(l, reader.id, reader.id, "/watch drone");
    const quiet = {
      start: localTime(tz, now - 60 * MINUTE),
      end: localTime(tz, now + 60 * MINUTE),
    };
    expect((await l.h.chats.updateSettings(reader.id, { tz, quiet })).ok).toBe(true);

    await l.ingest(invented(1, { title: "Invented drone report one" }));
    const first = await l.fake.waitForMessage(reader.id, (m) => m.text.includes("report one"));
    expect(first.options.disable_notification).toBe(true);

    // two more within the window: one job, planned for the window's end
    await l.ingest(invented(2, { title: "Invented drone report two" }));
    await l.ingest(invented(3, { title: "Invented drone report three" }));
    const planned = await waitFor(async () => {
      const jobs = await l.queue.getJobs(["delayed"]);
      const watch = jobs.filter((j) => j.data.kind === "watch");
      return watch.length > 0 ? watch : undefined;
    });
    expect(planned).toHaveLength(1);
    expect(planned[0]?.data).toMatchObject({ kind: "watch", chatId: reader.id });
    expect(watchMessages(l, reader.id)).toHaveLength(1);

    // the window passes
    await l.h.redis.set(l.h.keys.watchLast(reader.id), String(Date.now() - WATCH_WINDOW_MS));
    await planned[0]?.promote();
    const second = await l.fake.waitForMessage(reader.id, (m) => m.text.includes("report two"));
    expect(second.text).toContain("report three");
    expect(second.text.indexOf("report three")).toBeLessThan(second.text.indexOf("report two"));
    await idle(l.queue);
    expect(watchMessages(l, reader.id)).toHaveLength(2);
  });

  it("leaves the articles of a watch message out of the chat's next digest", async () => {
    const l = await live();
    const reader = l.fake.addChat({ type: "private" });
    await command(l, reader.id, reader.id, "/watch drone");
    await l.h.chats.setStatus(reader.id, "active");
    // inside the window of a message just sent: both matches wait for one job
    await l.h.redis.set(l.h.keys.watchLast(reader.id), String(Date.now()));
    await l.ingest(invented(1, { title: "Invented drone report one" }));
    await l.ingest(invented(2, { title: "Invented drone report two" }));
    await l.ingest(invented(3, { title: "Invented report on roads" }));
    const planned = await waitFor(async () => {
      const jobs = await l.queue.getJobs(["delayed"]);
      return jobs.find((j) => j.data.kind === "watch");
    });
    await l.h.redis.set(l.h.keys.watchLast(reader.id), String(Date.now() - WATCH_WINDOW_MS));
    await planned.promote();
    const watched = await l.fake.waitForMessage(reader.id, (m) => m.text.includes("report two"));
    expect(watched.text).toContain("report one");
    await idle(l.queue);
    expect(await l.h.redis.hlen(l.h.keys.watchHits(reader.id))).toBe(0);
    // the message started the chat's next window
    expect(Number(await l.h.redis.get(l.h.keys.watchLast(reader.id)))).toBeGreaterThan(
      Date.now() - WATCH_WINDOW_MS,
    );

    await enqueueDigest(l.queue, reader.id, Date.now());
    const digest = await l.fake.waitForMessage(reader.id, (m) => m.text.includes("on roads"));
    expect(digest.text).not.toContain("drone");
  });

  it("keeps at most 10 watches of 1–5 words and lists them with remove buttons", async () => {
    const l = await live();
    const reader = l.fake.addChat({ type: "private" });
    for (let i = 1; i <= 10; i++) await command(l, reader.id, reader.id, `/watch word${i}`);
    expect((await command(l, reader.id, reader.id, "/watch eleven")).text).toBe(
      "This chat already has 10 watches. Remove one with /watches first.",
    );
    expect((await command(l, reader.id, reader.id, "/watch a b c d e f")).text).toMatch(
      /^Send \/watch with 1–5 words/,
    );
    expect(
      (await command(l, reader.id, reader.id, "/watch one two three four five six")).text,
    ).toBe("A watch holds at most 5 words. Try fewer.");
    const list = await command(l, reader.id, reader.id, "/watches");
    const buttons = (
      list.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    expect(buttons).toHaveLength(10);
    const word1 = buttons.find((b) => b.text === "✖ word1");
    expect(word1?.callback_data).toMatch(new RegExp(`^watch-rm:${reader.id}:[0-9a-f]{8}$`));

    // a press by someone else, naming this chat, is refused
    const other = l.fake.addUser();
    const data = word1?.callback_data ?? "";
    l.fake.pushUpdate(callbackUpdate(list.message, other, data));
    await waitFor(() =>
      l.fake.callbackAnswers.find(
        (a) => a.text === "Only this group's admins can change its watches.",
      ),
    );
    expect(await l.h.redis.scard(l.h.keys.watches(reader.id))).toBe(10);
    l.fake.pressButton(list, reader.id, data);
    await waitFor(() => l.fake.callbackAnswers.find((a) => a.text === "Removed: word1"));
    expect(await l.h.redis.scard(l.h.keys.watches(reader.id))).toBe(9);
    // the press is answered before the list is edited
    const edited = await waitFor(() =>
      l.fake.sent(reader.id).find((m) => m.message_id === list.message_id && m.history.length > 0),
    );
    expect(edited.text).toMatch(/\(9 of 10\)/);

    expect((await command(l, reader.id, reader.id, "/unwatch WORD2")).text).toBe(
      "Stopped watching “word2”.",
    );
    expect((await command(l, reader.id, reader.id, "/unwatch word2")).text).toMatch(
      /^This chat does not watch “word2”/,
    );
  });

  it("refuses watches from a group's non-admins and in Ukrainian answers in Ukrainian", async () => {
    const l = await live();
    const member = l.fake.addUser({ language_code: "uk" });
    const group = l.fake.addChat({ type: "supergroup", members: [member] });
    const reply = await command(l, group.id, member.id, `/watch@${l.fake.bot.username} міст`);
    expect(reply.text).toBe("Лише адміністратори цієї групи можуть змінювати її стеження.");
    expect(await l.h.redis.scard(l.h.keys.watches(group.id))).toBe(0);
    await l.ingest(invented(1, { title: "Вигаданий міст" }));
    await idle(l.queue);
    expect(watchMessages(l, group.id)).toHaveLength(0);
  });

  it("moves a group's watches to its supergroup when Telegram upgrades it", async () => {
    const { l, admin, group } = await groupWatchingFerry();
    // the hook has read the word index before the move
    await l.ingest(invented(1, { title: "Invented report on a ferry" }));
    await l.fake.waitForMessage(group.id, (m) => m.text.includes("on a ferry"));

    const migration = l.fake.migrateChat(group.id, undefined, { by: admin });
    for (const update of migration.updates) l.fake.pushUpdate(update);
    const newId = migration.chat.id;
    const watches = createWatchStore(l.h.redis, l.h.keys);
    await waitFor(async () => (await watches.list(newId)).length === 1, {
      message: "the watch moved to the supergroup",
    });
    expect(await watches.list(group.id)).toEqual([]);
    expect(await watches.list(newId)).toEqual(["ferry"]);

    await l.ingest(invented(2, { title: "Invented report on another ferry" }));
    // the group's watch window holds in the supergroup: the match waits for its end
    const planned = await waitFor(async () => (await delayedWatch(l, newId)) ?? false);
    await l.h.redis.set(l.h.keys.watchLast(newId), String(Date.now() - WATCH_WINDOW_MS));
    await planned.promote();
    const moved = await l.fake.waitForMessage(newId, (m) => m.text.includes("another ferry"));
    expect(moved.text.split("\n")[0]).toBe("🔔 New on your watched words: ferry");
    const list = await command(l, newId, admin.id, `/watches@${l.fake.bot.username}`);
    expect(list.text).toContain("(1 of 10)");
  });

  it("carries the matches waiting for the group's next watch message over to its supergroup", async () => {
    const { l, admin, group } = await groupWatchingFerry();
    await l.ingest(invented(1, { title: "Invented report on a ferry" }));
    await l.fake.waitForMessage(group.id, (m) => m.text.includes("on a ferry"));
    // within the watch window: the match waits for the group's next message
    await l.ingest(invented(2, { title: "Invented report on another ferry" }));
    const hits = createWatchHits(l.h.redis, l.h.keys);
    await waitFor(async () => Object.keys(await hits.pending(group.id)).length === 1, {
      message: "the second match waiting",
    });

    const migration = l.fake.migrateChat(group.id, undefined, { by: admin });
    for (const update of migration.updates) l.fake.pushUpdate(update);
    const newId = migration.chat.id;
    await waitFor(async () => (await delayedWatch(l, newId)) ?? false, {
      message: "the supergroup's watch message planned",
    });
    expect(await hits.pending(group.id)).toEqual({});
    expect(Object.values(await hits.pending(newId))).toEqual(["ferry"]);

    // the window passes; the group's own job finds its chat gone
    await l.h.redis.set(l.h.keys.watchLast(newId), String(Date.now() - WATCH_WINDOW_MS));
    for (const job of await l.queue.getJobs(["delayed"])) await job.promote();
    const moved = await l.fake.waitForMessage(newId, (m) => m.text.includes("another ferry"));
    expect(moved.text.split("\n")[0]).toBe("🔔 New on your watched words: ferry");
    await idle(l.queue);
    expect(watchMessages(l, newId)).toHaveLength(1);
    expect(watchMessages(l, group.id)).toHaveLength(1);
  });

  it("moves a group's watches when a delivery finds the group upgraded before the bot heard of it", async () => {
    const { l, admin, group } = await groupWatchingFerry();
    // Telegram upgrades the group; its service messages never reach the bot
    const { chat: supergroup } = l.fake.migrateChat(group.id, undefined, { by: admin });

    await l.ingest(invented(1, { title: "Invented report on a ferry" }));
    const sent = await l.fake.waitForMessage(supergroup.id, (m) => m.text.includes("on a ferry"));
    expect(sent.text.split("\n")[0]).toBe("🔔 New on your watched words: ferry");
    const watches = createWatchStore(l.h.redis, l.h.keys);
    expect(await watches.list(group.id)).toEqual([]);
    expect(await watches.list(supergroup.id)).toEqual(["ferry"]);

    await l.ingest(invented(2, { title: "Invented report on another ferry" }));
    await l.fake.waitForMessage(supergroup.id, (m) => m.text.includes("another ferry"));
    expect(l.fake.sent(group.id).filter((m) => m.text.includes("New on your watched"))).toEqual([]);
  });
});
