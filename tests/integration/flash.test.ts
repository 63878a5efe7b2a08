import { fileURLToPath } from "node:url";
import { Api } from "grammy";
import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { type ArticleStore, createArticleStore } from "../../src/articles/article-store.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import type { BotContext } from "../../src/bot/context.ts";
import { createI18n } from "../../src/bot/i18n.ts";
import { type ChatStore, createChatStore } from "../../src/chats/chat-store.ts";
import { localTime } from "../../src/chats/next-due.ts";
import { announcingPuts, createFlashHook, fanOutFlash } from "../../src/delivery/flash.ts";
import {
  createDeliveryQueue,
  type DeliveryQueue,
  enqueueDigest,
  flashJobId,
} from "../../src/delivery/queue.ts";
import { startDelivery } from "../../src/delivery/start-delivery.ts";
import { withoutFlashed } from "../../src/digest/without-flashed.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { createKeys } from "../../src/redis/keys.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { createFakeTelegram, type FakeTelegram } from "../support/fake-telegram.ts";
import {
  deleteByPrefix,
  randomPrefix,
  type TestRedis,
  testRedisUrl,
  useRedis,
} from "../support/redis.ts";
import { waitFor } from "../support/wait-for.ts";

// Every article here is invented for tests: example.org links, made-up outlets and text.
const topics = loadTopics(fileURLToPath(new URL("../../content/topics.json", import.meta.url)));
const silent = pino({ level: "silent" });
const MINUTE = 60_000;
const PUBLISHED = Date.now() - 10 * MINUTE;

