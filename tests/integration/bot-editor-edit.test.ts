import type { InlineKeyboardMarkup, User } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { Article } from "../../src/articles/article.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";

// Invented articles for tests only.
const OLD_TITLE = "Invented headline with a typo: Kurks";
const NEW_TITLE = "Invented headline, corrected: Kursk";
const OLD_SUMMARY = "Invented summary that needs a correction.";
const NEW_SUMMARY = "Invented summary, now corrected by an editor.";

async function setup(options: { language?: string; editor?: boolean } = {}) {
  const h = await startBotHarness();
  const user = h.fake.addUser({ language_code: options.language ?? "en" });
  if (options.editor !== false) h.deps.editorIds.push(user.id);
  const { article } = await h.articles.put({
    url: "https://example.org/invented/needs-fixing",
    title: OLD_TITLE,
    summary: OLD_SUMMARY,
    source: "Example Wire",
    publishedAt: Date.now() - 60_000,
    topics: ["kursk"],
  });
  return { h, user, article, chat: new Chat(h, user) };
}

function buttons(message: SentMessage): string[] {
  return ((message.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((b) => ("callback_data" in b ? (b.callback_data ?? "") : ""));
}

class Chat {
  constructor(
    readonly h: BotHarness,
    readonly user: User,
  ) {}

  async say(text: string, expected: string): Promise<SentMessage> {
    const since = this.h.fake.sent(this.user.id).length;
    this.h.fake.sendText(this.user.id, this.user, text);
    return this.next(expected, since);
  }

  async press(message: SentMessage, data: string, expected: string): Promise<SentMessage> {
    const since = this.h.fake.sent(this.user.id).length;
    this.h.fake.pressButton(message, this.user, data);
    return this.next(expected, since);
  }

  next(expected: string, since: number): Promise<SentMessage> {
    return this.h.fake
      .waitForMessage(this.user.id, (m) => m.text.includes(expected), { sinceIndex: since })
      .catch((err: unknown) => {
        const got = this.h.fake
          .sent(this.user.id)
          .slice(since)
          .map((m) => m.text);
        throw new Error(`no message with "${expected}"; got ${JSON.stringify(got)}`, {
          cause: err,
        });
      });
  }
}

async function openCard(chat: Chat, article: Article, by: string): Promise<SentMessage> {
  const card = await chat.say(`/edit ${by}`, `article ${article.id}`);
  expect(buttons(card)).toEqual([
    `edit:title:${article.id}`,
    `edit:summary:${article.id}`,
    `edit:link:${article.id}`,
  ]);
  expect(card.text).toContain(article.title);
  return card;
}

describe("/edit", () => {
  it("corrects a title; /latest and the next digest show the correction", async () => {
    const { h, article, chat } = await setup();
    const card = await openCard(chat, article, "example.org/invented/needs-fixing/?utm_source=x");
    await chat.press(card, `edit:title:${article.id}`, "Send the new title");
    const saved = await chat.say(NEW_TITLE, "Title corrected");
    expect(saved.text).toContain(NEW_TITLE);
    expect(buttons(saved)).toEqual([
      `edit:title:${article.id}`,
      `edit:summary:${article.id}`,
      `edit:link:${article.id}`,
    ]);
    expect(await h.articles.get(article.id)).toMatchObject({
      title: NEW_TITLE,
      summary: OLD_SUMMARY,
    });

    const latest = await chat.say("/latest 1", "Latest news");
    expect(latest.text).toContain(NEW_TITLE);
    expect(latest.text).not.toContain(OLD_TITLE);
    const digest = await chat.say("/digest", "Digest");
    expect(digest.text).toContain(NEW_TITLE);
    expect(digest.text).not.toContain(OLD_TITLE);
  });

  it("corrects a summary found by id, refusing one over 500 characters", async () => {
    const { h, article, chat } = await setup();
    const card = await openCard(chat, article, article.id.toUpperCase());
    await chat.press(card, `edit:summary:${article.id}`, "Send the new summary");
    await chat.say("x".repeat(501), "That summary has 501 characters; at most 500");
    expect((await h.articles.get(article.id))?.summary).toBe(OLD_SUMMARY);
    await chat.say(NEW_SUMMARY, "Summary corrected");
    expect(await h.articles.get(article.id)).toMatchObject({
      title: OLD_TITLE,
      summary: NEW_SUMMARY,
    });
    const latest = await chat.say("/latest 1", "Latest news");
    expect(latest.text).toContain(NEW_SUMMARY);
    expect(latest.text).not.toContain(OLD_SUMMARY);
  });

  it("refuses a title over 250 characters and says when nothing changes", async () => {
    const { h, article, chat } = await setup();
    const card = await openCard(chat, article, article.id);
    await chat.press(card, `edit:title:${article.id}`, "Send the new title");
    await chat.say("T".repeat(251), "That title has 251 characters; at most 250");
    await chat.say(`  ${OLD_TITLE}  `, "nothing changed");
    expect((await h.articles.get(article.id))?.title).toBe(OLD_TITLE);
  });

  it("changes the link, refusing what is not a web link or is another article's", async () => {
    const { h, article, chat } = await setup();
    await h.articles.put({
      url: "https://example.org/invented/taken",
      title: "Another invented headline",
      summary: "Invented.",
      source: "Example Wire",
      publishedAt: Date.now() - 3_600_000,
    });
    const card = await openCard(chat, article, article.id);
    await chat.press(card, `edit:link:${article.id}`, "Send the new link");
    const bad = await chat.say("ftp://example.org/invented/moved", "is not a link I can use");
    expect(bad.text).toContain("starting with https:// or http://");
    await chat.say("javascript:alert(1)", "no other kind of link is allowed");
    await chat.say("example.org/invented/taken", "That link belongs to another article");
    expect(await h.articles.get(article.id)).toMatchObject({ link: article.link });

    const moved = "https://example.org/invented/moved-here";
    const saved = await chat.say(`${moved}?utm_source=x`, "Link changed");
    const stored = await h.articles.get(article.id);
    expect(stored).toMatchObject({ id: article.id, url: article.url, link: moved });
    expect(stored).toMatchObject({ title: OLD_TITLE, summary: OLD_SUMMARY });
    expect(saved.entities.filter((e) => e.type === "text_link").map((e) => e.url)).toContain(moved);
    const latest = await chat.say("/latest 1", "Latest news");
    const hrefs = latest.entities.filter((e) => e.type === "text_link").map((e) => e.url);
    expect(hrefs).toContain(moved);
    expect(hrefs).not.toContain(article.link);
  });

  it("keeps the article as it is on /cancel", async () => {
    const { h, article, chat } = await setup();
    const card = await openCard(chat, article, article.id);
    await chat.press(card, `edit:title:${article.id}`, "Send the new title");
    await chat.say("/cancel", "Cancelled. The article is unchanged.");
    const since = h.fake.sent(chat.user.id).length;
    h.fake.sendText(chat.user.id, chat.user, NEW_TITLE);
    await chat.say("/help", "/latest");
    expect(h.fake.sent(chat.user.id).slice(since, -1)).toEqual([]);
    expect((await h.articles.get(article.id))?.title).toBe(OLD_TITLE);
  });

  it("leaves an unfinished correction when /edit opens another article", async () => {
    const { h, article, chat } = await setup();
    const { article: other } = await h.articles.put({
      url: "https://example.org/invented/other",
      title: "Another invented headline",
      summary: "Invented.",
      source: "Example Wire",
      publishedAt: Date.now(),
    });
    const card = await openCard(chat, article, article.id);
    await chat.press(card, `edit:title:${article.id}`, "Send the new title");
    const second = await openCard(chat, other, other.id);
    const since = h.fake.sent(chat.user.id).length;
    h.fake.sendText(chat.user.id, chat.user, NEW_TITLE);
    await chat.say("/help", "/latest");
    expect(h.fake.sent(chat.user.id).slice(since, -1)).toEqual([]);
    expect((await h.articles.get(article.id))?.title).toBe(OLD_TITLE);
    await chat.press(second, `edit:title:${other.id}`, "Send the new title");
    await chat.say(NEW_TITLE, "Title corrected");
    expect((await h.articles.get(other.id))?.title).toBe(NEW_TITLE);
    expect((await h.articles.get(article.id))?.title).toBe(OLD_TITLE);
  });

  it("keeps the article as it is when the answer comes after the idle limit", async () => {
    let now = Date.now();
    const h = await startBotHarness({ deps: { clock: () => now, conversationIdleMs: 60_000 } });
    const user = h.fake.addUser();
    h.deps.editorIds.push(user.id);
    const chat = new Chat(h, user);
    const { article } = await h.articles.put({
      url: "https://example.org/invented/idle",
      title: OLD_TITLE,
      summary: OLD_SUMMARY,
      source: "Example Wire",
      publishedAt: now,
    });
    const card = await openCard(chat, article, article.id);
    await chat.press(card, `edit:title:${article.id}`, "Send the new title");
    now += 61_000;
    await chat.say(NEW_TITLE, "That correction timed out");
    expect((await h.articles.get(article.id))?.title).toBe(OLD_TITLE);
  });

  it("explains an unknown link or id and a missing one", async () => {
    const { chat } = await setup();
    const unknown = await chat.say("/edit https://example.org/invented/nowhere", "No article");
    expect(unknown.text).toContain("“https://example.org/invented/nowhere”");
    await chat.say("/edit 0123456789abcdef", "No article has the link or id “0123456789abcdef”");
    await chat.say("/edit", "Send /edit with the article's link or id");
  });

  it("is for editors only, also for a pressed button", async () => {
    const { h, article, chat } = await setup({ editor: false });
    await chat.say(`/edit ${article.id}`, "This command is for editors.");
    const editor = h.fake.addUser();
    h.deps.editorIds.push(editor.id);
    h.fake.sendText(editor.id, editor, `/edit ${article.id}`);
    const card = await h.fake.waitForMessage(editor.id);
    h.fake.pressButton(card, chat.user, `edit:title:${article.id}`);
    await h.fake.waitForCall("answerCallbackQuery");
    expect(h.fake.callbackAnswers[0]).toMatchObject({ text: "This command is for editors." });
    expect(h.fake.sent(editor.id)).toHaveLength(1);
  });

  it("speaks Ukrainian to a Ukrainian editor", async () => {
    const { h, article, chat } = await setup({ language: "uk" });
    const card = await chat.say(`/edit ${article.id}`, "Редагування");
    await chat.press(card, `edit:summary:${article.id}`, "Надішліть новий підсумок");
    await chat.say("ж".repeat(502), "У цьому підсумку 502 символи, а можна щонайбільше 500");
    await chat.say("Вигаданий виправлений підсумок.", "Підсумок виправлено");
    expect((await h.articles.get(article.id))?.summary).toBe("Вигаданий виправлений підсумок.");
    await chat.say("/edit нема-такого", "Немає статті з посиланням чи id «нема-такого»");
  });
});
