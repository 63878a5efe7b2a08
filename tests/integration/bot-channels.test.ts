import type { Chat, InlineKeyboardMarkup, User } from "grammy/types";
import { describe, expect, it } from "vitest";
import { parseChannelRef } from "../../src/bot/features/channels.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";
import { channelPostUpdate, chatMember, myChatMemberUpdate } from "../support/updates.ts";
import { waitFor } from "../support/wait-for.ts";

const NOW = Date.parse("2024-12-17T05:00:00Z"); // 07:00 in Kyiv, an hour before the default 08:00

async function start(): Promise<BotHarness> {
  return startBotHarness({ now: NOW });
}

function buttons(message: SentMessage): string[] {
  const markup = message.reply_markup as InlineKeyboardMarkup | undefined;
  return (markup?.inline_keyboard ?? [])
    .flat()
    .map((b) => ("callback_data" in b ? (b.callback_data ?? "") : ""));
}

/** Sends `text` in the user's private chat and returns the bot's next message there. */
async function ask(h: BotHarness, user: User, text: string): Promise<SentMessage> {
  const before = h.fake.sent(user.id).length;
  h.fake.sendText(user.id, user, text);
  return h.fake.waitForMessage(user.id, () => true, { sinceIndex: before });
}

async function press(h: BotHarness, user: User, message: SentMessage, data: string) {
  const answered = h.fake.callbackAnswers.length;
  h.fake.pressButton(message, user, data);
  await waitFor(() => h.fake.callbackAnswers.length > answered, {
    message: `an answer to ${data}`,
  });
  return h.fake.callbackAnswers[answered];
}

/** A channel the user owns and the bot administers, with permission to post. */
function ownedChannel(h: BotHarness, owner: User, fields: { title: string; username?: string }) {
  return h.fake.addChat({
    type: "channel",
    ...fields,
    members: [{ user: owner, status: "creator" }],
  }) as Chat.ChannelChat;
}

describe("parseChannelRef", () => {
  it("reads @names, bare names, t.me links and ids, and nothing else", () => {
    expect(parseChannelRef("@invented_news")).toBe("@invented_news");
    expect(parseChannelRef("invented_news")).toBe("@invented_news");
    expect(parseChannelRef("https://t.me/invented_news")).toBe("@invented_news");
    expect(parseChannelRef("t.me/invented_news/")).toBe("@invented_news");
    expect(parseChannelRef(" -1001234567890 ")).toBe(-1001234567890);
    for (const bad of ["", "@ab", "hello world", "https://t.me/+AbCdEf", "12345", "@1abc"]) {
      expect(parseChannelRef(bad)).toBeUndefined();
    }
  });
});

