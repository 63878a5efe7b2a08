import type { Chat, InlineKeyboardMarkup, Update, User } from "grammy/types";
import { describe, expect, it } from "vitest";
import { localTime } from "../../src/chats/next-due.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";

const HOUR = 3_600_000;

function buttons(message: SentMessage): { text: string; data: string }[] {
  const markup = message.reply_markup as InlineKeyboardMarkup | undefined;
  return (markup?.inline_keyboard ?? [])
    .flat()
    .flatMap((b) =>
      "callback_data" in b && b.callback_data ? [{ text: b.text, data: b.callback_data }] : [],
    );
}

function hasButton(message: SentMessage, data: string): boolean {
  return buttons(message).some((b) => b.data === data);
}

/** Presses a button of `menu` and waits until the menu shows what `until` looks for. */
async function press(
  h: BotHarness,
  menu: SentMessage,
  from: User,
  data: string,
  until: (menu: SentMessage) => boolean,
): Promise<void> {
  h.fake.pressButton(menu, from, data);
  await waitFor(() => until(menu), { message: `the menu after pressing ${data}` });
}

const showsText = (text: string) => (m: SentMessage) => m.text.includes(text);

interface Choice {
  topics: string[];
  preset: string;
  zone: string;
}

/** Walks /subscribe from the first menu to the confirmation, pressing `choice`'s buttons. */
async function chooseUpToConfirm(
  h: BotHarness,
  menu: SentMessage,
  from: User,
  choice: Choice,
): Promise<void> {
  for (const topic of choice.topics) {
    await press(h, menu, from, `sub:t:+${topic}`, (m) => hasButton(m, `sub:t:-${topic}`));
  }
  await press(h, menu, from, "sub:t:done", (m) => hasButton(m, "sub:s:custom"));
  await press(h, menu, from, `sub:s:${choice.preset}`, (m) => hasButton(m, "sub:z:other"));
  await press(h, menu, from, `sub:z:${choice.zone}`, (m) => hasButton(m, "sub:c:ok"));
}

async function openMenu(
  h: BotHarness,
  chat: Chat | number,
  from: User,
  options: Parameters<BotHarness["fake"]["sendText"]>[3] = {},
): Promise<SentMessage> {
  const chatId = typeof chat === "number" ? chat : chat.id;
  const since = h.fake.sent(chatId).length;
  h.fake.sendText(chat, from, "/subscribe", options);
  return h.fake.waitForMessage(chatId, (m) => hasButton(m, "sub:t:done"), { sinceIndex: since });
}

async function nextMessage(
  h: BotHarness,
  chatId: number,
  since: number,
  predicate: (m: SentMessage) => boolean = () => true,
): Promise<SentMessage> {
  return h.fake.waitForMessage(chatId, predicate, { sinceIndex: since });
}

async function conversationStored(h: BotHarness, chatId: number): Promise<boolean> {
  return (await h.redis.exists(h.keys.conversation(String(chatId)))) === 1;
}

/** The conversation's state is deleted once the update that ended it is fully handled. */
async function conversationGone(h: BotHarness, chatId: number): Promise<true> {
  return waitFor(async () => !(await conversationStored(h, chatId)), {
    message: "the conversation state to be deleted",
  });
}

async function subscribed(h: BotHarness, chatId: number) {
  return waitFor(async () => {
    const chat = await h.chats.get(chatId);
    return chat?.status === "active" ? chat : undefined;
  });
}

