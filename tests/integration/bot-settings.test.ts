import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { User } from "grammy/types";
import { describe, expect, it } from "vitest";
import { openSettings } from "../../src/bot/features/settings.ts";
import { createI18n } from "../../src/bot/i18n.ts";
import { settingErrorText, type Translate } from "../../src/bot/setting-errors.ts";
import type { Chat } from "../../src/chats/chat.ts";
import { nextDueAt } from "../../src/chats/next-due.ts";
import {
  type SettingError,
  type SettingErrorCode,
  validateSettingsPatch,
} from "../../src/chats/settings.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";

type Button = { text: string; callback_data?: string };

function buttons(message: SentMessage): Button[] {
  const markup = message.reply_markup as { inline_keyboard?: Button[][] } | undefined;
  return markup?.inline_keyboard?.flat() ?? [];
}

function labels(message: SentMessage): string[] {
  return buttons(message).map((b) => b.text);
}

function dataOf(message: SentMessage, label: string): string {
  const found = buttons(message).find((b) => b.text === label);
  if (!found?.callback_data) {
    throw new Error(`no button "${label}" among ${JSON.stringify(labels(message))}`);
  }
  return found.callback_data;
}

/** What a press is expected to lead to, after the bot answered it. */
type Outcome = "edit" | "answer" | "message";

/**
 * Presses the button labelled `label` (or sends `data`, e.g. of an older
 * version of the message) and waits until the bot has answered the press and,
 * for "edit", tried to edit that message, or, for "message", sent a new one.
 */
async function press(
  h: BotHarness,
  message: SentMessage,
  from: User,
  label: string,
  outcome: Outcome = "edit",
  data = dataOf(message, label),
) {
  const since = h.fake.calls.length;
  const sentBefore = h.fake.sent(message.chat_id).length;
  const id = h.fake.pressButton(message, from, data).callback_query?.id;
  const answer = await waitFor(
    () => h.fake.callbackAnswers.find((a) => a.callback_query_id === id),
    { message: `the answer to a press of "${label}"` },
  );
  if (outcome === "edit") {
    await waitFor(
      () =>
        h.fake.calls
          .slice(since)
          .find(
            (c) =>
              c.method.startsWith("editMessage") &&
              Number(c.params.message_id) === message.message_id &&
              c.response,
          ),
      { message: `an edit after pressing "${label}"` },
    );
  }
  if (outcome === "message") {
    await h.fake.waitForMessage(message.chat_id, () => true, { sinceIndex: sentBefore });
  }
  return answer;
}

/** Sends a text and waits for the bot's next message in that chat. */
async function say(h: BotHarness, chatId: number, from: User, text: string, replyTo?: SentMessage) {
  const before = h.fake.sent(chatId).length;
  h.fake.sendText(chatId, from, text, replyTo ? { replyTo } : {});
  return h.fake.waitForMessage(chatId, () => true, { sinceIndex: before });
}

/** A user whose quiet hours the bot waits to be typed (/settings, Quiet, Type hours). */
async function waitingForTypedQuietHours() {
  const h = await startBotHarness();
  const user = h.fake.addUser();
  const menu = await say(h, user.id, user, "/settings");
  await press(h, menu, user, "🌙 Quiet: off");
  await press(h, menu, user, "⌨️ Type hours", "message");
  return { h, user };
}

async function record(h: BotHarness, id: number): Promise<Chat> {
  const chat = await h.chats.get(id);
  if (!chat) throw new Error(`chat ${id} has no record`);
  return chat;
}

/** The schedule holds the next due time as computed at some instant between `from` and now. */
async function expectScheduled(h: BotHarness, chat: Chat, from: number) {
  const due = Number(await h.redis.zscore(h.keys.schedule(), String(chat.id)));
  expect([nextDueAt(chat, from), nextDueAt(chat, Date.now())]).toContain(due);
}

const OUTDATED = "This menu was out of date — here is the current one.";