describe("linking a channel", () => {
  it("links a channel by @name and offers Subscribe and Settings", async () => {
    const h = await start();
    const owner = h.fake.addUser({ language_code: "en" });
    const channel = ownedChannel(h, owner, {
      title: "Invented <News>",
      username: "invented_news",
    });

    const reply = await ask(h, owner, "/channel @invented_news");
    expect(reply.text).toContain("Invented <News> is linked");
    expect(reply.html).toContain("<b>Invented &lt;News&gt;</b>");
    expect(buttons(reply)).toEqual([`chan:sub:${channel.id}`, `chan:set:${channel.id}`]);
    expect(await h.chats.get(channel.id)).toMatchObject({
      kind: "channel",
      title: "Invented <News>",
      status: "paused",
      lang: "en",
      managers: [owner.id],
    });
    expect((await h.chats.listManagedBy(owner.id)).map((c) => c.id)).toEqual([channel.id]);
  });

  it("links a channel from a forwarded post, in Ukrainian", async () => {
    const h = await start();
    const owner = h.fake.addUser({ language_code: "uk" });
    const channel = ownedChannel(h, owner, { title: "Вигаданий канал" });

    h.fake.forwardFromChannel(owner.id, owner, channel, "Вигаданий допис");
    const reply = await h.fake.waitForMessage(owner.id);
    expect(reply.text).toContain("Канал Вигаданий канал під'єднано");
    expect(buttons(reply)).toContain(`chan:sub:${channel.id}`);
    expect(await h.chats.get(channel.id)).toMatchObject({ lang: "uk", managers: [owner.id] });
  });

  it("an admin who isn't the creator may link it too, and a second link adds a manager", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const editor = h.fake.addUser();
    const channel = ownedChannel(h, owner, { title: "Invented shared", username: "inv_shared" });
    h.fake.setMember(channel.id, editor.id, "administrator");

    await ask(h, owner, "/channel @inv_shared");
    await ask(h, editor, "/channel https://t.me/inv_shared");
    expect((await h.chats.get(channel.id))?.managers).toEqual(
      [owner.id, editor.id].sort((a, b) => a - b),
    );
  });

  it("explains a missing name and a name that is not a channel", async () => {
    const h = await start();
    const user = h.fake.addUser();
    h.fake.addChat({ type: "supergroup", title: "Invented group", username: "invented_group" });

    expect((await ask(h, user, "/channel")).text).toContain("Send /channel @channelname");
    expect((await ask(h, user, "/channel what is this")).text).toContain("Send /channel");
    expect((await ask(h, user, "/channel @no_such_channel")).text).toBe(
      "I can't find @no_such_channel — check the name, and add me to the channel as an admin first.",
    );
    expect((await ask(h, user, "/channel @invented_group")).text).toContain(
      "@invented_group is a group, not a channel. Add me to the group and send /subscribe@frontline_digest_bot there.",
    );
  });

  it("refuses when the bot may not post in the channel", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const notIn = h.fake.addChat({
      type: "channel",
      title: "Invented without bot",
      username: "inv_without",
      members: [{ user: owner, status: "creator" }],
      botStatus: "left",
    });
    const noPosting = h.fake.addChat({
      type: "channel",
      title: "Invented read only",
      username: "inv_readonly",
      members: [{ user: owner, status: "creator" }],
      botRights: { can_post_messages: false },
    });

    for (const [name, title] of [
      ["@inv_without", "Invented without bot"],
      ["@inv_readonly", "Invented read only"],
    ]) {
      const reply = await ask(h, owner, `/channel ${name}`);
      expect(reply.text).toContain(`I'm not an admin of ${title} allowed to post messages`);
    }
    expect(await h.chats.get(notIn.id)).toBeUndefined();
    expect(await h.chats.get(noPosting.id)).toBeUndefined();
  });

  it("refuses a user who is not an admin of the channel, also from a forward", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const reader = h.fake.addUser({ language_code: "uk" });
    const channel = ownedChannel(h, owner, { title: "Invented owned", username: "inv_owned" });
    h.fake.setMember(channel.id, reader.id, "member");

    const reply = await ask(h, reader, "/channel @inv_owned");
    expect(reply.text).toBe(
      "Під'єднати канал Invented owned можуть лише його адміністратори, а ви не серед них.",
    );
    const before = h.fake.sent(reader.id).length;
    h.fake.forwardFromChannel(reader.id, reader, channel, "Invented post");
    const again = await h.fake.waitForMessage(reader.id, () => true, { sinceIndex: before });
    expect(again.text).toContain("лише його адміністратори");
    expect(await h.chats.get(channel.id)).toBeUndefined();
  });

  it("re-linking a channel the bot had left makes it paused again", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const channel = ownedChannel(h, owner, { title: "Invented return", username: "inv_return" });
    await ask(h, owner, "/channel @inv_return");
    await h.chats.setStatus(channel.id, "left");

    await ask(h, owner, "/channel @inv_return");
    expect((await h.chats.get(channel.id))?.status).toBe("paused");
  });
});