describe("/subscribe in a private chat", () => {
  it("offers the news languages at the confirmation, both by default for a Ukrainian reader", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "uk" });
    const menu = await openMenu(h, user.id, user);
    await chooseUpToConfirm(h, menu, user, { topics: [], preset: "twice", zone: "Europe/Kyiv" });
    expect(menu.text).toContain("Новини: українською та англійською");
    expect(buttons(menu).find((b) => b.data === "sub:n:en,uk")?.text).toBe(
      "✅ українською та англійською",
    );
    await press(h, menu, user, "sub:n:uk", showsText("Новини: українською\n"));
    await press(h, menu, user, "sub:c:ok", (m) => m.reply_markup === undefined);
    const chat = await subscribed(h, user.id);
    expect(chat.news).toEqual(["uk"]);
  });

  it("walks topics, times and zone in English and stores the subscription and its schedule", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "en" });
    const menu = await openMenu(h, user.id, user);
    expect(menu.text).toContain("Step 1 of 3");
    expect(buttons(menu).find((b) => b.data === "sub:t:all")?.text).toBe("✅ All topics");

    await press(h, menu, user, "sub:t:+kursk", (m) => hasButton(m, "sub:t:-kursk"));
    expect(buttons(menu).find((b) => b.data === "sub:t:-kursk")?.text).toBe("✅ Kursk");
    expect(buttons(menu).find((b) => b.data === "sub:t:all")?.text).toBe("All topics");
    await press(h, menu, user, "sub:t:+air-war", (m) => hasButton(m, "sub:t:-air-war"));
    await press(h, menu, user, "sub:t:done", showsText("Step 2 of 3"));
    await press(h, menu, user, "sub:s:twice", showsText("Step 3 of 3"));
    await press(h, menu, user, "sub:z:Europe/Berlin", showsText("Check and confirm"));
    expect(menu.text).toContain("Topics: Kursk, Air war");
    expect(menu.text).toContain("Times: 08:00, 20:00");
    expect(menu.text).toContain("Time zone: Europe/Berlin");
    expect(menu.text).toMatch(/Next digest: .*(08|20):00 \(Europe\/Berlin\)/);

    const before = Date.now();
    await press(h, menu, user, "sub:c:ok", showsText("Subscribed."));
    expect(menu.reply_markup).toBeUndefined();
    const chat = await subscribed(h, user.id);
    expect(chat).toMatchObject({
      kind: "private",
      status: "active",
      topics: ["air-war", "kursk"],
      times: ["08:00", "20:00"],
      tz: "Europe/Berlin",
      lang: "en",
      cursor: 0,
    });
    expect(chat.lastDeliveryAt).toBeUndefined();
    const due = Number(await h.redis.zscore(h.keys.schedule(), String(user.id)));
    expect(due).toBeGreaterThan(before);
    expect(due - before).toBeLessThanOrEqual(12 * HOUR);
    expect(["08:00", "20:00"]).toContain(localTime("Europe/Berlin", due));
    expect(menu.text).toContain(`${localTime("Europe/Berlin", due)} (Europe/Berlin)`);
    await conversationGone(h, user.id);
    expect(h.fake.openCallbackQueries.size).toBe(0);
  });

  it("speaks Ukrainian to a Ukrainian user and stores the chat's language", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser({ language_code: "uk" });
    const menu = await openMenu(h, user.id, user);
    expect(menu.text).toContain("Крок 1 з 3 — Теми");
    expect(buttons(menu).find((b) => b.data === "sub:t:+kursk")?.text).toContain("Курщина");
    await press(h, menu, user, "sub:t:+kursk", (m) => hasButton(m, "sub:t:-kursk"));
    await press(h, menu, user, "sub:t:done", showsText("Крок 2 з 3"));
    expect(buttons(menu).map((b) => b.text)).toContain("Тричі 08:00 / 14:00 / 20:00");
    await press(h, menu, user, "sub:s:three", showsText("Крок 3 з 3"));
    expect(buttons(menu).find((b) => b.data === "sub:z:Europe/Kyiv")?.text).toBe("✅ Київ");
    await press(h, menu, user, "sub:z:Europe/Kyiv", showsText("Перевірте й підтвердьте"));
    expect(menu.text).toContain("Теми: Курщина");
    expect(menu.text).toContain("Наступний дайджест:");
    await press(h, menu, user, "sub:c:ok", showsText("Підписку оформлено."));
    expect(await subscribed(h, user.id)).toMatchObject({
      topics: ["kursk"],
      times: ["08:00", "14:00", "20:00"],
      tz: "Europe/Kyiv",
      lang: "uk",
    });
    expect(await h.redis.zscore(h.keys.schedule(), String(user.id))).not.toBeNull();
  });

  it("asks again for custom times until they are valid", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const menu = await openMenu(h, user.id, user);
    await press(h, menu, user, "sub:t:done", showsText("Step 2 of 3"));
    await press(h, menu, user, "sub:s:custom", showsText("Your own times"));

    let since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "25:00, 7:30");
    const retry = await nextMessage(h, user.id, since);
    expect(retry.text).toContain("25:00 is not a time");
    expect(retry.text).toContain("Send up to 6 times of day");

    since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "7:30, 19:00");
    const zoneMenu = await nextMessage(h, user.id, since, showsText("Step 3 of 3"));
    expect(zoneMenu.text).toContain("07:30, 19:00");
    expect(menu.reply_markup).toBeUndefined();
    await press(h, zoneMenu, user, "sub:z:Europe/Kyiv", showsText("Check and confirm"));
    await press(h, zoneMenu, user, "sub:c:ok", showsText("Subscribed."));
    expect(await subscribed(h, user.id)).toMatchObject({ times: ["07:30", "19:00"], topics: [] });
  });

  it("takes a typed time zone after refusing one that does not exist", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const menu = await openMenu(h, user.id, user);
    await press(h, menu, user, "sub:t:done", showsText("Step 2 of 3"));
    await press(h, menu, user, "sub:s:morning", showsText("Step 3 of 3"));
    await press(h, menu, user, "sub:z:other", showsText("Send a city"));

    let since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "Mars/Phobos");
    const retry = await nextMessage(h, user.id, since);
    expect(retry.text).toContain(
      "Mars/Phobos is not a time zone — send a city like Kyiv or a zone like Europe/Berlin",
    );

    since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "Toronto");
    const confirm = await nextMessage(h, user.id, since, showsText("Check and confirm"));
    expect(confirm.text).toContain("Time zone: America/Toronto");
    await press(h, confirm, user, "sub:c:ok", showsText("Subscribed."));
    expect(await subscribed(h, user.id)).toMatchObject({ tz: "America/Toronto", times: ["08:00"] });
  });

  it("a double press on a topic selects it once and the menu shows the true state", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const menu = await openMenu(h, user.id, user);
    const answered = h.fake.callbackAnswers.length;
    h.fake.pressButton(menu, user, "sub:t:+kursk");
    h.fake.pressButton(menu, user, "sub:t:+kursk");
    await waitFor(() => h.fake.callbackAnswers.length === answered + 2, {
      message: "both presses answered",
    });
    expect(hasButton(menu, "sub:t:-kursk")).toBe(true);
    expect(hasButton(menu, "sub:t:+kursk")).toBe(false);
    expect(menu.history).toHaveLength(1);

    await press(h, menu, user, "sub:t:done", showsText("Step 2 of 3"));
    await press(h, menu, user, "sub:s:morning", showsText("Step 3 of 3"));
    await press(h, menu, user, "sub:z:Europe/Kyiv", showsText("Check and confirm"));
    expect(menu.text).toContain("Topics: Kursk\n");
    await press(h, menu, user, "sub:c:ok", showsText("Subscribed."));
    expect((await subscribed(h, user.id)).topics).toEqual(["kursk"]);
    expect(h.fake.internalErrors).toEqual([]);
  });

  it("survives a restart of the bot in the middle and completes", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const menu = await openMenu(h, user.id, user);
    await press(h, menu, user, "sub:t:+black-sea", (m) => hasButton(m, "sub:t:-black-sea"));
    await press(h, menu, user, "sub:t:done", showsText("Step 2 of 3"));
    await press(h, menu, user, "sub:s:twice", showsText("Step 3 of 3"));

    await h.restart();
    expect(await conversationStored(h, user.id)).toBe(true);

    await press(h, menu, user, "sub:z:Europe/Warsaw", showsText("Check and confirm"));
    expect(menu.text).toContain("Topics: Black Sea");
    await press(h, menu, user, "sub:c:ok", showsText("Subscribed."));
    expect(await subscribed(h, user.id)).toMatchObject({
      topics: ["black-sea"],
      times: ["08:00", "20:00"],
      tz: "Europe/Warsaw",
    });
  });

  it("/cancel leaves without changing anything", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const menu = await openMenu(h, user.id, user);
    await press(h, menu, user, "sub:t:+kursk", (m) => hasButton(m, "sub:t:-kursk"));

    let since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "/cancel");
    expect((await nextMessage(h, user.id, since)).text).toBe("Cancelled — nothing changed.");
    expect(menu.reply_markup).toBeUndefined();
    expect(await h.chats.get(user.id)).toBeUndefined();
    await conversationGone(h, user.id);

    since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "/cancel");
    expect((await nextMessage(h, user.id, since)).text).toBe("There is nothing to cancel.");
  });

  it("an idle conversation ends politely at the next message", async () => {
    let now = Date.parse("2024-12-17T09:00:00Z");
    const h = await startBotHarness({ deps: { clock: () => now, conversationIdleMs: 60_000 } });
    const user = h.fake.addUser();
    const menu = await openMenu(h, user.id, user);
    now += 50_000;
    await press(h, menu, user, "sub:t:+kursk", (m) => hasButton(m, "sub:t:-kursk"));

    now += 60_000;
    let since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "kursk please");
    expect((await nextMessage(h, user.id, since)).text).toBe(
      "That /subscribe timed out; send /subscribe to start again.",
    );
    expect(menu.reply_markup).toBeUndefined();
    await conversationGone(h, user.id);
    expect(await h.chats.get(user.id)).toBeUndefined();

    const again = await openMenu(h, user.id, user);
    now += 61_000;
    h.fake.pressButton(again, user, "sub:t:+kursk");
    const answer = await waitFor(() =>
      h.fake.callbackAnswers.find((a) => a.text?.includes("timed out")),
    );
    expect(answer.show_alert).toBe(true);

    since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "hello");
    h.fake.sendText(user.id, user, "/subscribe");
    expect(
      (await nextMessage(h, user.id, since, (m) => hasButton(m, "sub:t:done"))).text,
    ).toContain("Step 1 of 3");
  });

  it("answers unexpected input with a hint and lets another command end the setup", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    await openMenu(h, user.id, user);

    let since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "all of them");
    expect((await nextMessage(h, user.id, since)).text).toContain(
      "Choose topics with the buttons above",
    );

    since = h.fake.sent(user.id).length;
    const sticker: Update["message"] = {
      message_id: 90_001,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: "private", first_name: user.first_name },
      from: user,
      sticker: {
        file_id: "invented-sticker",
        file_unique_id: "invented-sticker",
        type: "regular",
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
      },
    };
    h.fake.pushUpdate({ message: sticker });
    expect((await nextMessage(h, user.id, since)).text).toContain(
      "Choose topics with the buttons above",
    );
    expect(await conversationStored(h, user.id)).toBe(true);

    since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "/latest");
    expect((await nextMessage(h, user.id, since)).text).toBe(
      "Subscription setup stopped — nothing changed.",
    );
    expect((await nextMessage(h, user.id, since + 1)).text).toContain("no articles yet");
    await conversationGone(h, user.id);
  });
});