describe("/settings", () => {
  it("chooses the news languages from one row, English only by default for an English reader", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const menu = await say(h, user.id, user, "/settings");
    expect(menu.text).toContain("News in: English");
    await press(h, menu, user, "📰 News: English");
    expect(labels(menu)).toEqual(
      expect.arrayContaining(["✅ English", "Ukrainian", "English and Ukrainian"]),
    );
    await press(h, menu, user, "English and Ukrainian");
    expect((await record(h, user.id)).news).toEqual(["en", "uk"]);
    expect(menu.text).toContain("News in: English and Ukrainian");
    await press(h, menu, user, "« Back");
    expect(labels(menu)).toContain("📰 News: English and Ukrainian");
  });

  it("shows every current value and makes a record for a new private chat, not subscribed", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "uk" });
    const menu = await say(h, user.id, user, "/settings");
    expect(menu.text).toContain("Налаштування");
    expect(menu.text).toContain("Підписки ще немає");
    expect(menu.text).toContain("/subscribe");
    expect(menu.text).toContain("Час дайджестів: 08:00");
    expect(menu.text).toContain("Часовий пояс: Europe/Kyiv");
    expect(menu.text).toContain("Теми: Усі теми");
    const chat = await record(h, user.id);
    expect([chat.status, chat.lang]).toEqual(["paused", "uk"]);
    expect(labels(menu)).toEqual(
      expect.arrayContaining(["🌐 Українська", "🕗 08:00", "🌍 Київ", "🔗 Прев'ю: вимк."]),
    );
  });

  it("changes every setting through the menu, keeping the schedule in step", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    await h.chats.ensure(user.id, { kind: "private" });
    await h.chats.setStatus(user.id, "active");
    const menu = await say(h, user.id, user, "/settings");
    expect(menu.text).toContain("Subscribed");

    await press(h, menu, user, "🗂 All topics");
    await press(h, menu, user, "◻️ Kursk");
    await press(h, menu, user, "◻️ Air war");
    expect((await record(h, user.id)).topics).toEqual(["air-war", "kursk"]);
    expect(menu.text).toContain("Topics: Kursk, Air war");
    expect(labels(menu)).toEqual(expect.arrayContaining(["✅ Kursk", "✅ Air war", "All topics"]));
    await press(h, menu, user, "◻️ Russia");
    expect(menu.text).toContain("Topics: 3 topics");
    await press(h, menu, user, "All topics");
    expect((await record(h, user.id)).topics).toEqual([]);
    expect(labels(menu)).toContain("✅ All topics");
    await press(h, menu, user, "« Back");

    await press(h, menu, user, "🕗 08:00");
    let from = Date.now();
    await press(h, menu, user, "08:00 · 20:00");
    let chat = await record(h, user.id);
    expect(chat.times).toEqual(["08:00", "20:00"]);
    await expectScheduled(h, chat, from);
    expect(labels(menu)).toContain("✅ 08:00 · 20:00");
    await press(h, menu, user, "« Back");

    await press(h, menu, user, "🌍 Kyiv");
    from = Date.now();
    await press(h, menu, user, "New York");
    chat = await record(h, user.id);
    expect(chat.tz).toBe("America/New_York");
    await expectScheduled(h, chat, from);
    expect(menu.text).toContain("Time zone: America/New_York");
    await press(h, menu, user, "« Back");
    expect(labels(menu)).toContain("🌍 New York");

    await press(h, menu, user, "🔢 5 per digest");
    await press(h, menu, user, "+");
    expect((await record(h, user.id)).maxItems).toBe(6);
    await press(h, menu, user, "10");
    const refused = await press(h, menu, user, "+", "answer");
    expect(refused).toMatchObject({
      show_alert: true,
      text: "11 is not a number of items — choose a whole number from 1 to 10",
    });
    expect((await record(h, user.id)).maxItems).toBe(10);
    await press(h, menu, user, "3");
    await press(h, menu, user, "−");
    expect((await record(h, user.id)).maxItems).toBe(2);
    await press(h, menu, user, "« Back");

    await press(h, menu, user, "🔗 Previews: off");
    await press(h, menu, user, "⚡ Alerts: on");
    chat = await record(h, user.id);
    expect([chat.previews, chat.flash]).toEqual([true, false]);
    expect(menu.text).toContain("Link previews: on");
    expect(menu.text).toContain("Flash alerts: off");

    await press(h, menu, user, "🌙 Quiet: off");
    await press(h, menu, user, "23:00–07:00");
    expect((await record(h, user.id)).quiet).toEqual({ start: "23:00", end: "07:00" });
    await press(h, menu, user, "22:00–08:00");
    expect((await record(h, user.id)).quiet).toEqual({ start: "22:00", end: "08:00" });
    expect(menu.text).toContain("Quiet hours: 22:00–08:00");
    await press(h, menu, user, "off");
    expect((await record(h, user.id)).quiet).toBeUndefined();
    await press(h, menu, user, "« Back");

    await press(h, menu, user, "✔️ Done");
    expect(buttons(menu)).toEqual([]);
    expect(h.fake.callsOf("answerCallbackQuery").every((c) => c.response?.ok)).toBe(true);
    expect(h.fake.internalErrors).toEqual([]);
  });

  it("names chosen topics in the same order as /status, whatever order they were picked in", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const menu = await say(h, user.id, user, "/settings");
    await press(h, menu, user, "🗂 All topics");
    await press(h, menu, user, "◻️ Diplomacy & sanctions");
    await press(h, menu, user, "◻️ Kursk");
    expect((await record(h, user.id)).topics).toEqual(["diplomacy", "kursk"]);
    const status = await say(h, user.id, user, "/status");
    expect(status.text).toContain("Topics: Kursk, Diplomacy & sanctions");
    expect(menu.text).toContain("Topics: Kursk, Diplomacy & sanctions");
    await press(h, menu, user, "« Back");
    expect(labels(menu)).toContain("🗂 Kursk, Diplomacy & sanctions");
    const topics = await say(h, user.id, user, "/topics");
    expect(topics.text).toContain("Now: Kursk, Diplomacy & sanctions");
  });

  it("switching to Ukrainian re-renders the menu in Ukrainian at once", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "en" });
    const menu = await say(h, user.id, user, "/settings");
    await press(h, menu, user, "🌐 English");
    expect(labels(menu)).toEqual(["✅ English", "Українська", "« Back"]);
    await press(h, menu, user, "Українська");
    expect((await record(h, user.id)).lang).toBe("uk");
    expect(menu.text).toContain("Налаштування");
    expect(menu.text).toContain("Мова: Українська");
    expect(labels(menu)).toEqual(["English", "✅ Українська", "« Назад"]);
    await press(h, menu, user, "« Назад");
    expect(labels(menu)).toContain("🌐 Українська");
    expect((await say(h, user.id, user, "/help")).text).toContain("Що я вмію");
  });

  it("typed times: a bad value gets the translated error and changes nothing; a good one is saved", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    await h.chats.ensure(user.id, { kind: "private" });
    await h.chats.setStatus(user.id, "active");
    const menu = await say(h, user.id, user, "/settings");
    await press(h, menu, user, "🕗 08:00");
    await press(h, menu, user, "⌨️ Type times", "message");
    const prompt = h.fake.sent(user.id).at(-1);
    expect(prompt?.text).toContain("Send the digest times");
    expect(prompt?.reply_markup).toMatchObject({ force_reply: true });

    const bad = await say(h, user.id, user, "25:00");
    expect(bad.text).toContain(
      "25:00 is not a time — write times like 07:30 or 7:30, from 00:00 to 23:59, separated by commas",
    );
    expect((await record(h, user.id)).times).toEqual(["08:00"]);

    const from = Date.now();
    const saved = await say(h, user.id, user, "7:30, 19:00");
    expect(saved.text).toContain("Saved");
    expect(saved.text).toContain("Digest times: 07:30, 19:00");
    expect(labels(saved)).toContain("🕗 07:30, 19:00");
    const chat = await record(h, user.id);
    expect(chat.times).toEqual(["07:30", "19:00"]);
    await expectScheduled(h, chat, from);

    const before = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "9:00, 10:00");
    const help = await say(h, user.id, user, "/help");
    expect(h.fake.sent(user.id).slice(before)).toEqual([help]);
    expect((await record(h, user.id)).times).toEqual(["07:30", "19:00"]);
  });

  it("typed time zone: Mars/Phobos is refused, a city is taken, and the schedule moves", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    await h.chats.ensure(user.id, { kind: "private" });
    await h.chats.setStatus(user.id, "active");
    const menu = await say(h, user.id, user, "/settings");
    await press(h, menu, user, "🌍 Kyiv");
    await press(h, menu, user, "⌨️ Type a city or zone", "message");

    const bad = await say(h, user.id, user, "Mars/Phobos");
    expect(bad.text).toContain(
      "Mars/Phobos is not a time zone — send a city like Kyiv or a zone like Europe/Berlin",
    );
    expect((await record(h, user.id)).tz).toBe("Europe/Kyiv");

    const from = Date.now();
    const saved = await say(h, user.id, user, "Tokyo");
    expect(saved.text).toContain("Time zone: Asia/Tokyo");
    const chat = await record(h, user.id);
    expect(chat.tz).toBe("Asia/Tokyo");
    await expectScheduled(h, chat, from);
  });

  it("typed quiet hours; a command instead of the value cancels the wait", async () => {
    const { h, user } = await waitingForTypedQuietHours();
    const saved = await say(h, user.id, user, "22:30-06:45");
    expect(saved.text).toContain("Quiet hours: 22:30–06:45");
    expect((await record(h, user.id)).quiet).toEqual({ start: "22:30", end: "06:45" });

    await press(h, saved, user, "🌙 Quiet: 22:30–06:45");
    await press(h, saved, user, "⌨️ Type hours", "message");
    await say(h, user.id, user, "/sources");
    const before = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "off");
    const help = await say(h, user.id, user, "/help");
    expect(help.text).toContain("What I can do");
    expect(h.fake.sent(user.id).slice(before)).toEqual([help]);
    expect((await record(h, user.id)).quiet).toEqual({ start: "22:30", end: "06:45" });
  });

  it("a reader's command, answered before the settings feature, cancels the wait too", async () => {
    const { h, user } = await waitingForTypedQuietHours();
    await say(h, user.id, user, "/latest");
    const before = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "22:30-06:45");
    const help = await say(h, user.id, user, "/help");
    expect(h.fake.sent(user.id).slice(before)).toEqual([help]);
    expect((await record(h, user.id)).quiet).toBeUndefined();
  });

  it("a press on an out-of-date menu shows the current state instead of acting", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const older = await say(h, user.id, user, "/settings");
    const newer = await say(h, user.id, user, "/settings");

    await press(h, newer, user, "🔗 Previews: off");
    expect((await record(h, user.id)).previews).toBe(true);

    const answer = await press(h, older, user, "⚡ Alerts: on");
    expect(answer.text).toBe(OUTDATED);
    expect((await record(h, user.id)).flash).toBe(true);
    expect(older.text).toContain("Link previews: on");
    expect(labels(older)).toContain("🔗 Previews: on");
    expect(labels(older)).toContain("⚡ Alerts: on");
  });

  it("a double press applies once and the message shows the true state", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const menu = await say(h, user.id, user, "/settings");
    const data = dataOf(menu, "🔗 Previews: off");
    const ids = [
      h.fake.pressButton(menu, user, data).callback_query?.id,
      h.fake.pressButton(menu, user, data).callback_query?.id,
    ];
    const answers = await waitFor(() => {
      const found = h.fake.callbackAnswers.filter((a) => ids.includes(a.callback_query_id));
      return found.length === 2 && found;
    });
    await waitFor(() => menu.text.includes("Link previews: on"));
    expect((await record(h, user.id)).previews).toBe(true);
    expect(answers.map((a) => a.text)).toEqual([undefined, OUTDATED]);
    expect(labels(menu)).toContain("🔗 Previews: on");
  });

  it("in a group only admins open the menu or press it; an admin types a value as a reply", async () => {
    const h = await startBotHarness();
    const admin = h.fake.addUser();
    const member = h.fake.addUser();
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Readers <&>",
      members: [{ user: admin, status: "administrator" }, member],
    });
    const name = h.fake.bot.username;

    const refused = await say(h, group.id, member, `/settings@${name}`);
    expect(refused.text).toBe("Only this group's admins can change its subscription.");
    expect(refused.reply_markup).toBeUndefined();

    const menu = await say(h, group.id, admin, `/settings@${name}`);
    expect(menu.text).toContain("Settings: Readers <&>");
    const alert = await press(h, menu, member, "🔗 Previews: off", "answer");
    expect(alert).toMatchObject({
      show_alert: true,
      text: "Only this group's admins can change its subscription.",
    });
    expect((await record(h, group.id)).previews).toBe(false);

    await press(h, menu, admin, "🔗 Previews: off");
    expect((await record(h, group.id)).previews).toBe(true);

    await press(h, menu, admin, "🌍 Kyiv");
    await press(h, menu, admin, "⌨️ Type a city or zone", "message");
    const prompt = h.fake.sent(group.id).at(-1) as SentMessage;
    expect(prompt.reply_markup).toMatchObject({ force_reply: true, selective: true });
    expect(prompt.entities).toContainEqual(
      expect.objectContaining({
        type: "text_mention",
        user: expect.objectContaining({ id: admin.id }),
      }),
    );
    const before = h.fake.sent(group.id).length;
    h.fake.sendText(group.id, member, "Berlin", { replyTo: prompt });
    const saved = await say(h, group.id, admin, "London", prompt);
    expect(saved.text).toContain("Saved");
    expect(saved.text).toContain("Time zone: Europe/London");
    expect((await record(h, group.id)).tz).toBe("Europe/London");
    expect(h.fake.sent(group.id).slice(before)).toEqual([saved]);
  });

  it("in a group the question after the admin's name reads as one sentence, in each language", async () => {
    const h = await startBotHarness();
    const name = h.fake.bot.username;
    const cases = [
      {
        lang: "en",
        first: "Anna",
        open: "🕗 08:00",
        type: "⌨️ Type times",
        ask: "Anna, send the digest times",
      },
      {
        lang: "uk",
        first: "Олена",
        open: "🌙 Тиша: вимк.",
        type: "⌨️ Ввести години",
        ask: "Олена, надішліть тихі години",
      },
    ];
    for (const c of cases) {
      const admin = h.fake.addUser({ first_name: c.first, language_code: c.lang });
      const group = h.fake.addChat({
        type: "group",
        title: `Readers ${c.lang}`,
        members: [{ user: admin, status: "creator" }],
      });
      await h.chats.ensure(group.id, { kind: "group", title: `Readers ${c.lang}` });
      await h.chats.updateSettings(group.id, { lang: c.lang });
      const menu = await say(h, group.id, admin, `/settings@${name}`);
      await press(h, menu, admin, c.open);
      await press(h, menu, admin, c.type, "message");
      const prompt = h.fake.sent(group.id).at(-1) as SentMessage;
      expect(prompt.text.startsWith(c.ask)).toBe(true);
    }
  });

  it("speaks Ukrainian errors to a Ukrainian chat", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "uk" });
    const menu = await say(h, user.id, user, "/settings");
    await press(h, menu, user, "🕗 08:00");
    await press(h, menu, user, "⌨️ Ввести час", "message");
    const bad = await say(h, user.id, user, "25:00, 8:00");
    expect(bad.text).toContain(
      "25:00 — це не час. Пишіть час як 07:30 або 7:30, від 00:00 до 23:59, через кому",
    );
    expect(bad.text).toContain("Надішліть ще раз");

    const again = await say(h, user.id, user, "/settings");
    await press(h, again, user, "🌍 Київ");
    await press(h, again, user, "⌨️ Ввести місто чи пояс", "message");
    const zone = await say(h, user.id, user, "Mars/Phobos");
    expect(zone.text).toContain(
      "Mars/Phobos — це не часовий пояс. Надішліть місто, як-от Київ, або пояс, як-от Europe/Berlin",
    );

    await press(h, again, user, "« Назад");
    await press(h, again, user, "🔢 5 у дайджесті");
    await press(h, again, user, "3");
    await press(h, again, user, "−");
    await press(h, again, user, "−");
    const alert = await press(h, again, user, "−", "answer");
    expect(alert.text).toBe(
      "0 — неприпустима кількість матеріалів. Оберіть ціле число від 1 до 10",
    );
    const chat = await record(h, user.id);
    expect([chat.times, chat.tz, chat.maxItems]).toEqual([["08:00"], "Europe/Kyiv", 1]);
  });

  it("openSettings manages a linked channel from the private chat, for its managers only", async () => {
    const h = await startBotHarness();
    const owner = h.fake.addUser();
    const channel = h.fake.addChat({ type: "channel", title: "Front Notes" });
    await h.chats.ensure(channel.id, { kind: "channel", title: "Front Notes" });
    await h.chats.addManager(channel.id, owner.id);
    // Stands in for the channel feature's "Settings" button (plain text: an
    // unknown command would get the routing table's "unknown command" answer).
    const OPEN = "open the channel's settings";
    h.bot.hears(OPEN, (ctx) => openSettings(ctx, channel.id));

    const stranger = h.fake.addUser();
    const refused = await say(h, stranger.id, stranger, OPEN);
    expect(refused.text).toBe("You don't manage that chat, so you can't change its settings.");

    const menu = await say(h, owner.id, owner, OPEN);
    expect(menu.text).toContain("Settings: Front Notes");
    expect(menu.text).toContain("/channels");
    await press(h, menu, owner, "🔢 5 per digest");
    await press(h, menu, owner, "7");
    expect((await record(h, channel.id)).maxItems).toBe(7);
    expect(await h.chats.get(owner.id)).toBeUndefined();

    await press(h, menu, owner, "« Back");
    await press(h, menu, owner, "🕗 08:00");
    await press(h, menu, owner, "⌨️ Type times", "message");
    const saved = await say(h, owner.id, owner, "6:00");
    expect(saved.text).toContain("Settings: Front Notes");
    expect((await record(h, channel.id)).times).toEqual(["06:00"]);

    await h.chats.removeManager(channel.id, owner.id);
    const alert = await press(h, saved, owner, "🔗 Previews: off", "answer");
    expect(alert).toMatchObject({
      show_alert: true,
      text: "You don't manage that chat, so you can't change its settings.",
    });
    expect((await record(h, channel.id)).previews).toBe(false);
  });
});

