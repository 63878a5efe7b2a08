import type { InlineKeyboardMarkup, User } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { Article, ArticleInput } from "../../src/articles/article.ts";
import { summarizePasted } from "../../src/bot/conversations/editor-text.ts";
import type { Source } from "../../src/feeds/sources.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";

// Everything below is invented for tests: example.com / example.org links, made-up text.
const EXAMPLE_OUTLET: Source = {
  id: "example-outlet",
  name: "Example Outlet",
  url: "https://example.com/feed/",
  homepage: "https://example.com/",
  lang: "en",
  pollMinutes: 15,
  enabled: true,
  fallbackUrls: [],
};
const LINK = "https://www.example.com/news/invented-kursk-report?utm_source=test#top";
const CANONICAL = "https://www.example.com/news/invented-kursk-report";
const TITLE = "Invented report: North Korean troops seen in Kursk Oblast";
const SUMMARY = "Invented summary for a test: a made-up unit was seen near Kursk.";
const PASTED = [
  "Invented article text for a test of the summariser, not a real report.",
  "A made-up brigade moved closer to Kursk Oblast during the week, according to invented sources.",
  "The invented officials said the unit had arrived with new equipment and fresh supplies.",
  "Residents of the made-up village described long columns of trucks on the main road.",
  "Read also: another invented story that should never appear in a summary.",
  "Analysts in this fictional account expect the unit to stay in the area for months.",
  "The invented report ends with a quote from a fictional commander about the weather.",
].join(" ");

interface Called {
  article: Article;
  created: boolean;
}

async function setup(options: { language?: string; editor?: boolean } = {}) {
  const calls: Called[] = [];
  const h = await startBotHarness({
    deps: {
      sources: [EXAMPLE_OUTLET],
      onArticle: async (article, created) => {
        calls.push({ article, created });
      },
    },
  });
  const user = h.fake.addUser({ language_code: options.language ?? "en" });
  if (options.editor !== false) h.deps.editorIds.push(user.id);
  return { h, user, calls, editor: new Editor(h, user) };
}

