import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { startBotHarness } from "../support/bot-harness.ts";
import { waitFor } from "../support/wait-for.ts";

// Invented articles for tests only.
const hour = 3_600_000;
const base = Date.parse("2024-12-17T09:00:00Z");
function invented(i: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/test/${i}`,
    title: `Invented headline ${i} <b>&`,
    summary: `Invented summary number ${i} for tests.`,
    source: "Example Wire",
    publishedAt: base - i * hour,
    topics: i % 2 === 0 ? ["kursk"] : ["air-war"],
    ...extra,
  };
}

describe("foundation commands", () => {
  it("/start welcomes in English with the main buttons", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "en" });
    h.fake.sendText(user.id, user, "/start");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text).toContain("Frontline Digest");
    const buttons = (
      reply.reply_markup as { inline_keyboard: { callback_data?: string }[][] }
    ).inline_keyboard
      .flat()
      .map((b) => b.callback_data);
    expect(buttons).toEqual(
      expect.arrayContaining(["latest", "topics", "subscribe", "help", "sources"]),
    );
  });

  it("the welcome's subscribe button starts /subscribe", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "uk" });
    h.fake.sendText(user.id, user, "/start");
    const welcome = await h.fake.waitForMessage(user.id);
    h.fake.pressButton(welcome, user, "subscribe");
    const question = await h.fake.waitForMessage(
      user.id,
      (m) => m.message_id !== welcome.message_id,
    );
    const data = (
      question.reply_markup as { inline_keyboard: { callback_data?: string }[][] }
    ).inline_keyboard
      .flat()
      .map((b) => b.callback_data ?? "");
    expect(data.some((d) => d.startsWith("sub:t:"))).toBe(true);
  });

  it("/start speaks Ukrainian to a uk client and English to others", async () => {
    const h = await startBotHarness();
    const uk = h.fake.addUser({ language_code: "uk" });
    const de = h.fake.addUser({ language_code: "de" });
    h.fake.sendText(uk.id, uk, "/start");
    h.fake.sendText(de.id, de, "/start");
    expect((await h.fake.waitForMessage(uk.id)).text).toContain("короткі підсумки");
    expect((await h.fake.waitForMessage(de.id)).text).toContain("short summaries");
  });

  it("/help lists every command, one line each", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/help");
    const reply = await h.fake.waitForMessage(user.id);
    for (const command of ["/start", "/help", "/latest", "/sources"]) {
      expect(reply.text.split("\n").filter((l) => l.startsWith(command))).toHaveLength(1);
    }
  });

  it("/help shows editor commands to editors only", async () => {
    const editor = 4242;
    const h = await startBotHarness({ editors: [editor] });
    const reader = h.fake.addUser();
    const editorUser = h.fake.addUser({ id: editor });
    h.fake.sendText(reader.id, reader, "/help");
    h.fake.sendText(editor, editorUser, "/help");
    const forReader = await h.fake.waitForMessage(reader.id);
    const forEditor = await h.fake.waitForMessage(editor);
    expect(forReader.text).not.toMatch(/^\/(post|edit|flash|stats) /m);
    for (const command of ["/post", "/edit", "/flash", "/stats"]) {
      expect(forEditor.text).toContain(`${command} — `);
    }
  });

  it("/latest sends the newest 3 by default, escaped, with source, date and topics", async () => {
    const h = await startBotHarness();
    for (let i = 0; i < 5; i++) await h.articles.put(invented(i));
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/latest");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text).toContain("Invented headline 0 <b>&");
    expect(reply.text).toContain("Invented headline 2");
    expect(reply.text).not.toContain("Invented headline 3");
    expect(reply.text).toContain("Example Wire");
    expect(reply.text).toContain("17 Dec 2024");
    const link = reply.entities.find((e) => e.type === "text_link");
    expect(link && "url" in link ? link.url : "").toBe("https://example.org/test/0");
    expect(reply.options.link_preview_options).toEqual({ is_disabled: true });
  });

  it("/latest dates items in the chat's own time zone", async () => {
    const h = await startBotHarness();
    // 23:30 UTC on 16 Dec is 17 Dec in Kyiv but still 16 Dec in New York
    await h.articles.put(invented(0, { publishedAt: Date.parse("2024-12-16T23:30:00Z") }));
    const user = h.fake.addUser();
    await h.chats.ensure(user.id, { kind: "private" });
    await h.chats.updateSettings(user.id, { tz: "America/New_York" });
    h.fake.sendText(user.id, user, "/latest 1");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text).toContain("16 Dec 2024");
  });

  it("/latest n honours n and explains bad values", async () => {
    const h = await startBotHarness();
    for (let i = 0; i < 12; i++) await h.articles.put(invented(i));
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/latest 10");
    await h.fake.waitForMessage(user.id, (m) => m.text.includes("Invented headline 9"));
    expect(h.fake.sent(user.id).some((m) => m.text.includes("Invented headline 10"))).toBe(false);

    for (const bad of ["abc", "99", "0", "-1"]) {
      const before = h.fake.sent(user.id).length;
      h.fake.sendText(user.id, user, `/latest ${bad}`);
      const reply = await h.fake.waitForMessage(user.id, () => true, { sinceIndex: before });
      expect(reply.text).toMatch(/1 to 10/);
    }
  });

  it("/latest on an empty store says there is nothing yet", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/latest");
    expect((await h.fake.waitForMessage(user.id)).text).toContain("no articles yet");
  });

  it("deep link /start topic_kursk opens that topic's newest items", async () => {
    const h = await startBotHarness();
    for (let i = 0; i < 6; i++) await h.articles.put(invented(i));
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/start topic_kursk");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text).toContain("Kursk");
    expect(reply.text).toContain("Invented headline 0");
    expect(reply.text).not.toContain("Invented headline 1");
  });

  it("the topics button lists topics and a topic button opens its items", async () => {
    const h = await startBotHarness();
    for (let i = 0; i < 4; i++) await h.articles.put(invented(i));
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/start");
    const welcome = await h.fake.waitForMessage(user.id);
    h.fake.pressButton(welcome, user, "topics");
    const picker = await h.fake.waitForMessage(user.id, (m) => m.text.includes("Pick a topic"));
    h.fake.pressButton(picker, user, "topic:air-war");
    const items = await h.fake.waitForMessage(user.id, (m) =>
      m.text.includes("Invented headline 1"),
    );
    expect(items.text).not.toContain("Invented headline 0");
    expect(h.fake.callbackAnswers.length).toBeGreaterThanOrEqual(2);
  });

  it("in a group it answers /latest@its_name and ignores other bots' commands", async () => {
    const h = await startBotHarness();
    await h.articles.put(invented(0));
    const member = h.fake.addUser();
    const group = h.fake.addChat({ type: "supergroup", title: "Readers", members: [member] });
    const name = h.fake.bot.username;
    h.fake.sendText(group, member, "/latest@other_bot");
    h.fake.sendText(group, member, `/latest@${name} 1`);
    const reply = await h.fake.waitForMessage(group.id);
    expect(reply.text).toContain("Invented headline 0");
    expect(h.fake.sent(group.id)).toHaveLength(1);
  });

  it("/sources says where the content comes from", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "uk" });
    h.fake.sendText(user.id, user, "/sources");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text).toContain("Euromaidan Press");
    expect(reply.text).toContain("Видання");
  });

  it("answers a command it does not know instead of staying silent", async () => {
    const h = await startBotHarness();
    const en = h.fake.addUser({ language_code: "en" });
    const uk = h.fake.addUser({ language_code: "uk" });
    h.fake.sendText(en.id, en, "/subscrbe");
    h.fake.sendText(uk.id, uk, "/foo");
    expect((await h.fake.waitForMessage(en.id)).text).toBe(
      "I don't know the command /subscrbe. Send /help to see what I can do.",
    );
    expect((await h.fake.waitForMessage(uk.id)).text).toBe(
      "Команди /foo я не знаю. Надішліть /help, щоб побачити, що я вмію.",
    );

    // another bot's command, and plain text, stay unanswered
    const before = h.fake.sent(en.id).length;
    h.fake.sendText(en.id, en, "/foo@other_bot");
    h.fake.sendText(en.id, en, "just saying hello");
    h.fake.sendText(en.id, en, "/help");
    await h.fake.waitForMessage(en.id, (m) => m.text.includes("What I can do"), {
      sinceIndex: before,
    });
    expect(h.fake.sent(en.id).slice(before)).toHaveLength(1);
  });

  it("in a group, answers a command named to it that works only in private, or that it does not know", async () => {
    const h = await startBotHarness();
    const member = h.fake.addUser();
    const group = h.fake.addChat({ type: "supergroup", title: "Readers", members: [member] });
    const name = h.fake.bot.username;

    h.fake.sendText(group, member, "/channels");
    h.fake.sendText(group, member, "/foo");
    h.fake.sendText(group, member, `/channels@${name}`);
    const privateOnly = await h.fake.waitForMessage(group.id);
    expect(privateOnly.text).toBe(
      `The command /channels works only in a private chat with me: open @${name} and send it there.`,
    );
    expect(h.fake.sent(group.id)).toHaveLength(1);

    h.fake.sendText(group, member, `/foo@${name}`);
    const unknown = await h.fake.waitForMessage(group.id, () => true, { sinceIndex: 1 });
    expect(unknown.text).toBe(
      `I don't know the command /foo. Send /help@${name} to see what I can do.`,
    );
  });

  it("answers a press of a button nothing handles, so the client stops waiting", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/start");
    const welcome = await h.fake.waitForMessage(user.id);
    const press = h.fake.pushUpdate({
      callback_query: {
        id: "invented-old-button",
        from: user,
        chat_instance: "invented",
        message: welcome.message,
        data: "an-old-button:1",
      },
    });
    const answer = await waitFor(() =>
      h.fake.callbackAnswers.find((a) => a.callback_query_id === press.callback_query?.id),
    );
    expect(answer.text).toBeUndefined();
  });
});
