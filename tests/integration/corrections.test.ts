import { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import type { BotContext } from "../../src/bot/context.ts";
import { createI18n } from "../../src/bot/i18n.ts";
import { createCorrector } from "../../src/corrections/corrector.ts";
import { createDeliveryQueue, type DeliveryQueue, enqueueFlash } from "../../src/delivery/queue.ts";
import { startDelivery } from "../../src/delivery/start-delivery.ts";
import { buildDigest } from "../../src/digest/build.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { createKeys } from "../../src/redis/keys.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import {
  createFakeTelegram,
  type FakeTelegram,
  type SentMessage,
} from "../support/fake-telegram.ts";
import { deleteByPrefix, randomPrefix, testRedisUrl } from "../support/redis.ts";
import { waitFor } from "../support/wait-for.ts";

// Every article here is invented for tests: example.org links, made-up outlets and text.
const silent = pino({ level: "silent" });
const MINUTE = 60_000;

interface Live {
  h: BotHarness;
  fake: FakeTelegram;
  queue: DeliveryQueue;
  editor: number;
}

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
  h.deps.onCorrection = createCorrector({ redis: h.redis, keys, queue });
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

async function reader(l: Live, lang = "en"): Promise<number> {
  const chat = l.fake.addChat({ type: "private", user: l.fake.addUser({ language_code: lang }) });
  await l.h.chats.ensure(chat.id, { kind: "private" });
  await l.h.chats.updateSettings(chat.id, { lang });
  await l.h.chats.setStatus(chat.id, "active");
  return chat.id;
}

function article(n: number) {
  return {
    url: `https://example.org/correct/${n}`,
    title: `Invented headline ${n} with a typo: Kurks`,
    summary: `Invented summary ${n} that needs a correction.`,
    source: "Example Wire",
    publishedAt: Date.now() - 5 * MINUTE,
    topics: ["kursk"],
  };
}

async function say(l: Live, text: string, expected: string): Promise<SentMessage> {
  const since = l.fake.sent(l.editor).length;
  l.fake.sendText(l.editor, l.editor, text);
  return l.fake.waitForMessage(l.editor, (m) => m.text.includes(expected), { sinceIndex: since });
}

/** Opens the editor's /edit card of an article and presses `field`, up to the question for its new value. */
async function openEditField(l: Live, id: string, field: "title" | "link"): Promise<void> {
  const card = await say(l, `/edit ${id}`, `article ${id}`);
  const since = l.fake.sent(l.editor).length;
  l.fake.pressButton(card, l.editor, `edit:${field}:${id}`);
  await l.fake.waitForMessage(l.editor, (m) => m.text.includes(`Send the new ${field}`), {
    sinceIndex: since,
  });
}

describe("corrections follow the message", () => {
  it("edits every message that carried the article, and strikes them through when withdrawn", async () => {
    const l = await live();
    const { fake, h } = l;
    const first = await reader(l);
    const second = await reader(l, "uk");
    const other = await reader(l);
    const { article: fixed } = await h.articles.put(article(1));
    const { article: untouched } = await h.articles.put(article(2));
    await enqueueFlash(l.queue, first, fixed.id);
    await enqueueFlash(l.queue, second, fixed.id);
    await enqueueFlash(l.queue, other, untouched.id);
    const [toFirst, toSecond, toOther] = await Promise.all([
      fake.waitForMessage(first, (m) => m.text.includes("headline 1")),
      fake.waitForMessage(second, (m) => m.text.includes("headline 1")),
      fake.waitForMessage(other, (m) => m.text.includes("headline 2")),
    ]);

    // the editor corrects the title
    const card = await say(l, `/edit ${fixed.id}`, `article ${fixed.id}`);
    const data = (card.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat()[0];
    const since = fake.sent(l.editor).length;
    fake.pressButton(card, l.editor, (data as { callback_data: string }).callback_data);
    await fake.waitForMessage(l.editor, (m) => m.text.includes("Send the new title"), {
      sinceIndex: since,
    });
    await say(l, "Invented headline 1, corrected: Kursk", "Title corrected");

    await waitFor(() =>
      [toFirst, toSecond].every((m) => m.text.includes("Invented headline 1, corrected: Kursk")),
    );
    for (const m of [toFirst, toSecond]) {
      expect(m.history).toHaveLength(1);
      expect(m.text).not.toContain("typo");
      expect(m.text).toContain("Invented summary 1 that needs a correction.");
      expect(m.entities.some((e) => e.type === "text_link" && e.url === fixed.url)).toBe(true);
    }
    expect(toOther.history).toHaveLength(0);

    // then withdraws it
    const reply = await say(l, `/withdraw ${fixed.url}`, "is withdrawn");
    expect(reply.text).toContain("2 sent messages will be struck through");
    await waitFor(() => [toFirst, toSecond].every((m) => m.history.length === 2));
    expect(toFirst.text).toContain("⚠️ Withdrawn by the editors.");
    expect(toSecond.text).toContain("⚠️ Відкликано редакцією.");
    const struck = toFirst.entities.filter((e) => e.type === "strikethrough");
    expect(struck.map((e) => toFirst.text.slice(e.offset, e.offset + e.length))).toEqual([
      "Invented headline 1, corrected: Kursk",
      "Invented summary 1 that needs a correction.",
    ]);
    expect(toOther.history).toHaveLength(0);
    expect(fake.internalErrors).toEqual([]);
  });

  it("points every message that carried the article at its new link", async () => {
    const l = await live();
    const { fake, h } = l;
    const first = await reader(l);
    const second = await reader(l, "uk");
    const { article: moved } = await h.articles.put(article(3));
    await enqueueFlash(l.queue, first, moved.id);
    await enqueueFlash(l.queue, second, moved.id);
    const sent = await Promise.all(
      [first, second].map((chat) =>
        fake.waitForMessage(chat, (m) => m.text.includes("headline 3")),
      ),
    );
    const hrefs = (m: SentMessage) =>
      m.entities.filter((e) => e.type === "text_link").map((e) => e.url);
    for (const m of sent) expect(hrefs(m)).toContain(moved.url);

    await openEditField(l, moved.id, "link");
    const link = "https://example.org/correct/3-moved";
    await say(l, link, "Link changed");

    await waitFor(() => sent.every((m) => hrefs(m).includes(link)));
    for (const m of sent) {
      expect(m.history).toHaveLength(1);
      expect(hrefs(m)).not.toContain(moved.url);
      expect(m.text).toContain("Invented headline 3 with a typo: Kurks");
      expect(m.text).toContain("Invented summary 3 that needs a correction.");
    }
    expect(fake.internalErrors).toEqual([]);
  });

  it("still finds the messages after a link change: those it corrected and those sent since", async () => {
    const l = await live();
    const { fake, h } = l;
    const early = await reader(l);
    const late = await reader(l);
    const { article: moved } = await h.articles.put(article(4));
    await enqueueFlash(l.queue, early, moved.id);
    const before = await fake.waitForMessage(early, (m) => m.text.includes("headline 4"));

    await openEditField(l, moved.id, "link");
    const link = "https://example.org/elsewhere/4";
    await say(l, link, "Link changed");
    await waitFor(() => before.history.length === 1);
    // a message sent after the change shows the new link only
    await enqueueFlash(l.queue, late, moved.id);
    const after = await fake.waitForMessage(late, (m) => m.text.includes("headline 4"));

    await openEditField(l, moved.id, "title");
    await say(l, "Invented headline 4, corrected: Kursk", "Title corrected");

    await waitFor(() =>
      [before, after].every((m) => m.text.includes("Invented headline 4, corrected: Kursk")),
    );
    expect(before.history).toHaveLength(2);
    expect(after.history).toHaveLength(1);
    expect(fake.internalErrors).toEqual([]);
  });

  it("offers a withdrawn article nowhere again: /latest, /search, inline, the next digest", async () => {
    const l = await live();
    const { fake, h } = l;
    const user = fake.addUser({ language_code: "en" });
    const chat = fake.addChat({ type: "private", user });
    const { article: gone } = await h.articles.put(article(1));
    await h.articles.put({ ...article(2), publishedAt: Date.now() - 6 * MINUTE });
    const ask = async (text: string) => {
      const since = fake.sent(chat.id).length;
      fake.sendText(chat.id, user.id, text);
      return fake.waitForMessage(chat.id, (m) => m.text.includes("headline"), {
        sinceIndex: since,
      });
    };
    expect((await ask("/latest")).text).toContain("Invented headline 1");

    // the /latest answer above is one of the messages it strikes through
    expect((await say(l, `/withdraw ${gone.url}`, "is withdrawn")).text).toContain("1 sent");
    // withdrawing again does no harm
    await say(l, `/withdraw ${gone.id}`, "is withdrawn");
    // nor is it pushed as urgent
    const flash = await say(l, `/flash ${gone.id}`, "is withdrawn");
    expect(flash.text).toContain("it is not pushed either");

    for (const command of ["/latest", "/search invented headline"]) {
      const reply = await ask(command);
      expect(reply.text).toContain("Invented headline 2");
      expect(reply.text).not.toContain("Invented headline 1");
    }
    const answer = await fake.waitForInlineAnswer(fake.inlineQuery(user, "invented"));
    expect((answer.results as { id: string }[]).map((r) => r.id)).not.toContain(gone.id);
    expect(answer.results).toHaveLength(1);
    const digest = await buildDigest(
      { cursor: 0, topics: [], maxItems: 10, lang: "en" },
      { articles: h.articles },
    );
    expect(digest?.items.map((item) => item.title)).toEqual([article(2).title]);
    expect(fake.internalErrors).toEqual([]);
  });

  it("follows answers to /latest, /search and /digest like delivered messages", async () => {
    const l = await live();
    const { fake, h } = l;
    const user = fake.addUser({ language_code: "en" });
    const chat = fake.addChat({ type: "private", user });
    const { article: gone } = await h.articles.put(article(1));
    const answers: SentMessage[] = [];
    for (const command of ["/latest", "/search invented headline", "/digest"]) {
      const since = fake.sent(chat.id).length;
      fake.sendText(chat.id, user.id, command);
      answers.push(
        await fake.waitForMessage(chat.id, (m) => m.text.includes("Invented headline 1"), {
          sinceIndex: since,
        }),
      );
    }

    const reply = await say(l, `/withdraw ${gone.url}`, "is withdrawn");
    expect(reply.text).toContain("3 sent messages will be struck through");
    await waitFor(() => answers.every((m) => m.history.length === 1));
    for (const answer of answers) {
      expect(answer.text).toContain("⚠️ Withdrawn by the editors.");
      expect(answer.entities.some((e) => e.type === "strikethrough")).toBe(true);
    }
    expect(fake.internalErrors).toEqual([]);
  });
});
