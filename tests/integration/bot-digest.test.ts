import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { faults } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";

// Invented articles for tests only: example.org links, made-up outlets and text.
const HOUR = 3_600_000;
const NOW = Date.parse("2024-12-17T06:00:00Z"); // 08:00 in Kyiv

function invented(i: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/digest/${i}`,
    title: `Invented headline ${i}`,
    summary: `Invented summary number ${i} for tests.`,
    source: "Example Wire",
    publishedAt: NOW - (i + 1) * HOUR,
    topics: ["kursk"],
    ...extra,
  };
}

async function start(): Promise<BotHarness> {
  return startBotHarness({ now: NOW });
}

describe("/digest", () => {
  it("sends what is new in the last day and moves the cursor after sending", async () => {
    const h = await start();
    await h.articles.put(invented(0));
    await h.articles.put(invented(2, { urgency: "flash" }));
    await h.articles.put(invented(30));
    const user = h.fake.addUser({ language_code: "en" });

    h.fake.sendText(user.id, user, "/digest");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text.split("\n")[0]).toBe("📰 Digest — 16 Dec, 08:00 – 17 Dec, 08:00");
    expect(reply.text).toContain("⚡ URGENT Invented headline 2");
    expect(reply.text.indexOf("Invented headline 2")).toBeLessThan(
      reply.text.indexOf("Invented headline 0"),
    );
    expect(reply.text).not.toContain("Invented headline 30");
    expect(reply.parse_mode).toBe("HTML");
    expect(reply.options.link_preview_options).toEqual({ is_disabled: true });
    const link = reply.entities.find((e) => e.type === "text_link");
    expect(link && "url" in link ? link.url : "").toBe("https://example.org/digest/2");

    const chat = await waitFor(async () => {
      const stored = await h.chats.get(user.id);
      return stored?.cursor ? stored : undefined;
    });
    expect(chat).toMatchObject({
      kind: "private",
      status: "paused",
      lang: "en",
      cursor: NOW - HOUR,
      lastDeliveryAt: NOW,
    });
  });

  it("leaves out a flash this chat already received", async () => {
    const h = await start();
    const { article: flashed } = await h.articles.put(invented(1, { urgency: "flash" }));
    await h.articles.put(invented(3));
    const user = h.fake.addUser({ language_code: "en" });
    await h.redis.sadd(h.keys.flashed(user.id), flashed.id);

    h.fake.sendText(user.id, user, "/digest");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text).toContain("Invented headline 3");
    expect(reply.text).not.toContain("Invented headline 1");
  });

  it("says nothing is new on a second /digest, with the dates", async () => {
    const h = await start();
    await h.articles.put(invented(0, { publishedAt: Date.parse("2024-12-16T19:40:00Z") }));
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/digest");
    await h.fake.waitForMessage(user.id, (m) => m.text.includes("Invented headline 0"));
    await waitFor(async () => (await h.chats.get(user.id))?.lastDeliveryAt === NOW);

    h.clock.now = NOW + HOUR;
    const before = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "/digest");
    const reply = await h.fake.waitForMessage(user.id, () => true, { sinceIndex: before });
    expect(reply.text).toBe(
      "Nothing new since 17 Dec, 08:00. The last article arrived 16 Dec, 21:40.",
    );
    expect(h.fake.sent(user.id)).toHaveLength(before + 1);
  });

  it("ends with how many are left, and the next /digest brings them", async () => {
    const h = await start();
    for (let i = 0; i < 5; i++) await h.articles.put(invented(i));
    const user = h.fake.addUser();
    await h.chats.ensure(user.id, { kind: "private" });
    await h.chats.updateSettings(user.id, { maxItems: 3 });

    h.fake.sendText(user.id, user, "/digest");
    const first = await h.fake.waitForMessage(user.id);
    expect(first.text).toMatch(/…and 2 more stories — \/digest$/);
    for (const i of [2, 3, 4]) expect(first.text).toContain(`Invented headline ${i}`);
    expect(first.text).not.toContain("Invented headline 1");
    await waitFor(async () => (await h.chats.get(user.id))?.cursor === NOW - 3 * HOUR);

    const before = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "/digest");
    const second = await h.fake.waitForMessage(user.id, () => true, { sinceIndex: before });
    expect(second.text).toContain("Invented headline 0");
    expect(second.text).toContain("Invented headline 1");
    expect(second.text).not.toContain("Invented headline 2");
    expect(second.text).not.toContain("more stories");
  });

  it("does not move the cursor when a part cannot be sent, and sends it all next time", async () => {
    const h = await start();
    const long = "Invented summary text that is long enough to fill a message quickly. ".repeat(6);
    for (let i = 0; i < 10; i++) await h.articles.put(invented(i, { summary: long.trim() }));
    const user = h.fake.addUser();
    await h.chats.ensure(user.id, { kind: "private" });
    await h.chats.updateSettings(user.id, { maxItems: 10 });

    // The first part is answered slowly; while it is in flight, the next call is set to fail.
    const slow = h.fake.failChat(user.id, faults.slow(1000), {
      times: 1,
      methods: ["sendMessage"],
    });
    h.fake.sendText(user.id, user, "/digest");
    await waitFor(() => slow.hits === 1);
    h.fake.failChat(user.id, faults.serverError(), { times: 1, methods: ["sendMessage"] });

    const error = await h.fake.waitForMessage(user.id, (m) => m.text.includes("went wrong"));
    const sent = h.fake.sent(user.id);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.text).toMatch(/^📰 Digest/);
    expect(sent[1]).toBe(error);
    expect(
      h.fake.callsOf("sendMessage").filter((c) => c.response?.error_code === 500),
    ).toHaveLength(1);
    expect((await h.chats.get(user.id))?.cursor).toBe(0);
    expect((await h.chats.get(user.id))?.lastDeliveryAt).toBeUndefined();

    h.fake.sendText(user.id, user, "/digest");
    await waitFor(async () => (await h.chats.get(user.id))?.cursor === NOW - HOUR);
    const retried = h.fake.sent(user.id).slice(2);
    expect(retried.length).toBeGreaterThanOrEqual(2);
    expect(retried[0]?.text).toMatch(/^📰 Digest/);
    const all = retried.map((m) => m.text).join("\n");
    for (let i = 0; i < 10; i++) expect(all).toContain(`Invented headline ${i}\n`);
  });

  it("speaks Ukrainian to a Ukrainian user and keeps that language for the chat", async () => {
    const h = await start();
    await h.articles.put(invented(0, { publishedAt: Date.parse("2024-12-16T19:40:00Z") }));
    const user = h.fake.addUser({ language_code: "uk" });
    h.fake.sendText(user.id, user, "/digest");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text.split("\n")[0]).toBe("📰 Дайджест — 16 груд., 08:00 – 17 груд., 08:00");
    expect(reply.text).toContain("#Курщина");
    await waitFor(async () => (await h.chats.get(user.id))?.lastDeliveryAt === NOW);
    expect((await h.chats.get(user.id))?.lang).toBe("uk");

    h.clock.now = NOW + HOUR;
    const before = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "/digest");
    const again = await h.fake.waitForMessage(user.id, () => true, { sinceIndex: before });
    expect(again.text).toBe(
      "Нічого нового з 17 груд., 08:00. Остання стаття надійшла 16 груд., 21:40.",
    );
  });

  it("follows the chat's zone, topics and link previews", async () => {
    const h = await start();
    await h.articles.put(invented(0, { topics: ["air-war"] }));
    await h.articles.put(invented(1, { topics: ["kursk"] }));
    const user = h.fake.addUser();
    await h.chats.ensure(user.id, { kind: "private" });
    await h.chats.updateSettings(user.id, {
      tz: "America/New_York",
      topics: ["air-war"],
      previews: true,
    });
    h.fake.sendText(user.id, user, "/digest");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text.split("\n")[0]).toBe("📰 Digest — 16 Dec, 01:00 – 17 Dec, 01:00");
    expect(reply.text).toContain("Invented headline 0");
    expect(reply.text).not.toContain("Invented headline 1");
    expect(reply.options.link_preview_options).toEqual({ is_disabled: false });
  });

  it("answers anyone in a group, in its digest topic, and moves the group's cursor", async () => {
    const h = await start();
    await h.articles.put(invented(0));
    const forum = h.fake.addChat({ type: "supergroup", title: "Invented forum", is_forum: true });
    const news = h.fake.addTopic(forum.id, "News");
    const chatter = h.fake.addTopic(forum.id, "Chatter");
    await h.chats.ensure(forum.id, { kind: "supergroup", title: "Invented forum" });
    await h.chats.updateSettings(forum.id, { threadId: news });
    const member = h.fake.addUser();

    h.fake.sendText(forum.id, member, "/digest");
    const inNews = await h.fake.waitForMessage(forum.id);
    expect(inNews.message_thread_id).toBe(news);
    expect(inNews.text).toContain("Invented headline 0");
    await waitFor(async () => (await h.chats.get(forum.id))?.cursor === NOW - HOUR);

    await h.articles.put(invented(5, { publishedAt: NOW - 10 * 60_000 }));
    const before = h.fake.sent(forum.id).length;
    h.fake.sendText(forum.id, member, "/digest", { threadId: chatter });
    const inChatter = await h.fake.waitForMessage(forum.id, () => true, { sinceIndex: before });
    expect(inChatter.message_thread_id).toBe(chatter);
    expect(inChatter.text).toContain("Invented headline 5");
    expect(inChatter.text).not.toContain("Invented headline 0");
  });

  it("from another forum topic shows the stories there and leaves them to the digest topic", async () => {
    const h = await start();
    await h.articles.put(invented(0));
    const forum = h.fake.addChat({ type: "supergroup", title: "Invented forum", is_forum: true });
    const news = h.fake.addTopic(forum.id, "News");
    const chatter = h.fake.addTopic(forum.id, "Chatter");
    await h.chats.ensure(forum.id, { kind: "supergroup", title: "Invented forum" });
    await h.chats.updateSettings(forum.id, { threadId: news });
    await h.chats.setStatus(forum.id, "active");
    const member = h.fake.addUser();

    h.fake.sendText(forum.id, member, "/digest", { threadId: chatter });
    const inChatter = await h.fake.waitForMessage(forum.id);
    expect(inChatter.message_thread_id).toBe(chatter);
    expect(inChatter.text).toContain("Invented headline 0");
    expect(inChatter.text).toContain("This group's digest goes to its own topic.");
    expect(inChatter.html).toContain(`href="https://t.me/c/${String(forum.id).slice(4)}/${news}"`);
    // a command of the same chat after it is handled after it: the cursor had its chance to move
    const before = h.fake.sent(forum.id).length;
    h.fake.sendText(forum.id, member, "/digest", { threadId: news });
    const inNews = await h.fake.waitForMessage(forum.id, () => true, { sinceIndex: before });
    expect(inNews.message_thread_id).toBe(news);
    expect(inNews.text).toContain("Invented headline 0");
    expect(inNews.text).not.toContain("its own topic");
    await waitFor(async () => (await h.chats.get(forum.id))?.cursor === NOW - HOUR);
  });

  it("creates a group's record on first use, not subscribed", async () => {
    const h = await start();
    await h.articles.put(invented(0));
    const group = h.fake.addChat({ type: "group", title: "Invented group" });
    const member = h.fake.addUser();
    h.fake.sendText(group.id, member, "/digest");
    await h.fake.waitForMessage(group.id, (m) => m.text.includes("Invented headline 0"));
    const chat = await waitFor(async () => {
      const stored = await h.chats.get(group.id);
      return stored?.cursor ? stored : undefined;
    });
    expect(chat).toMatchObject({ kind: "group", title: "Invented group", status: "paused" });
  });
});