describe("settingErrorText", () => {
  const i18n = createI18n("en");
  const inLanguage =
    (lang: "en" | "uk"): Translate =>
    (key, vars) =>
      i18n.t(lang, key, vars);
  const examples: Record<SettingErrorCode, Record<string, unknown>> = {
    "invalid-language": { lang: "de" },
    "invalid-timezone": { tz: "Mars/Phobos" },
    "invalid-time": { times: "25:00" },
    "no-times": { times: [] },
    "too-many-times": { times: "1:00 2:00 3:00 4:00 5:00 6:00 7:00" },
    "invalid-topics": { topics: "kursk" },
    "unknown-topic": { topics: ["moon"] },
    "items-out-of-range": { maxItems: 11 },
    "invalid-quiet-hours": { quiet: "later" },
    "invalid-switch": { previews: "maybe" },
    "invalid-thread": { threadId: -4 },
    "invalid-news": { news: "de" },
  };
  const errors = new Map<string, SettingError>();
  for (const [code, patch] of Object.entries(examples)) {
    const result = validateSettingsPatch(patch, { topicIds: new Set(["kursk", "air-war"]) });
    const error = result.ok ? undefined : result.errors[0];
    if (error?.code !== code) throw new Error(`the example of ${code} gives ${error?.code}`);
    errors.set(code, error);
  }

  it.each([...errors.keys()])("%s reads in English and Ukrainian, with its values", (code) => {
    const error = errors.get(code) as SettingError;
    for (const lang of ["en", "uk"] as const) {
      const text = settingErrorText(inLanguage(lang), error);
      expect(text).not.toMatch(/setting-|[{}]|undefined|NaN/);
      for (const [name, value] of Object.entries(error.params)) {
        if (name !== "allowed") expect(text, `${lang}: ${name}`).toContain(String(value));
      }
      if (lang === "uk") expect(text).toMatch(/[а-яіїєґ]{3}/i);
    }
  });

  it("says what is allowed, in each language's words", () => {
    for (const code of ["invalid-timezone", "invalid-time", "items-out-of-range"]) {
      const error = errors.get(code) as SettingError;
      expect(settingErrorText(inLanguage("en"), error)).toBe(error.message);
    }
    expect(settingErrorText(inLanguage("uk"), errors.get("too-many-times") as SettingError)).toBe(
      "Забагато значень часу (7). Дайджест можна отримувати щонайбільше 6 разів на день",
    );
    expect(settingErrorText(inLanguage("uk"), errors.get("invalid-switch") as SettingError)).toBe(
      "maybe — це не «увімк.» чи «вимк.»: Попередній перегляд посилань можна лише увімкнути або вимкнути",
    );
  });
});

describe("settings translations", () => {
  const keysOf = (lang: string, file: string) =>
    readFileSync(
      fileURLToPath(new URL(`../../src/locales/${lang}/${file}`, import.meta.url)),
      "utf8",
    )
      .split("\n")
      .map((line) => /^([a-zA-Z][\w-]*) =/.exec(line)?.[1])
      .filter((key): key is string => key !== undefined)
      .sort();

  it.each(["settings.ftl", "setting-errors.ftl"])(
    "%s has the same keys in both languages",
    (file) => {
      const en = keysOf("en", file);
      expect(en.length).toBeGreaterThan(10);
      expect(keysOf("uk", file)).toEqual(en);
    },
  );
});