describe("commands posted in a channel", () => {
  it("are not answered: a reply would reach every subscriber of the channel", async () => {
    const h = await start();
    try {
      const owner = h.fake.addUser({ first_name: "Olena" });
      const channel = ownedChannel(h, owner, { title: "Wire", username: "wire_news" });
      for (const text of ["/latest", "/help", "/start", "/digest"]) {
        await h.bot.handleUpdate(channelPostUpdate(channel, text));
      }
      expect(h.fake.sent(channel.id)).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});

describe("/channels", () => {
  async function twoChannels(h: BotHarness, owner: User) {
    const active = ownedChannel(h, owner, { title: "Invented active", username: "inv_active" });
    const paused = ownedChannel(h, owner, { title: "Invented paused", username: "inv_paused" });
    await ask(h, owner, "/channel @inv_active");
    await ask(h, owner, "/channel @inv_paused");
    await h.chats.setStatus(active.id, "active");
    return { active, paused };
  }

  async function list(h: BotHarness, owner: User, count: number): Promise<SentMessage[]> {
    const before = h.fake.sent(owner.id).length;
    h.fake.sendText(owner.id, owner, "/channels");
    await waitFor(() => h.fake.sent(owner.id).length >= before + count + 1, {
      message: "the channel list",
    });
    return h.fake.sent(owner.id).slice(before);
  }

  it("says how to link one when there is none", async () => {
    const h = await start();
    const user = h.fake.addUser();
    expect((await ask(h, user, "/channels")).text).toContain("You haven't linked a channel yet");
  });

  it("lists each channel with its status, next digest and buttons", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const { active, paused } = await twoChannels(h, owner);

    const [header, first, second] = await list(h, owner, 2);
    expect(header?.text).toBe("Your channels: 2");
    expect(first?.text).toBe(
      "Invented active\n✅ Subscribed — next digest Tue 17 Dec, 08:00 (Europe/Kyiv)",
    );
    expect(buttons(first as SentMessage)).toEqual([
      `chan:off:${active.id}`,
      `chan:set:${active.id}`,
      `chan:unlink:${active.id}`,
    ]);
    expect(second?.text).toBe("Invented paused\n⏸ Not subscribed");
    expect(buttons(second as SentMessage)).toEqual([
      `chan:sub:${paused.id}`,
      `chan:set:${paused.id}`,
      `chan:unlink:${paused.id}`,
    ]);
  });

  it("lists in Ukrainian for a Ukrainian reader", async () => {
    const h = await start();
    const owner = h.fake.addUser({ language_code: "uk" });
    await twoChannels(h, owner);
    const [header, first] = await list(h, owner, 2);
    expect(header?.text).toBe("Ваші канали: 2");
    expect(first?.text).toContain("✅ Підписано — наступний дайджест");
  });

  it("Unsubscribe pauses the channel and updates its card", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const { active } = await twoChannels(h, owner);
    const [, card] = await list(h, owner, 2);

    const answer = await press(h, owner, card as SentMessage, `chan:off:${active.id}`);
    expect(answer?.text).toBe("Unsubscribed. The settings are kept.");
    expect((await h.chats.get(active.id))?.status).toBe("paused");
    expect(await h.redis.zscore(h.keys.schedule(), String(active.id))).toBeNull();
    const edited = await waitFor(() =>
      h.fake.sent(owner.id).find((m) => m.message_id === card?.message_id && m.history.length > 0),
    );
    expect(edited.text).toBe("Invented active\n⏸ Not subscribed");
    expect(buttons(edited)[0]).toBe(`chan:sub:${active.id}`);
  });

  it("Unlink forgets the channel for this user and stops it when nobody manages it", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const { active } = await twoChannels(h, owner);
    const [, card] = await list(h, owner, 2);

    await press(h, owner, card as SentMessage, `chan:unlink:${active.id}`);
    const edited = await waitFor(() =>
      h.fake.sent(owner.id).find((m) => m.message_id === card?.message_id && m.history.length > 0),
    );
    expect(edited.text).toContain("Invented active is unlinked");
    expect(edited.text).toContain("its digests stopped");
    expect(buttons(edited)).toEqual([]);
    expect(await h.chats.get(active.id)).toMatchObject({ managers: [], status: "paused" });
    expect((await h.chats.listManagedBy(owner.id)).map((c) => c.title)).toEqual([
      "Invented paused",
    ]);
  });

  it("a press on an old message of an unlinked channel is refused", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    ownedChannel(h, owner, { title: "Invented old", username: "inv_old" });
    const linked = await ask(h, owner, "/channel @inv_old");
    const [, card] = await list(h, owner, 1);
    const id = Number(buttons(linked)[0]?.split(":")[2]);
    await press(h, owner, card as SentMessage, `chan:unlink:${id}`);

    const answer = await press(h, owner, linked, `chan:sub:${id}`);
    expect(answer).toMatchObject({ show_alert: true });
    expect(answer?.text).toContain("isn't linked to your chat");
  });

  it("re-checks admin rights: a manager who lost them is told and unlinked", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const { active } = await twoChannels(h, owner);
    const [, card] = await list(h, owner, 2);
    h.fake.setMember(active.id, owner.id, "member");

    const answer = await press(h, owner, card as SentMessage, `chan:off:${active.id}`);
    expect(answer).toMatchObject({
      show_alert: true,
      text: "You are no longer an admin of Invented active, so I unlinked it from your chat.",
    });
    expect(await h.chats.get(active.id)).toMatchObject({ status: "active", managers: [] });
  });
});