function invented(n: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/flash/${n}`,
    title: `Invented urgent report ${n}`,
    summary: `An invented summary number ${n}, written for this test.`,
    source: "Example Wire",
    publishedAt: PUBLISHED,
    topics: ["frontline"],
    ...extra,
  };
}

interface Stores extends TestRedis {
  chats: ChatStore;
  articles: ArticleStore;
  queue: DeliveryQueue;
}

async function stores(): Promise<Stores> {
  const testRedis = await useRedis();
  const chats = createChatStore(testRedis.redis, testRedis.keys, {
    defaults: { lang: "en", tz: "Europe/Kyiv" },
    topicIds: new Set(topics.map((t) => t.id)),
  });
  const queueRedis = createRedis(testRedis.url);
  const queue = createDeliveryQueue({ connection: queueRedis, keys: testRedis.keys });
  onTestFinished(async () => {
    await queue.close();
    await queueRedis.quit();
  });
  return {
    ...testRedis,
    chats,
    articles: createArticleStore(testRedis.redis, testRedis.keys),
    queue,
  };
}

async function subscribe(
  chats: ChatStore,
  id: number,
  settings: Record<string, unknown> = {},
  status: "active" | "paused" | "blocked" = "active",
): Promise<void> {
  await chats.ensure(id, { kind: id < 0 ? "supergroup" : "private" });
  if (Object.keys(settings).length > 0) {
    const result = await chats.updateSettings(id, settings);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
  }
  await chats.setStatus(id, status);
}

async function flashJobs(queue: DeliveryQueue): Promise<{ id?: string; chatId: number }[]> {
  const jobs = await queue.getJobs(["waiting", "delayed", "active", "completed"]);
  return jobs
    .flatMap((job) => (job.data.kind === "flash" ? [{ id: job.id, chatId: job.data.chatId }] : []))
    .sort((a, b) => a.chatId - b.chatId);
}

describe("flash fan-out", () => {
  it("queues the article for active chats with flash alerts on and a matching topic", async () => {
    const s = await stores();
    await subscribe(s.chats, 1); // every topic
    await subscribe(s.chats, 2, { topics: ["kursk"] });
    await subscribe(s.chats, 3, { topics: ["kursk", "frontline"] });
    await subscribe(s.chats, 4, { flash: false });
    await subscribe(s.chats, 5, {}, "paused");
    await subscribe(s.chats, 6, {}, "blocked");
    await subscribe(s.chats, -1007, {}); // a group, every topic
    const { article } = await s.articles.put(invented(1, { urgency: "flash" }));

    const result = await fanOutFlash(article, s);

    expect(result).toEqual({ queued: 3, alreadyFlashed: 0 });
    expect(await flashJobs(s.queue)).toEqual([
      { id: flashJobId(article.id, -1007), chatId: -1007 },
      { id: flashJobId(article.id, 1), chatId: 1 },
      { id: flashJobId(article.id, 3), chatId: 3 },
    ]);
  });

  it("reaches every active chat of a large schedule, each once", async () => {
    const s = await stores();
    const ids = Array.from({ length: 2500 }, (_, i) => 10_000 + i);
    const pipeline = s.redis.pipeline();
    for (const id of ids) {
      // The smallest record ChatStore reads as an active private chat with default settings.
      pipeline.hset(s.keys.chat(id), "l", "en", "z", "0", "a", 1, "u", 1);
      pipeline.zadd(s.keys.schedule(), Date.now() + 3_600_000, String(id));
    }
    await pipeline.exec();
    const { article } = await s.articles.put(invented(2, { urgency: "flash" }));

    expect(await fanOutFlash(article, s)).toEqual({ queued: ids.length, alreadyFlashed: 0 });
    const jobs = await flashJobs(s.queue);
    expect(jobs.map((j) => j.chatId)).toEqual(ids);
  });

  it("skips chats that already got it, and a repeat fan-out adds no job", async () => {
    const s = await stores();
    await subscribe(s.chats, 1);
    await subscribe(s.chats, 2);
    const { article } = await s.articles.put(invented(3, { urgency: "flash" }));
    await s.redis.sadd(s.keys.flashed(2), article.id);

    expect(await fanOutFlash(article, s)).toEqual({ queued: 1, alreadyFlashed: 1 });
    expect(await fanOutFlash(article, s)).toEqual({ queued: 1, alreadyFlashed: 1 });
    expect(await flashJobs(s.queue)).toEqual([{ id: flashJobId(article.id, 1), chatId: 1 }]);
  });

  it("skips chats that got the story as a flash from another outlet, and follows news languages", async () => {
    const s = await stores();
    await subscribe(s.chats, 1);
    await subscribe(s.chats, 2);
    await subscribe(s.chats, 3, { lang: "uk", news: ["uk"] });
    const { article: first } = await s.articles.put(invented(20, { urgency: "flash" }));
    await s.redis.sadd(s.keys.flashed(1), first.id);
    const { article: second } = await s.articles.put(
      invented(21, { urgency: "flash", source: "Example Post", cluster: first.id }),
    );

    expect(await fanOutFlash(second, s)).toEqual({ queued: 1, alreadyFlashed: 1 });
    expect(await flashJobs(s.queue)).toEqual([{ id: flashJobId(second.id, 2), chatId: 2 }]);
  });

  it("pushes a flash from the ingest hook once: when created or newly marked urgent", async () => {
    const s = await stores();
    await subscribe(s.chats, 1);
    const hook = createFlashHook(s);
    const calls: boolean[] = [];
    const store = announcingPuts(
      s.articles,
      async (article, created) => {
        calls.push(created);
        return hook(article, created);
      },
      silent,
    );

    await store.put(invented(4));
    expect(await flashJobs(s.queue)).toEqual([]);
    await store.put(invented(4));
    expect(calls).toEqual([true]);

    // The same link, now marked urgent (e.g. an edited content file): pushed.
    const flagged = await store.put(invented(4, { urgency: "flash" }));
    expect(await flashJobs(s.queue)).toEqual([
      { id: flashJobId(flagged.article.id, 1), chatId: 1 },
    ]);

    // An edit of a flash already pushed is not pushed again, even to a chat that came later.
    await subscribe(s.chats, 2);
    await store.put(invented(4, { urgency: "flash", summary: "A corrected invented summary." }));
    expect(calls).toEqual([true, false, false]);
    expect((await flashJobs(s.queue)).map((j) => j.chatId)).toEqual([1]);

    const created = await store.put(invented(5, { urgency: "flash" }));
    expect(calls.at(-1)).toBe(true);
    expect((await flashJobs(s.queue)).filter((j) => j.id?.includes(created.article.id))).toEqual([
      { id: flashJobId(created.article.id, 1), chatId: 1 },
      { id: flashJobId(created.article.id, 2), chatId: 2 },
    ]);
  });

  it("leaves articles a chat got as flashes out of that chat's digest", async () => {
    const s = await stores();
    const { article: flashed } = await s.articles.put(invented(6, { urgency: "flash" }));
    const { article: other } = await s.articles.put(
      invented(7, { publishedAt: PUBLISHED + MINUTE }),
    );
    await s.redis.sadd(s.keys.flashed(1), flashed.id);

    const forChat1 = withoutFlashed(s.articles, s.redis, s.keys, 1);
    const forChat2 = withoutFlashed(s.articles, s.redis, s.keys, 2);
    const ids = (list: { id: string }[]) => list.map((a) => a.id);
    expect(ids(await forChat1.since(0))).toEqual([other.id]);
    expect(ids(await forChat2.since(0))).toEqual([other.id, flashed.id]);
    expect(ids(await forChat1.since(0, { limit: 1 }))).toEqual([other.id]);
    expect(ids(await forChat2.since(0, { limit: 1 }))).toEqual([other.id]);

    // and out of the late news: both arrived after a digest that moved past their dates
    const late = { arrivedAfter: 0, publishedAfter: 0, untilMs: Date.now() + MINUTE };
    const lateIds = async (store: ArticleStore) =>
      (await store.arrivedLate(PUBLISHED + 2 * MINUTE, late)).map(({ article }) => article.id);
    expect(await lateIds(forChat1)).toEqual([other.id]);
    expect((await lateIds(forChat2)).sort()).toEqual([other.id, flashed.id].sort());
  });
});

interface Live {
  h: BotHarness;
  fake: FakeTelegram;
  queue: DeliveryQueue;
  editor: number;
}

/** The bot with an editor, a delivery queue and a worker sending to the same fake Telegram. */
async function live(): Promise<Live> {
  const fake = await createFakeTelegram();
  const editor = fake.addUser({ language_code: "en" });
  const prefix = randomPrefix();
  const keys = createKeys(prefix);
  const url = testRedisUrl();
  const redis = createRedis(url);
  const queue = createDeliveryQueue({ connection: redis, keys });
  const h = await startBotHarness({
    fake,
    prefix,
    editors: [editor.id],
    deps: { deliveryQueue: queue },
  });
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
  return { h, fake, queue, editor: editor.id };
}

async function reader(l: Live, settings: Record<string, unknown> = {}): Promise<number> {
  const chat = l.fake.addChat({ type: "private" });
  await subscribe(l.h.chats, chat.id, settings);
  return chat.id;
}

async function idle(queue: DeliveryQueue): Promise<void> {
  await waitFor(
    async () => {
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(counts).every((n) => n === 0);
    },
    { message: "the delivery queue to drain" },
  );
}

describe("/flash", () => {
  it("marks an article urgent and pushes it once to each chat that takes it", async () => {
    const l = await live();
    const { fake, h } = l;
    const now = Date.now();
    const loud = await reader(l);
    const quietTz = "America/New_York";
    const quiet = await reader(l, {
      tz: quietTz,
      quiet: {
        start: localTime(quietTz, now - 60 * MINUTE),
        end: localTime(quietTz, now + 60 * MINUTE),
      },
    });
    const otherTopic = await reader(l, { topics: ["kursk"] });
    const noFlash = await reader(l, { flash: false });
    const { article } = await h.articles.put(invented(10));

    fake.sendText(l.editor, l.editor, `/flash ${article.url}`);
    const reply = await fake.waitForMessage(l.editor);
    expect(reply.text).toBe(`⚡ “${article.title}” is marked urgent and queued for 2 chats.`);
    expect((await h.articles.get(article.id))?.urgency).toBe("flash");

    const [toLoud, toQuiet] = await Promise.all([
      fake.waitForMessage(loud, (m) => m.text.includes(article.title)),
      fake.waitForMessage(quiet, (m) => m.text.includes(article.title)),
    ]);
    expect(toLoud.text).toContain("⚡ URGENT");
    expect(toLoud.options.disable_notification).toBeUndefined();
    expect(toQuiet.options.disable_notification).toBe(true);

    // Again, by id: a chat subscribed since gets it; the others not a second time.
    const late = await reader(l);
    const before = fake.sent(l.editor).length;
    fake.sendText(l.editor, l.editor, `/flash ${article.id}`);
    const again = await fake.waitForMessage(l.editor, () => true, { sinceIndex: before });
    expect(again.text).toBe(
      [
        `⚡ “${article.title}” is marked urgent and queued for 1 chat.`,
        "2 chats already had it as a flash and won't get it again.",
      ].join("\n"),
    );
    await fake.waitForMessage(late, (m) => m.text.includes(article.title));
    await idle(l.queue);
    for (const chat of [loud, quiet, late]) expect(fake.sent(chat)).toHaveLength(1);
    for (const chat of [otherTopic, noFlash]) expect(fake.sent(chat)).toHaveLength(0);
  });

  it("does not repeat a flash in the chat's next digest", async () => {
    const l = await live();
    const { fake, h } = l;
    const chat = await reader(l);
    const { article: urgent } = await h.articles.put(invented(11, { urgency: "flash" }));
    await h.articles.put(invented(12, { publishedAt: PUBLISHED - 10 * MINUTE }));

    fake.sendText(l.editor, l.editor, `/flash ${urgent.id}`);
    await fake.waitForMessage(chat, (m) => m.text.includes(urgent.title));
    await idle(l.queue);

    await enqueueDigest(l.queue, chat, Date.now());
    const digest = await fake.waitForMessage(chat, (m) =>
      m.text.includes("Invented urgent report 12"),
    );
    expect(digest.text).not.toContain(urgent.title);
  });

  it("explains an unknown article and how to use the command", async () => {
    const l = await live();
    const { fake } = l;
    fake.sendText(l.editor, l.editor, "/flash https://example.org/never-stored");
    const unknown = await fake.waitForMessage(l.editor);
    expect(unknown.text).toContain("I have no article for “https://example.org/never-stored”");

    fake.sendText(l.editor, l.editor, "/flash");
    const usage = await fake.waitForMessage(l.editor, (m) => m.message_id !== unknown.message_id);
    expect(usage.text).toContain("Send /flash with the article's link or id");
  });

  it("is for editors only", async () => {
    const l = await live();
    const { fake, h } = l;
    const chat = await reader(l);
    const { article } = await h.articles.put(invented(13));
    const someone = fake.addUser({ language_code: "uk" });

    fake.sendText(someone.id, someone, `/flash ${article.id}`);
    const reply = await fake.waitForMessage(someone.id);
    expect(reply.text).toBe("Ця команда лише для редакторів.");
    expect((await h.articles.get(article.id))?.urgency).toBe("normal");
    expect((await l.queue.getJobCounts("waiting")).waiting).toBe(0);
    expect(fake.sent(chat)).toHaveLength(0);
  });
});
