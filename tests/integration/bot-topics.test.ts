import type { User } from "grammy/types";
import { describe, expect, it } from "vitest";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";

type Button = { text: string; callback_data?: string };

function labels(message: SentMessage): string[] {
  const markup = message.reply_markup as { inline_keyboard?: Button[][] } | undefined;
  return markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
}

function dataOf(message: SentMessage, label: string): string {
  const markup = message.reply_markup as { inline_keyboard?: Button[][] } | undefined;
  const found = markup?.inline_keyboard?.flat().find((b) => b.text === label);
  if (!found?.callback_data) throw new Error(`no button "${label}" in ${labels(message)}`);
  return found.callback_data;
}

/** Presses a button and waits for the answer and, unless `answerOnly`, an edit of that message. */
async function press(
  h: BotHarness,
  message: SentMessage,
  from: User,
  label: string,
  options: { answerOnly?: boolean; data?: string } = {},
) {
  const since = h.fake.calls.length;
  const data = options.data ?? dataOf(message, label);
  const id = h.fake.pressButton(message, from, data).callback_query?.id;
  const answer = await waitFor(() =>
    h.fake.callbackAnswers.find((a) => a.callback_query_id === id),
  );
  if (!options.answerOnly) {
    await waitFor(() =>
      h.fake.calls
        .slice(since)
        .find(
          (c) =>
            c.method === "editMessageText" &&
            Number(c.params.message_id) === message.message_id &&
            c.response,
        ),
    );
  }
  return answer;
}

async function say(h: BotHarness, chatId: number, from: User, text: string) {
  const before = h.fake.sent(chatId).length;
  h.fake.sendText(chatId, from, text);
  return h.fake.waitForMessage(chatId, () => true, { sinceIndex: before });
}

async function topicsOf(h: BotHarness, chatId: number): Promise<string[] | undefined> {
  return (await h.chats.get(chatId))?.topics;
}

describe("/topics", () => {
  it("lists every topic as a toggle and edits the same message as they are tapped", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const menu = await say(h, user.id, user, "/topics");
    expect(menu.text).toContain("Digest topics");
    expect(menu.text).toContain("Now: All topics");
    expect(labels(menu)).toHaveLength(h.topics.length + 1);
    expect(labels(menu)).toEqual(expect.arrayContaining(["◻️ Kursk", "◻️ Air war", "✅ All topics"]));
    expect(await h.chats.get(user.id)).toBeUndefined();

    await press(h, menu, user, "◻️ Kursk");
    expect(await topicsOf(h, user.id)).toEqual(["kursk"]);
    expect(menu.text).toContain("Now: Kursk");
    expect(labels(menu)).toEqual(expect.arrayContaining(["✅ Kursk", "All topics"]));

    await press(h, menu, user, "◻️ Air war");
    expect(await topicsOf(h, user.id)).toEqual(["air-war", "kursk"]);
    await press(h, menu, user, "✅ Kursk");
    expect(await topicsOf(h, user.id)).toEqual(["air-war"]);
    expect(menu.text).toContain("Now: Air war");

    await press(h, menu, user, "All topics");
    expect(await topicsOf(h, user.id)).toEqual([]);
    expect(menu.text).toContain("Now: All topics");
    expect(h.fake.sent(user.id)).toEqual([menu]);
    expect(menu.history).toHaveLength(4);
    expect((await h.chats.get(user.id))?.status).toBe("paused");
  });

  it("speaks the chat's language", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "uk" });
    const menu = await say(h, user.id, user, "/topics");
    expect(menu.text).toContain("Теми дайджесту");
    await press(h, menu, user, "◻️ Курщина");
    expect(menu.text).toContain("Зараз: Курщина");
    expect((await h.chats.get(user.id))?.lang).toBe("uk");
  });

  it("a tap on an older /topics message shows the current choice instead of toggling", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const older = await say(h, user.id, user, "/topics");
    const newer = await say(h, user.id, user, "/topics");
    await press(h, newer, user, "◻️ Kursk");
    const answer = await press(h, older, user, "◻️ Kursk");
    expect(answer.text).toBe("This menu was out of date — here is the current one.");
    expect(await topicsOf(h, user.id)).toEqual(["kursk"]);
    expect(labels(older)).toContain("✅ Kursk");
  });

  it("in a group anyone may look, only admins may toggle", async () => {
    const h = await startBotHarness();
    const admin = h.fake.addUser();
    const member = h.fake.addUser();
    const group = h.fake.addChat({
      type: "group",
      title: "Readers",
      members: [{ user: admin, status: "creator" }, member],
    });
    const menu = await say(h, group.id, member, `/topics@${h.fake.bot.username}`);
    expect(menu.text).toContain("Digest topics: Readers");
    expect(menu.text).toContain("Admins can tap");

    const refused = await press(h, menu, member, "◻️ Kursk", { answerOnly: true });
    expect(refused).toMatchObject({
      show_alert: true,
      text: "Only this group's admins can change its subscription.",
    });
    expect(await topicsOf(h, group.id)).toBeUndefined();

    await press(h, menu, admin, "◻️ Kursk");
    expect(await topicsOf(h, group.id)).toEqual(["kursk"]);
    expect(labels(menu)).toContain("✅ Kursk");
  });

  it("leaves the welcome's topic picker as it was", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const welcome = await say(h, user.id, user, "/start");
    h.fake.pressButton(welcome, user, "topics");
    const picker = await h.fake.waitForMessage(user.id, (m) => m.text.includes("Pick a topic"));
    expect(picker.reply_markup).toMatchObject({
      inline_keyboard: expect.arrayContaining([
        expect.arrayContaining([expect.objectContaining({ callback_data: "topic:kursk" })]),
      ]),
    });
  });
});