describe("/unsubscribe", () => {
  it("pauses deliveries, keeps the settings, and /subscribe offers them again", async () => {
    const h = await startBotHarness();
    const user = h.fake.addUser();
    const first = await openMenu(h, user.id, user);
    await chooseUpToConfirm(h, first, user, {
      topics: ["kursk"],
      preset: "twice",
      zone: "Europe/Berlin",
    });
    await press(h, first, user, "sub:c:ok", showsText("Subscribed."));
    await subscribed(h, user.id);

    let since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "/unsubscribe");
    expect((await nextMessage(h, user.id, since)).text).toContain(
      "Unsubscribed — no more digests here",
    );
    expect(await h.chats.get(user.id)).toMatchObject({
      status: "paused",
      topics: ["kursk"],
      times: ["08:00", "20:00"],
      tz: "Europe/Berlin",
    });
    expect(await h.redis.zscore(h.keys.schedule(), String(user.id))).toBeNull();

    since = h.fake.sent(user.id).length;
    h.fake.sendText(user.id, user, "/unsubscribe");
    expect((await nextMessage(h, user.id, since)).text).toContain("isn't subscribed");

    const menu = await openMenu(h, user.id, user);
    expect(buttons(menu).find((b) => b.data === "sub:t:-kursk")?.text).toBe("✅ Kursk");
    await press(h, menu, user, "sub:t:done", showsText("Step 2 of 3"));
    const preset = buttons(menu).find((b) => b.text.startsWith("✅"));
    expect(preset?.data).toBe("sub:s:twice");
    await press(h, menu, user, "sub:s:twice", showsText("Step 3 of 3"));
    expect(buttons(menu).find((b) => b.text.startsWith("✅"))?.data).toBe("sub:z:Europe/Berlin");
    await press(h, menu, user, "sub:z:Europe/Berlin", showsText("Check and confirm"));
    await press(h, menu, user, "sub:c:ok", showsText("Subscribed."));
    expect(await subscribed(h, user.id)).toMatchObject({
      topics: ["kursk"],
      times: ["08:00", "20:00"],
      tz: "Europe/Berlin",
    });
  });
});