function buttons(message: SentMessage): string[] {
  return ((message.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((b) => ("callback_data" in b ? (b.callback_data ?? "") : ""));
}

/** An editor talking to the bot in their private chat. */
class Editor {
  constructor(
    readonly h: BotHarness,
    readonly user: User,
  ) {}

  /** Sends text and waits for the first new message that matches. */
  async say(text: string, expected: RegExp | string): Promise<SentMessage> {
    const since = this.h.fake.sent(this.user.id).length;
    this.h.fake.sendText(this.user.id, this.user, text);
    return this.next(expected, since);
  }

  /** Presses a button and waits for a new message that matches. */
  async press(message: SentMessage, data: string, expected: RegExp | string) {
    const since = this.h.fake.sent(this.user.id).length;
    this.h.fake.pressButton(message, this.user, data);
    return this.next(expected, since);
  }

  /** Presses a button and waits until that message has been edited once more. */
  async pressAndEdit(message: SentMessage, data: string): Promise<SentMessage> {
    const edits = message.history.length;
    this.h.fake.pressButton(message, this.user, data);
    return this.h.fake.waitForMessage(
      this.user.id,
      (m) => m.message_id === message.message_id && m.history.length > edits,
    );
  }

  next(expected: RegExp | string, since: number): Promise<SentMessage> {
    const matches = (m: SentMessage) =>
      typeof expected === "string" ? m.text.includes(expected) : expected.test(m.text);
    return this.h.fake
      .waitForMessage(this.user.id, matches, { sinceIndex: since })
      .catch((err: unknown) => {
        const got = this.h.fake
          .sent(this.user.id)
          .slice(since)
          .map((m) => m.text);
        throw new Error(`no message matching ${expected}; got ${JSON.stringify(got)}`, {
          cause: err,
        });
      });
  }

  /** Everything the bot sent from `since` on, once every earlier update was handled. */
  async settle(since: number): Promise<SentMessage[]> {
    await this.say("/help", "/latest");
    return this.h.fake.sent(this.user.id).slice(since, -1);
  }
}

/** /post up to the topics step, with a written summary. */
async function upToTopics(editor: Editor): Promise<SentMessage> {
  await editor.say("/post", "step 1 of 6");
  await editor.say(LINK, "Step 2 of 6");
  await editor.say(TITLE, "Step 3 of 6");
  return editor.say(SUMMARY, "Step 4 of 6");
}

describe("/post", () => {
  it("publishes an article exactly as previewed, and /latest shows it the same way", async () => {
    const { h, editor, calls } = await setup();
    const topics = await upToTopics(editor);
    expect(buttons(topics)).toEqual(
      expect.arrayContaining(["post:t:-kursk", "post:t:-north-korea", "post:t:+air-war"]),
    );

    const toggled = await editor.pressAndEdit(topics, "post:t:-north-korea");
    expect(buttons(toggled)).toContain("post:t:+north-korea");
    const urgency = await editor.press(toggled, "post:t:done", "Step 5 of 6");
    expect(buttons(urgency)).toEqual(["post:u:normal", "post:u:flash"]);

    const source = await editor.press(urgency, "post:u:normal", "Step 6 of 6");
    expect(
      (source.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat().map((b) => b.text),
    ).toEqual(["Example Outlet", "example.com"]);

    const since = h.fake.sent(editor.user.id).length;
    h.fake.pressButton(source, editor.user, "post:s:0");
    await editor.next("exactly what subscribers will see", since);
    const preview = await editor.next(TITLE, since);
    expect(buttons(preview)).toEqual(["post:publish", "post:cancel", "post:l:en", "post:l:uk"]);
    expect(preview.text).toContain(SUMMARY);
    expect(preview.text).toContain("Example Outlet");
    expect(preview.text).toContain("#Kursk");
    expect(preview.text).not.toContain("#North");
    expect(await h.articles.count()).toBe(0);

    const done = await editor.press(preview, "post:publish", "Published");
    const stored = await h.articles.getByUrl(CANONICAL);
    expect(stored).toMatchObject({
      url: CANONICAL,
      title: TITLE,
      summary: SUMMARY,
      source: "Example Outlet",
      topics: ["kursk"],
      urgency: "normal",
      lang: "en",
    });
    expect(done.text).toContain(stored?.id);
    expect(calls).toEqual([{ article: stored, created: true }]);
    expect(buttons(preview)).toEqual([]);

    const latest = await editor.say("/latest 1", "Latest news");
    expect(latest.html).toBe(`<b>Latest news</b>\n\n${preview.html}`);
    expect(latest.text.endsWith(preview.text)).toBe(true);
  });

  it("summarises pasted article text when asked, and publishes a flash", async () => {
    const { h, editor, calls } = await setup();
    await editor.say("/post", "step 1 of 6");
    await editor.say("example.org/invented/pasted-text", "Step 2 of 6");
    await editor.say(TITLE, "Step 3 of 6");
    const tooLong = await editor.say(PASTED, `That's ${[...PASTED].length} characters`);
    expect(buttons(tooLong)).toEqual(["post:summarise"]);

    const proposal = await editor.pressAndEdit(tooLong, "post:summarise");
    const expected = summarizePasted(PASTED, TITLE);
    expect(expected.length).toBeGreaterThan(0);
    expect([...expected].length).toBeLessThanOrEqual(500);
    expect(proposal.text).toContain(expected);
    expect(proposal.text).not.toContain("Read also");
    expect(buttons(proposal)).toEqual(["post:use-summary", "post:own-summary"]);

    const topics = await editor.press(proposal, "post:use-summary", "Step 4 of 6");
    expect(buttons(topics)).toContain("post:t:-kursk");
    const urgency = await editor.press(topics, "post:t:done", "Step 5 of 6");
    const source = await editor.press(urgency, "post:u:flash", "Step 6 of 6");
    expect(
      (source.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat().map((b) => b.text),
    ).toEqual(["example.org"]);
    const since = h.fake.sent(editor.user.id).length;
    h.fake.sendText(editor.user.id, editor.user, "Invented Wire");
    await editor.next("subscribers with flash alerts", since);
    const preview = await editor.next("URGENT", since);
    await editor.press(preview, "post:publish", "Published");

    const stored = await h.articles.getByUrl("https://example.org/invented/pasted-text");
    expect(stored).toMatchObject({ summary: expected, urgency: "flash", source: "Invented Wire" });
    expect(calls.map((c) => [c.article.id, c.created])).toEqual([[stored?.id, true]]);
  });

  it("explains an invalid link and asks again", async () => {
    const { editor } = await setup();
    await editor.say("/post", "step 1 of 6");
    const bad = await editor.say("not a link at all", "is not a link I can use");
    expect(bad.text).toContain("“not a link at all”");
    await editor.say("ftp://example.org/file", "is not a link I can use");
    await editor.say("<b>", "“<b>” is not a link");
    await editor.say("https://example.org/invented/fine", "Step 2 of 6");
  });

  it("says when the link is already published and offers /edit", async () => {
    const { h, editor } = await setup();
    const existing: ArticleInput = {
      url: "https://example.org/invented/already",
      title: "Invented article already stored",
      summary: "Invented.",
      source: "Example Wire",
      publishedAt: Date.now(),
    };
    const { article } = await h.articles.put(existing);
    await editor.say("/post", "step 1 of 6");
    const since = h.fake.sent(editor.user.id).length;
    const reply = await editor.say(
      "https://example.org/invented/already/?utm_medium=x",
      "already published",
    );
    expect(reply.text).toContain("Invented article already stored");
    expect(reply.text).toContain(`/edit ${article.id}`);
    h.fake.sendText(editor.user.id, editor.user, "An invented title nobody asked for");
    expect((await editor.settle(since)).map((m) => m.text)).toEqual([reply.text]);
  });

  it("refuses a summary over 500 characters and takes a shorter one", async () => {
    const { h, editor } = await setup();
    await editor.say("/post", "step 1 of 6");
    await editor.say("https://example.org/invented/long", "Step 2 of 6");
    await editor.say(TITLE, "Step 3 of 6");
    const long = `${"Invented words. ".repeat(38)}Invented end`.slice(0, 612);
    expect([...long].length).toBe(612);
    const refused = await editor.say(long, "612 characters; a summary may have at most 500");
    expect(buttons(refused)).toEqual(["post:summarise"]);
    const topics = await editor.say(SUMMARY, "Step 4 of 6");
    const urgency = await editor.press(topics, "post:t:done", "Step 5 of 6");
    const source = await editor.press(urgency, "post:u:normal", "Step 6 of 6");
    const since = h.fake.sent(editor.user.id).length;
    h.fake.pressButton(source, editor.user, "post:s:0");
    const preview = await editor.next(TITLE, since);
    expect(preview.text).toContain(SUMMARY);
    expect(preview.text).not.toContain("Invented words");
  });

  it("asks the article's language at the preview, guessed from the title", async () => {
    const { h, editor } = await setup();
    const topics = await upToTopics(editor);
    const urgency = await editor.press(topics, "post:t:done", "Step 5 of 6");
    const source = await editor.press(urgency, "post:u:normal", "Step 6 of 6");
    const since = h.fake.sent(editor.user.id).length;
    h.fake.pressButton(source, editor.user, "post:s:0");
    await editor.next("language", since);
    const preview = await editor.next(TITLE, since);
    const markup = (m: SentMessage) =>
      (m.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat().map((b) => b.text);
    expect(markup(preview)).toContain("✅ English");
    const changed = await editor.pressAndEdit(preview, "post:l:uk");
    expect(markup(changed)).toEqual(expect.arrayContaining(["English", "✅ Українська"]));
    await editor.press(changed, "post:publish", "Published");
    expect((await h.articles.getByUrl(CANONICAL))?.lang).toBe("uk");
  });

  it("stores nothing when cancelled at the preview or with /cancel", async () => {
    const { h, editor, calls } = await setup();
    const topics = await upToTopics(editor);
    const urgency = await editor.press(topics, "post:t:done", "Step 5 of 6");
    const source = await editor.press(urgency, "post:u:normal", "Step 6 of 6");
    const since = h.fake.sent(editor.user.id).length;
    h.fake.pressButton(source, editor.user, "post:s:1");
    const preview = await editor.next(TITLE, since);
    expect(preview.text).toContain("example.com");
    await editor.press(preview, "post:cancel", "Cancelled. Nothing was published.");

    await upToTopics(editor);
    await editor.say("/cancel", "Cancelled. Nothing was published.");
    expect(await h.articles.count()).toBe(0);
    expect(calls).toEqual([]);
  });

  it("hints at what is expected when the editor sends something else", async () => {
    const { editor } = await setup();
    const topics = await upToTopics(editor);
    await editor.say("kursk please", "Press one of the buttons above, or /cancel to stop.");
    const urgency = await editor.press(topics, "post:t:done", "Step 5 of 6");
    expect(buttons(urgency)).toEqual(["post:u:normal", "post:u:flash"]);
  });

  it("carries on after a restart in the middle", async () => {
    const { h, editor } = await setup();
    await editor.say("/post", "step 1 of 6");
    await editor.say(LINK, "Step 2 of 6");
    await h.restart();
    const topics = await editor
      .say(TITLE, "Step 3 of 6")
      .then(() => editor.say(SUMMARY, "Step 4 of 6"));
    await h.restart();
    const urgency = await editor.press(topics, "post:t:done", "Step 5 of 6");
    const source = await editor.press(urgency, "post:u:normal", "Step 6 of 6");
    const since = h.fake.sent(editor.user.id).length;
    h.fake.pressButton(source, editor.user, "post:s:0");
    const preview = await editor.next(TITLE, since);
    await editor.press(preview, "post:publish", "Published");
    expect(await h.articles.getByUrl(CANONICAL)).toMatchObject({ title: TITLE, summary: SUMMARY });
    expect(await h.articles.count()).toBe(1);
  });

  it("ends, publishing nothing, when a question waits longer than the idle limit", async () => {
    let now = Date.parse("2024-12-17T09:00:00Z");
    const h = await startBotHarness({ deps: { clock: () => now, conversationIdleMs: 60_000 } });
    const user = h.fake.addUser();
    h.deps.editorIds.push(user.id);
    const editor = new Editor(h, user);
    await editor.say("/post", "step 1 of 6");
    await editor.say(LINK, "Step 2 of 6");
    now += 61_000;
    await editor.say(TITLE, "That /post timed out and nothing was published.");
    const since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, SUMMARY);
    expect(await editor.settle(since)).toEqual([]);
    expect(await h.articles.count()).toBe(0);
  });

  it("is for editors only", async () => {
    const { h, editor } = await setup({ editor: false });
    const since = h.fake.sent(editor.user.id).length;
    await editor.say("/post", "This command is for editors.");
    h.fake.sendText(editor.user.id, editor.user, "https://example.org/invented/sneaky");
    const sent = await editor.settle(since);
    expect(sent.map((m) => m.text)).toEqual(["This command is for editors."]);
  });

  it("speaks Ukrainian to a Ukrainian editor", async () => {
    const { editor } = await setup({ language: "uk" });
    await editor.say("/post", "Нова стаття");
    await editor.say("нема посилання", "не посилання, яким я можу скористатися");
    await editor.say("https://example.org/invented/uk", "Крок 2 із 6");
    await editor.say("Т".repeat(251), "У цьому заголовку 251 символ, а можна щонайбільше 250");
    await editor.say("Вигадана новина про Курщину", "Крок 3 із 6");
    await editor.say("в".repeat(502), "Тут 502 символи");
    const topics = await editor.say("Вигаданий підсумок для тесту.", "Крок 4 із 6");
    expect(topics.text).toContain("теми");
    const urgency = await editor.press(topics, "post:t:done", "Крок 5 із 6");
    expect(
      (urgency.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat().map((b) => b.text),
    ).toEqual([
      "📰 Звичайна: у наступних дайджестах",
      "⚡ Термінова: надіслати підписникам одразу",
    ]);
    await editor.say("/cancel", "Скасовано. Нічого не опубліковано.");
  });

  it("labels the topics step's Done button as /subscribe labels its own", async () => {
    const { editor } = await setup();
    const done = (message: SentMessage, data: string) =>
      (message.reply_markup as InlineKeyboardMarkup).inline_keyboard
        .flat()
        .find((b) => "callback_data" in b && b.callback_data === data)?.text;
    const postDone = done(await upToTopics(editor), "post:t:done");
    await editor.say("/cancel", "Cancelled");
    const menu = await editor.say("/subscribe", "Step 1 of 3");
    expect(postDone).toBe("Done ➡️");
    expect(postDone).toBe(done(menu, "sub:t:done"));
  });
});