describe("subscribing a linked channel and its settings", () => {
  /** Presses `data` under `menu` and waits until the (edited) menu offers `next`. */
  async function step(h: BotHarness, user: User, menu: SentMessage, data: string, next: string) {
    h.fake.pressButton(menu, user, data);
    await waitFor(() => buttons(menu).includes(next), { message: `the menu after ${data}` });
  }

  it("Subscribe walks the owner through the choices and makes the channel active", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const channel = ownedChannel(h, owner, { title: "Invented target", username: "inv_target" });
    const linked = await ask(h, owner, "/channel @inv_target");

    const before = h.fake.sent(owner.id).length;
    await press(h, owner, linked, `chan:sub:${channel.id}`);
    const menu = await h.fake.waitForMessage(owner.id, (m) => buttons(m).includes("sub:t:done"), {
      sinceIndex: before,
    });
    expect(menu.text).toContain("Subscribing Invented target");
    await step(h, owner, menu, "sub:t:+kursk", "sub:t:-kursk");
    await step(h, owner, menu, "sub:t:done", "sub:s:custom");
    await step(h, owner, menu, "sub:s:twice", "sub:z:other");
    await step(h, owner, menu, "sub:z:Europe/Kyiv", "sub:c:ok");
    h.fake.pressButton(menu, owner, "sub:c:ok");

    const chat = await waitFor(async () => {
      const stored = await h.chats.get(channel.id);
      return stored?.status === "active" ? stored : undefined;
    });
    expect(chat).toMatchObject({
      kind: "channel",
      topics: ["kursk"],
      times: ["08:00", "20:00"],
      managers: [owner.id],
    });
    expect(h.fake.sent(channel.id)).toEqual([]);
  });

  it("Subscribe is refused with a reason when the bot can no longer post there", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const channel = ownedChannel(h, owner, { title: "Invented lost", username: "inv_lost" });
    const linked = await ask(h, owner, "/channel @inv_lost");
    h.fake.setMember(channel.id, h.fake.bot.id, "left");

    const answer = await press(h, owner, linked, `chan:sub:${channel.id}`);
    expect(answer).toMatchObject({ show_alert: true });
    expect(answer?.text).toContain("I can't reach Invented lost any more");
    expect((await h.chats.get(channel.id))?.status).toBe("paused");
  });

  it("Settings opens the channel's settings menu in the private chat", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const channel = ownedChannel(h, owner, { title: "Invented tuned", username: "inv_tuned" });
    const linked = await ask(h, owner, "/channel @inv_tuned");

    const before = h.fake.sent(owner.id).length;
    await press(h, owner, linked, `chan:set:${channel.id}`);
    const settings = await h.fake.waitForMessage(owner.id, () => true, { sinceIndex: before });
    expect(settings.text).toContain("Settings: Invented tuned");
    expect(buttons(settings).length).toBeGreaterThan(0);
  });
});

describe("the bot removed from a channel", () => {
  it("marks the channel left and tells its managers, each in their language", async () => {
    const h = await start();
    const owner = h.fake.addUser({ language_code: "uk" });
    const channel = ownedChannel(h, owner, { title: "Invented removed", username: "inv_removed" });
    await ask(h, owner, "/channel @inv_removed");
    await h.chats.setStatus(channel.id, "active");
    const before = h.fake.sent(owner.id).length;

    h.fake.myChatMember(channel, owner, "administrator", "left");
    await waitFor(async () => (await h.chats.get(channel.id))?.status === "left", {
      message: "the channel marked left",
    });
    expect(await h.redis.zscore(h.keys.schedule(), String(channel.id))).toBeNull();
    const notice = await h.fake.waitForMessage(owner.id, () => true, { sinceIndex: before });
    expect(notice.text).toContain("Я більше не можу публікувати в каналі Invented removed");
    expect(h.fake.sent(channel.id)).toEqual([]);
  });

  it("treats losing the right to post like removal, and getting it back as paused", async () => {
    const h = await start();
    const owner = h.fake.addUser();
    const channel = ownedChannel(h, owner, { title: "Invented demoted", username: "inv_demoted" });
    await ask(h, owner, "/channel @inv_demoted");
    const bot = h.fake.world.botUser;
    const mayPost = chatMember(bot, "administrator");
    const mayNotPost = chatMember(bot, "administrator", { can_post_messages: false });
    h.fake.pushUpdate(myChatMemberUpdate(channel, owner, mayPost, mayNotPost, { bot }));
    await waitFor(async () => (await h.chats.get(channel.id))?.status === "left");

    h.fake.myChatMember(channel, owner, "administrator", "administrator");
    await waitFor(async () => (await h.chats.get(channel.id))?.status === "paused");
    // It was not subscribed, so nobody needed telling.
    expect(h.fake.sent(owner.id).filter((m) => m.text.includes("no longer post"))).toEqual([]);
  });
});