describe("/subscribe in groups", () => {
  it("refuses members who are not admins", async () => {
    const h = await startBotHarness();
    const member = h.fake.addUser();
    const group = h.fake.addChat({ type: "supergroup", title: "Readers", members: [member] });
    for (const command of ["/subscribe", "/unsubscribe"]) {
      const since = h.fake.sent(group.id).length;
      h.fake.sendText(group, member, command);
      expect((await nextMessage(h, group.id, since)).text).toBe(
        "Only this group's admins can change its subscription.",
      );
    }
    expect(await h.chats.get(group.id)).toBeUndefined();
  });

  it("follows the admin who started it: members' presses are refused, their commands still work", async () => {
    const h = await startBotHarness();
    const admin = h.fake.addUser();
    const member = h.fake.addUser();
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Readers",
      members: [{ user: admin, status: "administrator" }, member],
    });
    const menu = await openMenu(h, group, admin);

    h.fake.pressButton(menu, member, "sub:t:+kursk");
    const refusal = await waitFor(() =>
      h.fake.callbackAnswers.find((a) => a.text?.includes("Only the admin who started")),
    );
    expect(refusal.show_alert).toBe(true);
    expect(menu.history).toHaveLength(0);

    const since = h.fake.sent(group.id).length;
    h.fake.sendText(group, member, "/latest");
    expect((await nextMessage(h, group.id, since)).text).toContain("no articles yet");

    await chooseUpToConfirm(h, menu, admin, {
      topics: ["kursk"],
      preset: "morning",
      zone: "Europe/Kyiv",
    });
    await press(h, menu, admin, "sub:c:ok", showsText("Subscribed."));
    expect(await subscribed(h, group.id)).toMatchObject({
      kind: "supergroup",
      title: "Readers",
      topics: ["kursk"],
      times: ["08:00"],
    });
  });

  it("does not save for an admin who lost the rights while the menu was open", async () => {
    const h = await startBotHarness();
    const admin = h.fake.addUser();
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Readers",
      members: [{ user: admin, status: "administrator" }],
    });
    const menu = await openMenu(h, group, admin);
    await chooseUpToConfirm(h, menu, admin, { topics: [], preset: "morning", zone: "Europe/Kyiv" });
    h.fake.setMember(group.id, admin.id, "member");
    h.fake.pressButton(menu, admin, "sub:c:ok");
    const refusal = await waitFor(() =>
      h.fake.callbackAnswers.find(
        (a) => a.text === "Only this group's admins can change its subscription.",
      ),
    );
    expect(refusal.show_alert).toBe(true);
    await conversationGone(h, group.id);
    expect(menu.reply_markup).toBeUndefined();
    expect(await h.chats.get(group.id)).toBeUndefined();
  });

  it("lets an anonymous admin subscribe, with the group's admins pressing the buttons", async () => {
    const h = await startBotHarness();
    const admin = h.fake.addUser();
    const member = h.fake.addUser();
    const anonymous = h.fake.addUser({
      id: 1087968824,
      is_bot: true,
      first_name: "Group",
      username: "GroupAnonymousBot",
    });
    const group = h.fake.addChat({
      type: "supergroup",
      title: "Newsroom",
      members: [{ user: admin, status: "administrator" }, member],
    });
    const menu = await openMenu(h, group, anonymous, { senderChat: group });

    h.fake.pressButton(menu, member, "sub:t:+kursk");
    await waitFor(() =>
      h.fake.callbackAnswers.find((a) => a.text?.includes("Only the admin who started")),
    );
    await chooseUpToConfirm(h, menu, admin, {
      topics: ["air-war"],
      preset: "twice",
      zone: "Europe/London",
    });
    await press(h, menu, admin, "sub:c:ok", showsText("Subscribed."));
    expect(await subscribed(h, group.id)).toMatchObject({
      topics: ["air-war"],
      tz: "Europe/London",
    });
  });

  it("stores the forum topic /subscribe was sent in", async () => {
    const h = await startBotHarness();
    const admin = h.fake.addUser();
    const forum = h.fake.addChat({
      type: "supergroup",
      title: "Forum",
      is_forum: true,
      members: [{ user: admin, status: "administrator" }],
    });
    const topic = h.fake.addTopic(forum.id, "Digests");
    const menu = await openMenu(h, forum, admin, { threadId: topic });
    expect(menu.message_thread_id).toBe(topic);
    await chooseUpToConfirm(h, menu, admin, { topics: [], preset: "morning", zone: "Europe/Kyiv" });
    await press(h, menu, admin, "sub:c:ok", showsText("Subscribed."));
    expect(await subscribed(h, forum.id)).toMatchObject({ threadId: topic, kind: "supergroup" });
  });
});

