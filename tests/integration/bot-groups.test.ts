import type { Chat, InlineKeyboardMarkup, Update, User } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";
import type { LogLine } from "../support/log-capture.ts";
import { messageUpdate, textMessage } from "../support/updates.ts";
import { waitFor } from "../support/wait-for.ts";

// Invented articles for tests only: example.org links, made-up outlets and text.
const HOUR = 3_600_000;
const NOW = Date.parse("2024-12-17T06:00:00Z");

function invented(i: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/groups/${i}`,
    title: `Invented group headline ${i}`,
    summary: `Invented summary number ${i} for tests.`,
    source: "Example Wire",
    publishedAt: NOW - (i + 1) * HOUR,
    topics: ["kursk"],
    ...extra,
  };
}

interface Started extends BotHarness {
  /** "update failed" errors the bot logged. */
  failures(): LogLine[];
}

async function start(): Promise<Started> {
  const h = await startBotHarness({ now: NOW, logs: "info" });
  return Object.assign(h, { failures: () => h.logs.errors() });
}

function logged(h: Started, msg: string): number {
  return h.logs.lines.filter((l) => l.msg === msg).length;
}

/** Every update sent before it has been handled once the bot answers /help in `chat`. */
async function settled(h: BotHarness, chat: Chat, member: User): Promise<void> {
  const before = h.fake.sent(chat.id).length;
  h.fake.sendText(chat, member, `/help@${h.fake.bot.username}`);
  await h.fake.waitForMessage(chat.id, (m) => m.text.includes("/latest"), { sinceIndex: before });
}

async function scheduled(h: BotHarness, chatId: number): Promise<boolean> {
  return (await h.redis.zscore(h.keys.schedule(), String(chatId))) !== null;
}

async function subscribedGroup(h: BotHarness, chat: Chat.GroupChat | Chat.SupergroupChat) {
  const kind = chat.type === "group" ? "group" : "supergroup";
  await h.chats.ensure(chat.id, { kind, title: chat.title });
  const set = await h.chats.updateSettings(chat.id, { times: "07:30, 19:00", topics: ["kursk"] });
  expect(set.ok).toBe(true);
  await h.chats.setStatus(chat.id, "active");
  await h.chats.setCursor(chat.id, NOW - 5 * HOUR, NOW - HOUR);
}

describe("the bot joining and leaving groups", () => {
  it("welcomes a group it is added to and tells admins how to subscribe", async () => {
    const h = await start();
    const admin = h.fake.addUser({ language_code: "en" });
    const group = h.fake.addChat({
      type: "group",
      title: "Invented readers",
      members: [{ user: admin, status: "creator" }],
      botStatus: "left",
    });
    h.fake.myChatMember(group, admin, "left", "member");

    const welcome = await h.fake.waitForMessage(group.id);
    expect(welcome.text).toContain("Admins: send /subscribe@frontline_digest_bot");
    expect(welcome.parse_mode).toBe("HTML");
    const chat = await h.chats.get(group.id);
    expect(chat).toMatchObject({
      kind: "group",
      title: "Invented readers",
      status: "paused",
      lang: "en",
    });
    expect(await scheduled(h, group.id)).toBe(false);
  });

  it("welcomes in Ukrainian when a Ukrainian user adds it, and keeps that language for the group", async () => {
    const h = await start();
    const admin = h.fake.addUser({ language_code: "uk" });
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Вигадана група",
      members: [{ user: admin, status: "creator" }],
      botStatus: "left",
    });
    h.fake.myChatMember(group, admin, "left", "administrator");

    const welcome = await h.fake.waitForMessage(group.id);
    expect(welcome.text).toContain("Адміністратори: надішліть /subscribe@frontline_digest_bot");
    expect(await h.chats.get(group.id)).toMatchObject({ kind: "supergroup", lang: "uk" });
  });

  it("welcomes a Ukrainian adder in Ukrainian even when the group was set to English", async () => {
    const h = await start();
    const admin = h.fake.addUser({ language_code: "uk" });
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Invented mixed group",
      members: [{ user: admin, status: "creator" }],
      botStatus: "left",
    });
    await h.chats.ensure(group.id, { kind: "supergroup", title: "Invented mixed group" });
    await h.chats.setStatus(group.id, "left");
    h.fake.myChatMember(group, admin, "left", "member");

    expect((await h.fake.waitForMessage(group.id)).text).toContain("Адміністратори");
    expect(await h.chats.get(group.id)).toMatchObject({ lang: "en", status: "paused" });
  });

  it("marks a group left when kicked, sends nothing, and stops its schedule", async () => {
    const h = await start();
    const admin = h.fake.addUser();
    const member = h.fake.addUser();
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Invented kicked group",
      members: [{ user: admin, status: "creator" }, member],
      botStatus: "left",
    });
    h.fake.myChatMember(group, admin, "left", "member");
    await h.fake.waitForMessage(group.id);
    await h.chats.setStatus(group.id, "active");
    expect(await scheduled(h, group.id)).toBe(true);

    h.fake.myChatMember(group, admin, "member", "kicked");
    await waitFor(async () => (await h.chats.get(group.id))?.status === "left", {
      message: "the group marked left",
    });
    expect(await scheduled(h, group.id)).toBe(false);

    const asked = h.fake.sendText(group, member, `/digest@${h.fake.bot.username}`);
    expect(h.fake.withheld).toContain(asked);

    // Re-added later: the next message in this chat is the new welcome, so
    // nothing was sent between the two.
    h.fake.myChatMember(group, admin, "kicked", "member");
    await h.fake.waitForMessage(group.id, () => true, { sinceIndex: 1 });
    expect(h.fake.sent(group.id).map((m) => m.text.includes("/subscribe@"))).toEqual([true, true]);
    expect(h.failures()).toEqual([]);
  });

  it("re-added after leaving, the group is paused with every setting kept and welcomed again", async () => {
    const h = await start();
    const admin = h.fake.addUser();
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Invented returning group",
      members: [{ user: admin, status: "creator" }],
    });
    await subscribedGroup(h, group as Chat.SupergroupChat);
    h.fake.myChatMember(group, admin, "member", "left");
    await waitFor(async () => (await h.chats.get(group.id))?.status === "left");

    h.fake.myChatMember(group, admin, "left", "member");
    const welcome = await h.fake.waitForMessage(group.id);
    expect(welcome.text).toContain("/subscribe@");
    const chat = await h.chats.get(group.id);
    expect(chat).toMatchObject({
      status: "paused",
      times: ["07:30", "19:00"],
      topics: ["kursk"],
      cursor: NOW - 5 * HOUR,
    });
    expect(await scheduled(h, group.id)).toBe(false);
  });

  it("sends one welcome for a repeated join, none for a promotion or a join into a subscribed chat", async () => {
    const h = await start();
    const admin = h.fake.addUser();
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Invented busy group",
      members: [{ user: admin, status: "creator" }],
      botStatus: "left",
    });
    const join = h.fake.myChatMember(group, admin, "left", "member");
    h.fake.pushUpdate(join);
    h.fake.myChatMember(group, admin, "member", "administrator");
    await settled(h, group, admin);
    expect(h.fake.sent(group.id).filter((m) => m.text.includes("/subscribe@"))).toHaveLength(1);

    const subscribed = h.fake.addChat({
      type: "supergroup",
      title: "Invented upgraded group",
      members: [{ user: admin, status: "creator" }],
      botStatus: "left",
    });
    await subscribedGroup(h, subscribed as Chat.SupergroupChat);
    h.fake.myChatMember(subscribed, admin, "left", "member");
    await settled(h, subscribed, admin);
    expect(h.fake.sent(subscribed.id)).toHaveLength(1);
    expect((await h.chats.get(subscribed.id))?.status).toBe("active");
    expect(h.failures()).toEqual([]);
  });

  it("keeps the group's title when it is renamed", async () => {
    const h = await start();
    const admin = h.fake.addUser();
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Invented old name",
      members: [{ user: admin, status: "creator" }],
    });
    await h.chats.ensure(group.id, { kind: "supergroup", title: "Invented old name" });
    const renamed = textMessage(
      { ...(group as Chat.SupergroupChat), title: "Invented new name" },
      admin,
      "",
    );
    const { text: _text, ...service } = renamed;
    h.fake.pushUpdate({ message: { ...service, new_chat_title: "Invented new name" } } as Update);
    await waitFor(async () => (await h.chats.get(group.id))?.title === "Invented new name", {
      message: "the new title stored",
    });
  });
});

describe("who speaks in a group", () => {
  it("ignores another bot's commands but answers an anonymous admin's", async () => {
    const h = await start();
    await h.articles.put(invented(0));
    const member = h.fake.addUser();
    const group = h.fake.addChat({ type: "supergroup", title: "Invented bots' group" });
    const otherBot = h.fake.addUser({ is_bot: true, first_name: "Other", username: "other_bot" });
    const name = h.fake.bot.username;
    h.fake.pushUpdate(messageUpdate(textMessage(group, otherBot, `/latest@${name} 1`)));
    h.fake.pushUpdate(
      messageUpdate(textMessage(group, undefined, `/help@${name}`, { senderChat: group })),
    );
    const reply = await h.fake.waitForMessage(group.id);
    expect(reply.text).toContain("/latest");
    await settled(h, group, member);
    expect(h.fake.sent(group.id).some((m) => m.text.includes("Invented group headline"))).toBe(
      false,
    );
  });
});

describe("forum topics and who may subscribe", () => {
  function buttons(message: SentMessage): string[] {
    const markup = message.reply_markup as InlineKeyboardMarkup | undefined;
    return (markup?.inline_keyboard ?? [])
      .flat()
      .map((b) => ("callback_data" in b ? (b.callback_data ?? "") : ""));
  }

  async function step(h: BotHarness, user: User, menu: SentMessage, data: string, next: string) {
    h.fake.pressButton(menu, user, data);
    await waitFor(() => buttons(menu).includes(next), { message: `the menu after ${data}` });
  }

  it("/subscribe in a forum topic makes the digest go to that topic", async () => {
    const h = await start();
    await h.articles.put(invented(1));
    const admin = h.fake.addUser();
    const member = h.fake.addUser();
    const forum = h.fake.addChat({
      type: "supergroup",
      title: "Invented forum",
      is_forum: true,
      members: [{ user: admin, status: "creator" }, member],
    });
    const news = h.fake.addTopic(forum.id, "News");
    const name = h.fake.bot.username;

    h.fake.sendText(forum, admin, `/subscribe@${name}`, { threadId: news });
    const menu = await h.fake.waitForMessage(forum.id, (m) => buttons(m).includes("sub:t:done"));
    expect(menu.message_thread_id).toBe(news);
    await step(h, admin, menu, "sub:t:done", "sub:s:custom");
    await step(h, admin, menu, "sub:s:morning", "sub:z:other");
    await step(h, admin, menu, "sub:z:Europe/Kyiv", "sub:c:ok");
    h.fake.pressButton(menu, admin, "sub:c:ok");
    await waitFor(async () => (await h.chats.get(forum.id))?.status === "active", {
      message: "the forum subscribed",
    });
    expect((await h.chats.get(forum.id))?.threadId).toBe(news);

    const before = h.fake.sent(forum.id).length;
    h.fake.sendText(forum, member, `/digest@${name}`);
    const digest = await h.fake.waitForMessage(
      forum.id,
      (m) => m.text.includes("Invented group headline 1"),
      { sinceIndex: before },
    );
    expect(digest.message_thread_id).toBe(news);
  });

  it("only admins may subscribe a group, while any member may ask /latest and /digest", async () => {
    const h = await start();
    await h.articles.put(invented(1));
    const admin = h.fake.addUser();
    const member = h.fake.addUser({ language_code: "uk" });
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Invented open group",
      members: [{ user: admin, status: "creator" }, member],
    });
    const name = h.fake.bot.username;

    h.fake.sendText(group, member, `/subscribe@${name}`);
    const refused = await h.fake.waitForMessage(group.id);
    expect(refused.text).toBe("Лише адміністратори цієї групи можуть змінювати її підписку.");

    h.fake.sendText(group, member, `/latest@${name} 1`);
    await h.fake.waitForMessage(group.id, (m) => m.text.includes("Invented group headline 1"));
    h.fake.sendText(group, member, `/digest@${name}`);
    await waitFor(() =>
      h.fake.sent(group.id).filter((m) => m.text.includes("Invented group headline 1")).length === 2
        ? true
        : undefined,
    );
    expect((await h.chats.get(group.id))?.status).not.toBe("active");
  });

  it("an admin re-running /subscribe is told the group is subscribed already, not the admin", async () => {
    const h = await start();
    const admin = h.fake.addUser({ language_code: "uk" });
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Invented subscribed group",
      members: [{ user: admin, status: "creator" }],
    });
    await subscribedGroup(h, group as Chat.SupergroupChat);
    await h.chats.updateSettings(group.id, { lang: "uk" });
    h.fake.sendText(group, admin, `/subscribe@${h.fake.bot.username}`);
    const menu = await h.fake.waitForMessage(group.id);
    expect(menu.text).toContain("Підписку вже оформлено — змініть що потрібно й підтвердьте.");
    expect(menu.text).not.toContain("Ви вже підписані");
  });
});

describe("a reader blocking the bot", () => {
  it("blocked -> blocked and out of the schedule; unblocked -> paused", async () => {
    const h = await start();
    const reader = h.fake.addUser();
    await h.chats.ensure(reader.id, { kind: "private" });
    await h.chats.setStatus(reader.id, "active");

    h.fake.myChatMember(reader.id, reader, "member", "kicked");
    await waitFor(async () => (await h.chats.get(reader.id))?.status === "blocked", {
      message: "the chat marked blocked",
    });
    expect(await scheduled(h, reader.id)).toBe(false);

    h.fake.myChatMember(reader.id, reader, "kicked", "member");
    await waitFor(async () => (await h.chats.get(reader.id))?.status === "paused", {
      message: "the chat marked paused",
    });
    expect(h.fake.sent(reader.id)).toEqual([]);
    expect(h.failures()).toEqual([]);
  });

  it("keeps nothing for a reader it never knew", async () => {
    const h = await start();
    const reader = h.fake.addUser();
    h.fake.myChatMember(reader.id, reader, "member", "kicked");
    h.fake.myChatMember(reader.id, reader, "kicked", "member");
    h.fake.sendText(reader.id, reader, "/help");
    await h.fake.waitForMessage(reader.id);
    expect(await h.chats.get(reader.id)).toBeUndefined();
  });
});

describe("a group upgraded to a supergroup", () => {
  async function upgraded(h: Started) {
    const admin = h.fake.addUser();
    const group = h.fake.addChat({
      type: "group",
      title: "Invented basic group",
      members: [{ user: admin, status: "creator" }],
    }) as Chat.GroupChat;
    await subscribedGroup(h, group);
    const due = await h.redis.zscore(h.keys.schedule(), String(group.id));
    const migration = h.fake.migrateChat(group.id, undefined, { by: admin });
    return { admin, group, due, migration };
  }

  async function expectMoved(h: Started, oldId: number, newId: number, due: string | null) {
    const moved = await waitFor(
      async () => {
        const [from, to] = await Promise.all([h.chats.get(oldId), h.chats.get(newId)]);
        return from === undefined && to ? to : undefined;
      },
      { message: "the chat moved to the supergroup id" },
    );
    expect(moved).toMatchObject({
      id: newId,
      kind: "supergroup",
      title: "Invented basic group",
      status: "active",
      times: ["07:30", "19:00"],
      topics: ["kursk"],
      cursor: NOW - 5 * HOUR,
    });
    expect(await h.redis.zscore(h.keys.schedule(), String(newId))).toBe(due);
    expect(await scheduled(h, oldId)).toBe(false);
  }

  it("moves the subscription when migrate_to arrives first", async () => {
    const h = await start();
    const { group, due, migration } = await upgraded(h);
    expect(due).not.toBeNull();
    h.fake.pushUpdate(migration.updates[0]);
    h.fake.pushUpdate(migration.updates[1]);
    await expectMoved(h, group.id, migration.chat.id, due);
    expect(h.failures()).toEqual([]);
  });

  it("moves the subscription when migrate_from arrives first", async () => {
    const h = await start();
    const { group, due, migration } = await upgraded(h);
    h.fake.pushUpdate(migration.updates[1]);
    await expectMoved(h, group.id, migration.chat.id, due);
    h.fake.pushUpdate(migration.updates[0]);
    await waitFor(() => logged(h, "group upgraded to a supergroup") === 2, {
      message: "both migration messages handled",
    });
    await expectMoved(h, group.id, migration.chat.id, due);
    expect(h.failures()).toEqual([]);
  });

  it("is idempotent when both messages arrive twice, with the join in between", async () => {
    const h = await start();
    const { admin, group, due, migration } = await upgraded(h);
    const [to, from] = migration.updates;
    h.fake.pushUpdate(from);
    h.fake.myChatMember(migration.chat, admin, "left", "member");
    h.fake.pushUpdate(to);
    h.fake.pushUpdate(from);
    h.fake.pushUpdate(to);
    await settled(h, migration.chat, admin);
    await waitFor(() => logged(h, "group upgraded to a supergroup") === 4, {
      message: "every migration message handled",
    });
    await expectMoved(h, group.id, migration.chat.id, due);
    expect(h.fake.sent(migration.chat.id).filter((m) => m.text.includes("/subscribe@"))).toEqual(
      [],
    );
    expect(h.failures()).toEqual([]);
  });

  it("accepts migrate_from sent on behalf of the group by Telegram's anonymous bot", async () => {
    const h = await start();
    const { group, due, migration } = await upgraded(h);
    const from = migration.updates[1].message;
    if (!from) throw new Error("the migration has no migrate_from message");
    const anonymous = textMessage(migration.chat, undefined, "", { senderChat: migration.chat });
    h.fake.pushUpdate({
      message: { ...from, from: anonymous.from, sender_chat: migration.chat },
    } as Update);
    await expectMoved(h, group.id, migration.chat.id, due);
  });

  it("answers /digest in the new supergroup from where the old group left off", async () => {
    const h = await start();
    const { admin, migration } = await upgraded(h);
    await h.articles.put(invented(1));
    await h.articles.put(invented(8));
    h.fake.pushUpdate(migration.updates[0]);
    h.fake.pushUpdate(migration.updates[1]);
    await waitFor(async () => (await h.chats.get(migration.chat.id))?.status === "active");

    h.fake.sendText(migration.chat, admin, `/digest@${h.fake.bot.username}`);
    const digest = await h.fake.waitForMessage(migration.chat.id);
    expect(digest.text).toContain("Invented group headline 1");
    expect(digest.text).not.toContain("Invented group headline 8");
  });
});