describe("/subscribe for a linked channel", () => {
  it("subscribes the channel from the owner's private chat", async () => {
    const h = await startBotHarness();
    const owner = h.fake.addUser();
    const channel = h.fake.addChat({
      type: "channel",
      title: "Front Notes",
      username: "frontnotes",
      members: [{ user: owner, status: "creator" }],
    });
    let since = h.fake.sent(owner.id).length;
    h.fake.sendText(owner.id, owner, "/channel @frontnotes");
    const card = await nextMessage(h, owner.id, since, (m) =>
      hasButton(m, `chan:sub:${channel.id}`),
    );

    since = h.fake.sent(owner.id).length;
    h.fake.pressButton(card, owner, `chan:sub:${channel.id}`);
    const menu = await nextMessage(h, owner.id, since, (m) => hasButton(m, "sub:t:done"));
    expect(menu.text).toContain("Subscribing Front Notes");
    await chooseUpToConfirm(h, menu, owner, {
      topics: ["diplomacy"],
      preset: "three",
      zone: "America/New_York",
    });
    await press(h, menu, owner, "sub:c:ok", showsText("Front Notes is subscribed"));
    const chat = await subscribed(h, channel.id);
    expect(chat).toMatchObject({
      kind: "channel",
      topics: ["diplomacy"],
      times: ["08:00", "14:00", "20:00"],
      tz: "America/New_York",
      managers: [owner.id],
    });
    expect(chat.threadId).toBeUndefined();
    expect(await h.chats.get(owner.id)).toBeUndefined();
  });
});
