import { Bot, GrammyError } from "grammy";
import type { Chat, Update, User } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createFakeTelegram,
  type FakeTelegram,
  faults,
  MESSAGE_LIMIT,
} from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";

let fake: FakeTelegram;
let bot: Bot;
let reader: User;
let dm: Chat;

beforeEach(async () => {
  fake = await createFakeTelegram();
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  reader = fake.addUser({ first_name: "Olena", username: "olena_example" });
  dm = fake.addChat({ type: "private", user: reader });
});

afterEach(async () => {
  await fake.close();
  expect(fake.internalErrors).toEqual([]);
});

async function refusal(promise: Promise<unknown>): Promise<GrammyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error("expected the Bot API to refuse the call");
}

async function raw(
  method: string,
  init: { json?: unknown; form?: Record<string, string>; query?: string; token?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = `${fake.apiRoot}/bot${init.token ?? fake.token}/${method}${init.query ? `?${init.query}` : ""}`;
  const request: RequestInit = { method: init.json || init.form ? "POST" : "GET" };
  if (init.json) {
    request.body = JSON.stringify(init.json);
    request.headers = { "content-type": "application/json" };
  } else if (init.form) {
    request.body = new URLSearchParams(init.form).toString();
    request.headers = { "content-type": "application/x-www-form-urlencoded" };
  }
  const response = await fetch(url, request);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the bot's identity and requests", () => {
  it("answers getMe with the bot user and records the token and every call", async () => {
    await bot.init();
    expect(bot.botInfo).toMatchObject({
      id: 1000,
      is_bot: true,
      first_name: "Frontline Digest",
      username: "frontline_digest_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    });
    expect([...fake.tokens]).toEqual([fake.token]);
    expect(fake.calls).toMatchObject([{ method: "getMe", response: { ok: true } }]);
  });

  it("answers unknown methods and paths with Telegram's 404", async () => {
    expect(await raw("sendTelepathy", { json: {} })).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: "Not Found: method not found" },
    });
    const response = await fetch(`${fake.apiRoot}/nothing`);
    expect(response.status).toBe(404);
  });

  it("reads form bodies and query strings, decoding JSON-encoded fields, with case-insensitive methods", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Read", url: "https://example.com/a" }]] };
    const form = await raw("sendmessage", {
      form: {
        chat_id: String(dm.id),
        text: "<i>hi</i>",
        parse_mode: "HTML",
        reply_markup: JSON.stringify(keyboard),
      },
    });
    expect(form.status).toBe(200);
    expect(form.body.result).toMatchObject({ text: "hi", reply_markup: keyboard });
    const query = await raw("sendMessage", { query: `chat_id=${dm.id}&text=plain` });
    expect(query.body.result).toMatchObject({ text: "plain" });
    expect(fake.calls.map((c) => c.method)).toEqual(["sendMessage", "sendMessage"]);
    expect(fake.calls[0]?.params).toEqual({
      chat_id: dm.id,
      text: "<i>hi</i>",
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
  });
});

describe("sendMessage", () => {
  it("parses HTML, returns the full Message and records what was sent", async () => {
    const keyboard = { inline_keyboard: [[{ text: "More", callback_data: "more:1" }]] };
    const message = await bot.api.sendMessage(
      dm.id,
      'Read <a href="https://example.com/x">this</a> &amp; <b>that</b>',
      {
        parse_mode: "HTML",
        reply_markup: keyboard,
        link_preview_options: { is_disabled: true },
        disable_notification: true,
      },
    );
    expect(message).toMatchObject({
      message_id: 1,
      chat: { id: dm.id, type: "private" },
      from: { id: 1000, is_bot: true },
      text: "Read this & that",
      entities: [
        { type: "text_link", offset: 5, length: 4, url: "https://example.com/x" },
        { type: "bold", offset: 12, length: 4 },
      ],
      reply_markup: keyboard,
    });
    const [sent] = fake.sent(dm.id);
    expect(sent).toMatchObject({
      chat_id: dm.id,
      message_id: 1,
      text: "Read this & that",
      html: 'Read <a href="https://example.com/x">this</a> &amp; <b>that</b>',
      parse_mode: "HTML",
      reply_markup: keyboard,
      options: { link_preview_options: { is_disabled: true }, disable_notification: true },
    });
    expect(typeof sent?.receivedAt).toBe("number");
  });

  it("numbers messages per chat and accepts numeric strings and @usernames as chat_id", async () => {
    const news = fake.addChat({ type: "channel", title: "News", username: "example_news" });
    expect((await bot.api.sendMessage(dm.id, "a")).message_id).toBe(1);
    expect((await bot.api.sendMessage(String(dm.id), "b")).message_id).toBe(2);
    const post = await bot.api.sendMessage("@example_news", "c");
    expect(post).toMatchObject({
      message_id: 1,
      chat: { id: news.id },
      sender_chat: { id: news.id },
    });
    expect(post.from).toBeUndefined();
  });

  it("refuses unknown chats", async () => {
    for (const chatId of [424242, "424242", "@nobody_example", "not-a-chat"]) {
      const error = await refusal(bot.api.sendMessage(chatId, "x"));
      expect(error.error_code).toBe(400);
      expect(error.description).toBe("Bad Request: chat not found");
    }
    fake.removeChat(dm.id);
    expect((await refusal(bot.api.sendMessage(dm.id, "x"))).description).toBe(
      "Bad Request: chat not found",
    );
  });

  it("refuses bad HTML, empty and over-long texts with Telegram's descriptions", async () => {
    const cases: Array<[string, string]> = [
      [
        "<b>bold</i>",
        'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</b>", found "</i>"',
      ],
      ["1 < 2", 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'],
      [
        "<b>open",
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
      ],
      ["<b> </b>\n", "Bad Request: message text is empty"],
      ["x".repeat(MESSAGE_LIMIT + 1), "Bad Request: message is too long"],
      ["😀".repeat(MESSAGE_LIMIT / 2 + 1), "Bad Request: message is too long"],
    ];
    for (const [text, description] of cases) {
      const error = await refusal(bot.api.sendMessage(dm.id, text, { parse_mode: "HTML" }));
      expect(error.description, text.slice(0, 20)).toBe(description);
    }
    await bot.api.sendMessage(dm.id, "😀".repeat(MESSAGE_LIMIT / 2), { parse_mode: "HTML" });
    expect(fake.sent()).toHaveLength(1);
  });

  it("stores the text as Telegram does: trimmed, without \\r", async () => {
    const message = await bot.api.sendMessage(dm.id, "\n  <b>Title</b>\r\nbody  \n\n", {
      parse_mode: "HTML",
    });
    expect(message.text).toBe("Title\nbody");
    expect(message.entities).toEqual([{ type: "bold", offset: 0, length: 5 }]);
  });

  it("validates inline keyboards", async () => {
    const send = (button: Record<string, unknown>) =>
      refusal(
        bot.api.sendMessage(dm.id, "x", {
          reply_markup: { inline_keyboard: [[button as { text: string; callback_data: string }]] },
        }),
      );
    expect((await send({ text: "a", callback_data: "x".repeat(65) })).description).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
    expect((await send({ text: "a", callback_data: "" })).description).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
    expect((await send({ text: "a" })).description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    expect((await send({ callback_data: "a" })).description).toBe(
      'Bad Request: can\'t parse inline keyboard button: Field "text" must be of type String',
    );
    await bot.api.sendMessage(dm.id, "ok", {
      reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "é".repeat(32) }]] },
    });
  });

  it("posts in forum topics and refuses unknown threads", async () => {
    const forum = fake.addChat({ type: "supergroup", title: "Forum", is_forum: true });
    const topic = fake.addTopic(forum.id, "Daily digest");
    const message = await bot.api.sendMessage(forum.id, "digest", { message_thread_id: topic });
    expect(message).toMatchObject({ message_thread_id: topic, is_topic_message: true });
    expect(fake.sent(forum.id)[0]?.message_thread_id).toBe(topic);
    const error = await refusal(
      bot.api.sendMessage(forum.id, "x", { message_thread_id: topic + 100 }),
    );
    expect(error.description).toBe("Bad Request: message thread not found");
  });

  it("follows the bot's membership: blocked, kicked, left, channel rights", async () => {
    fake.myChatMember(dm, reader, "member", "kicked");
    expect(await refusal(bot.api.sendMessage(dm.id, "x"))).toMatchObject({
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    const team = fake.addChat({ type: "group", title: "Team" });
    fake.setMember(team.id, 1000, "kicked");
    expect((await refusal(bot.api.sendMessage(team.id, "x"))).description).toBe(
      "Forbidden: bot was kicked from the group chat",
    );
    const club = fake.addChat({ type: "supergroup", title: "Club", botStatus: "left" });
    expect((await refusal(bot.api.sendMessage(club.id, "x"))).description).toBe(
      "Forbidden: bot is not a member of the supergroup chat",
    );
    const news = fake.addChat({ type: "channel", title: "News", botStatus: "member" });
    expect((await refusal(bot.api.sendMessage(news.id, "x"))).description).toBe(
      "Bad Request: need administrator rights in the channel chat",
    );
    const gone = fake.addUser();
    const goneChat = fake.addChat({ type: "private", user: gone });
    fake.deactivateUser(gone.id);
    expect((await refusal(bot.api.sendMessage(goneChat.id, "x"))).description).toBe(
      "Forbidden: user is deactivated",
    );
  });
});

describe("editing and deleting", () => {
  it("edits text and keyboard, refuses unchanged content and unknown messages", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Next", callback_data: "next" }]] };
    const sent = await bot.api.sendMessage(dm.id, "<b>one</b>", {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
    const same = await refusal(
      bot.api.editMessageText(dm.id, sent.message_id, "<b>one</b>", {
        parse_mode: "HTML",
        reply_markup: keyboard,
      }),
    );
    expect(same.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
    const edited = await bot.api.editMessageText(dm.id, sent.message_id, "two", {
      reply_markup: keyboard,
    });
    expect(edited).toMatchObject({ text: "two", reply_markup: keyboard });
    expect(edited).not.toHaveProperty("entities");
    const record = fake.sent(dm.id)[0];
    expect(record).toMatchObject({ text: "two", html: "two", entities: [] });
    expect(record?.history).toEqual([
      {
        text: "one",
        html: "<b>one</b>",
        entities: [{ type: "bold", offset: 0, length: 3 }],
        reply_markup: keyboard,
      },
    ]);
    expect(
      (
        await refusal(
          bot.api.editMessageReplyMarkup(dm.id, sent.message_id, { reply_markup: keyboard }),
        )
      ).description,
    ).toMatch(/^Bad Request: message is not modified/);
    await bot.api.editMessageReplyMarkup(dm.id, sent.message_id);
    expect(fake.sent(dm.id)[0]?.reply_markup).toBeUndefined();
    expect((await refusal(bot.api.editMessageText(dm.id, 999, "x"))).description).toBe(
      "Bad Request: message to edit not found",
    );
    expect(
      (
        await refusal(
          bot.api.editMessageText(dm.id, sent.message_id, "<i>x", { parse_mode: "HTML" }),
        )
      ).description,
    ).toMatch(/^Bad Request: can't parse entities: /);
  });

  it("does not let the bot edit a user's message", async () => {
    const update = fake.sendText(dm, reader, "hello");
    const error = await refusal(
      bot.api.editMessageText(dm.id, update.message?.message_id ?? 0, "x"),
    );
    expect(error.description).toBe("Bad Request: message can't be edited");
  });

  it("deletes a message once", async () => {
    const sent = await bot.api.sendMessage(dm.id, "bye");
    expect(await bot.api.deleteMessage(dm.id, sent.message_id)).toBe(true);
    expect(fake.sent(dm.id)[0]?.deleted).toBe(true);
    expect((await refusal(bot.api.deleteMessage(dm.id, sent.message_id))).description).toBe(
      "Bad Request: message to delete not found",
    );
  });
});

describe("callback queries", () => {
  it("answers a pressed button once and records the answer", async () => {
    const sent = await bot.api.sendMessage(dm.id, "pick", {
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "pick:a" }]] },
    });
    const update = fake.pressButton(fake.sent(dm.id)[0] ?? sent, reader, "pick:a");
    const query = update.callback_query;
    expect(query).toMatchObject({
      from: { id: reader.id },
      data: "pick:a",
      message: { message_id: sent.message_id, chat: { id: dm.id } },
    });
    expect(typeof query?.chat_instance).toBe("string");
    expect(() => fake.pressButton(sent, reader, "pick:b")).toThrow(/no button/);
    await bot.api.answerCallbackQuery(query?.id ?? "", { text: "Picked", show_alert: true });
    expect(fake.callbackAnswers).toMatchObject([
      { callback_query_id: query?.id, text: "Picked", show_alert: true },
    ]);
    for (const id of [query?.id ?? "", "123"]) {
      expect((await refusal(bot.api.answerCallbackQuery(id))).description).toBe(
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
      );
    }
  });
});

describe("commands, descriptions and chats", () => {
  it("stores commands per scope and language and validates them", async () => {
    await bot.api.setMyCommands([{ command: "latest", description: "Latest news" }]);
    await bot.api.setMyCommands([{ command: "latest", description: "Останні новини" }], {
      language_code: "uk",
    });
    await bot.api.setMyCommands([{ command: "settings", description: "Group settings" }], {
      scope: { type: "all_chat_administrators" },
    });
    expect(await bot.api.getMyCommands()).toEqual([
      { command: "latest", description: "Latest news" },
    ]);
    expect(await bot.api.getMyCommands({ language_code: "uk" })).toEqual([
      { command: "latest", description: "Останні новини" },
    ]);
    expect(fake.commands).toHaveLength(3);
    expect(
      (await refusal(bot.api.setMyCommands([{ command: "Latest", description: "x" }]))).description,
    ).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect(
      (await refusal(bot.api.setMyCommands([{ command: "latest", description: "" }]))).description,
    ).toBe("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID");
    await bot.api.deleteMyCommands({ language_code: "uk" });
    expect(await bot.api.getMyCommands({ language_code: "uk" })).toEqual([]);
    await bot.api.setMyDescription("War news digests");
    await bot.api.setMyShortDescription("Digests");
    expect(fake.descriptions.get("")).toEqual({
      description: "War news digests",
      short_description: "Digests",
    });
  });

  it("answers getChat, getChatMember and getChatAdministrators from the chat's members", async () => {
    const owner = fake.addUser({ first_name: "Owner" });
    const stranger = fake.addUser();
    const team = fake.addChat({
      type: "supergroup",
      title: "Team",
      members: [{ user: owner, status: "creator" }, reader],
      botStatus: "administrator",
      botRights: { can_delete_messages: false },
    });
    expect(await bot.api.getChat(team.id)).toMatchObject({
      id: team.id,
      type: "supergroup",
      title: "Team",
    });
    expect(await bot.api.getChatMember(team.id, reader.id)).toMatchObject({
      status: "member",
      user: { id: reader.id },
    });
    expect(await bot.api.getChatMember(team.id, stranger.id)).toMatchObject({ status: "left" });
    expect(await bot.api.getChatMember(team.id, 1000)).toMatchObject({
      status: "administrator",
      can_delete_messages: false,
      can_post_messages: true,
    });
    expect((await refusal(bot.api.getChatMember(team.id, 777_777))).description).toBe(
      "Bad Request: user not found",
    );
    const admins = await bot.api.getChatAdministrators(team.id);
    expect(admins.map((m) => [m.user.id, m.status])).toEqual([
      [owner.id, "creator"],
      [1000, "administrator"],
    ]);
    expect((await refusal(bot.api.getChatAdministrators(dm.id))).description).toBe(
      "Bad Request: there are no administrators in the private chat",
    );
  });

  it("records chat actions and queues a my_chat_member update when the bot leaves", async () => {
    const team = fake.addChat({ type: "group", title: "Team" });
    await bot.api.sendChatAction(dm.id, "typing");
    expect(fake.chatActions).toMatchObject([{ chat_id: dm.id, action: "typing" }]);
    await bot.api.leaveChat(team.id);
    expect(fake.pendingUpdates.at(-1)?.my_chat_member).toMatchObject({
      chat: { id: team.id },
      old_chat_member: { status: "member" },
      new_chat_member: { status: "left", user: { id: 1000 } },
    });
    expect((await refusal(bot.api.sendMessage(team.id, "x"))).description).toBe(
      "Forbidden: bot is not a member of the group chat",
    );
  });
});

describe("faults", () => {
  it("answers with each fault's real error shape", async () => {
    const cases: Array<[ReturnType<typeof faults.blocked>, number, string]> = [
      [faults.blocked(), 403, "Forbidden: bot was blocked by the user"],
      [faults.kicked(), 403, "Forbidden: bot was kicked from the group chat"],
      [faults.deactivated(), 403, "Forbidden: user is deactivated"],
      [faults.chatNotFound(), 400, "Bad Request: chat not found"],
      [faults.serverError(), 500, "Internal Server Error"],
      [faults.serverError(502), 502, "Bad Gateway"],
      [faults.refuse("Bad Request: TOPIC_CLOSED"), 400, "Bad Request: TOPIC_CLOSED"],
    ];
    for (const [fault, code, description] of cases) {
      fake.failChat(dm.id, fault, { times: 1 });
      expect(await raw("sendMessage", { json: { chat_id: dm.id, text: "x" } })).toEqual({
        status: code,
        body: { ok: false, error_code: code, description },
      });
    }
    fake.failChat(dm.id, faults.tooManyRequests(7), { times: 1 });
    expect(await raw("sendMessage", { json: { chat_id: dm.id, text: "x" } })).toEqual({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: "Too Many Requests: retry after 7",
        parameters: { retry_after: 7 },
      },
    });
    await bot.api.sendMessage(dm.id, "through");
    expect(fake.sent(dm.id).map((m) => m.text)).toEqual(["through"]);
  });

  it("limits faults to `times` and `methods`, and leaves other chats and getUpdates alone", async () => {
    const other = fake.addChat({ type: "private", user: fake.addUser() });
    const handle = fake.failChat(dm.id, faults.blocked(), { times: 2, methods: ["sendMessage"] });
    await bot.api.sendChatAction(dm.id, "typing");
    await bot.api.sendMessage(other.id, "fine");
    await refusal(bot.api.sendMessage(dm.id, "1"));
    await refusal(bot.api.sendMessage(dm.id, "2"));
    await bot.api.sendMessage(dm.id, "3");
    expect(handle.hits).toBe(2);

    const all = fake.failAll(faults.serverError(503));
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
    expect((await refusal(bot.api.getChat(dm.id))).error_code).toBe(503);
    all.remove();
    await bot.api.getChat(dm.id);
  });

  it("answers normally after the delay of a slow fault", async () => {
    const other = fake.addChat({ type: "private", user: fake.addUser() });
    fake.failChat(dm.id, faults.slow(400), { times: 1 });
    const slow = bot.api.sendMessage(dm.id, "slow");
    await waitFor(() => fake.callsOf("sendMessage").length === 1);
    await bot.api.sendMessage(other.id, "fast");
    expect(fake.callsOf("sendMessage")[0]?.response).toBeUndefined();
    expect((await slow).text).toBe("slow");
    expect(fake.sent().map((m) => m.text)).toEqual(["fast", "slow"]);
  });

  it("migrates a group to a supergroup", async () => {
    const owner = fake.addUser();
    const team = fake.addChat({
      type: "group",
      title: "Team",
      members: [{ user: owner, status: "creator" }, reader],
    });
    const { chat, updates } = fake.migrateChat(team.id, undefined, { enqueue: true });
    expect(chat).toMatchObject({ type: "supergroup", title: "Team" });
    expect(updates[0].message).toMatchObject({
      chat: { id: team.id },
      migrate_to_chat_id: chat.id,
      from: { id: owner.id },
    });
    expect(updates[1].message).toMatchObject({
      chat: { id: chat.id },
      migrate_from_chat_id: team.id,
    });
    expect(fake.pendingUpdates.slice(-2)).toEqual(updates);
    const error = await refusal(bot.api.sendMessage(team.id, "x"));
    expect(error).toMatchObject({
      error_code: 400,
      description: "Bad Request: group chat was upgraded to a supergroup chat",
      parameters: { migrate_to_chat_id: chat.id },
    });
    expect(await bot.api.getChatMember(chat.id, reader.id)).toMatchObject({ status: "member" });
    await bot.api.sendMessage(chat.id, "hello supergroup");
  });
});

describe("flood limits", () => {
  it("refuses a second message to a chat within a second and records the violation", async () => {
    const other = fake.addChat({ type: "private", user: fake.addUser() });
    fake.setLimits({ perChatPerSecond: 1 });
    await bot.api.sendMessage(dm.id, "1");
    const error = await refusal(bot.api.sendMessage(dm.id, "2"));
    expect(error).toMatchObject({
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
    await bot.api.sendMessage(other.id, "elsewhere");
    expect(fake.violations).toMatchObject([
      { method: "sendMessage", chatId: dm.id, scope: "chat", retryAfter: 1 },
    ]);
    await refusal(bot.api.sendMessage(dm.id, "3"));
    expect(fake.earlyRetries).toMatchObject([
      { method: "sendMessage", chatId: dm.id, blockedChatId: dm.id },
    ]);
  });

  it("applies the global and the per-group limits", async () => {
    const chats = [
      dm,
      ...[1, 2].map(() => fake.addChat({ type: "private", user: fake.addUser() })),
    ];
    fake.setLimits({ perSecond: 2 });
    await bot.api.sendMessage(chats[0]?.id ?? 0, "a");
    await bot.api.sendMessage(chats[1]?.id ?? 0, "b");
    expect((await refusal(bot.api.sendMessage(chats[2]?.id ?? 0, "c"))).error_code).toBe(429);

    const team = fake.addChat({ type: "supergroup", title: "Team" });
    fake.setLimits({ perGroupPerMinute: 2 });
    await bot.api.sendMessage(team.id, "1");
    await bot.api.sendMessage(team.id, "2");
    const error = await refusal(bot.api.sendMessage(team.id, "3"));
    expect(error.parameters.retry_after).toBeGreaterThan(50);
    expect(error.parameters.retry_after).toBeLessThanOrEqual(60);
    expect(fake.violations.at(-1)).toMatchObject({ scope: "group", chatId: team.id });
  });

  it("counts a retry as early only before retry_after has passed", async () => {
    fake.failAll(faults.tooManyRequests(2), { times: 1, methods: ["sendMessage"] });
    await refusal(bot.api.sendMessage(dm.id, "1"));
    await bot.api.sendMessage(dm.id, "2");
    expect(fake.earlyRetries).toHaveLength(1);
    const blockedAt = fake.callsOf("sendMessage")[0]?.at ?? 0;
    fake.limiter.noteCall("sendMessage", dm.id, blockedAt + 1_500);
    expect(fake.earlyRetries).toHaveLength(2);
    fake.limiter.noteCall("sendMessage", dm.id, blockedAt + 2_000);
    expect(fake.earlyRetries).toHaveLength(2);
  });

  it("keeps the arrival time of each accepted message", async () => {
    await bot.api.sendMessage(dm.id, "1");
    await bot.api.sendMessage(dm.id, "2");
    const [first, second] = fake.sent(dm.id);
    expect(second?.receivedAt).toBeGreaterThanOrEqual(
      first?.receivedAt ?? Number.POSITIVE_INFINITY,
    );
    expect(first?.receivedAt).toBe(fake.callsOf("sendMessage")[0]?.at);
  });
});

describe("getUpdates", () => {
  it("returns queued updates in order and drops those an offset confirms", async () => {
    const first = fake.sendText(dm, reader, "/start");
    const second = fake.sendText(dm, reader, "hello");
    expect(second.update_id).toBe(first.update_id + 1);
    expect(first.message).toMatchObject({
      text: "/start",
      entities: [{ type: "bot_command", offset: 0, length: 6 }],
      from: { id: reader.id },
    });
    expect(await bot.api.getUpdates({ limit: 1 })).toEqual([first]);
    expect(await bot.api.getUpdates()).toEqual([first, second]);
    expect(await bot.api.getUpdates({ offset: second.update_id })).toEqual([second]);
    expect(await bot.api.getUpdates({ offset: second.update_id + 1 })).toEqual([]);
    expect(fake.pendingUpdates).toEqual([]);
  });

  it("long-polls until an update arrives, or until the timeout", async () => {
    const polling = bot.api.getUpdates({ timeout: 10 });
    await waitFor(() => fake.callsOf("getUpdates").length === 1);
    const update = fake.sendText(dm, reader, "/latest 5");
    expect(await polling).toEqual([update]);
    expect(await bot.api.getUpdates({ offset: update.update_id + 1, timeout: 1 })).toEqual([]);
  });

  it("filters by the stored allowed_updates", async () => {
    await bot.api.getUpdates({ allowed_updates: ["callback_query"] });
    fake.sendText(dm, reader, "ignored");
    expect(fake.pendingUpdates).toEqual([]);
    await bot.api.getUpdates({ allowed_updates: [] });
    const member = fake.pushUpdate({
      chat_member: {
        chat: dm,
        from: reader,
        date: 1,
        old_chat_member: { status: "left", user: reader },
        new_chat_member: { status: "member", user: reader },
      },
    });
    expect(fake.pendingUpdates).toEqual([]);
    expect(member.update_id).toBeGreaterThan(0);
  });

  it("terminates a waiting poll when another starts, and refuses polling while a webhook is set", async () => {
    const first = raw("getUpdates", { json: { timeout: 10 } });
    await waitFor(() => fake.callsOf("getUpdates").length === 1);
    const second = raw("getUpdates", { json: { timeout: 0 } });
    expect((await first).body).toEqual({
      ok: false,
      error_code: 409,
      description:
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    expect((await second).body).toEqual({ ok: true, result: [] });

    expect((await refusal(bot.api.setWebhook("http://example.com/hook"))).description).toBe(
      "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    );
    await bot.api.setWebhook("https://example.com/hook", { secret_token: "s3cret" });
    fake.sendText(dm, reader, "queued");
    expect(await bot.api.getWebhookInfo()).toMatchObject({
      url: "https://example.com/hook",
      pending_update_count: 1,
    });
    expect((await refusal(bot.api.getUpdates())).error_code).toBe(409);
    await bot.api.deleteWebhook({ drop_pending_updates: true });
    expect(await bot.api.getUpdates()).toEqual([]);
  });

  it("answers a pending long poll promptly on close", async () => {
    const polling = raw("getUpdates", { json: { timeout: 30 } });
    await waitFor(() => fake.callsOf("getUpdates").length === 1);
    await fake.close();
    expect((await polling).body).toEqual({ ok: true, result: [] });
  });
});

describe("acting as users", () => {
  it("builds group, channel, forward and membership updates", async () => {
    const team = fake.addChat({
      type: "supergroup",
      title: "Team",
      username: "team_example",
      is_forum: true,
    });
    const topic = fake.addTopic(team.id, "News");
    const inTopic = fake.sendText(team, reader, "/latest@frontline_digest_bot 3", {
      threadId: topic,
    });
    expect(inTopic.message).toMatchObject({
      chat: { id: team.id },
      message_thread_id: topic,
      is_topic_message: true,
      entities: [{ type: "bot_command", offset: 0, length: 28 }],
    });

    const news = fake.addChat({ type: "channel", title: "News" });
    const post = fake.channelPost(news, "Breaking");
    expect(post.channel_post).toMatchObject({
      chat: { id: news.id },
      sender_chat: { id: news.id },
      text: "Breaking",
    });
    expect(post.channel_post?.from).toBeUndefined();

    const forwarded = fake.forwardFromChannel(dm, reader, news, "Breaking");
    expect(forwarded.message?.forward_origin).toMatchObject({
      type: "channel",
      chat: { id: news.id },
    });

    const newGroup: Chat = { id: -4_001, type: "group", title: "New group" };
    const added = fake.myChatMember(newGroup, reader, "left", "member");
    expect(added.my_chat_member).toMatchObject({
      chat: { id: -4_001 },
      from: { id: reader.id },
      old_chat_member: { status: "left", user: { id: 1000 } },
      new_chat_member: { status: "member", user: { id: 1000 } },
    });
    await bot.api.sendMessage(-4_001, "thanks for adding me");
  });

  it("withholds plain group messages from a bot in privacy mode", async () => {
    const team = fake.addChat({ type: "group", title: "Team" });
    const before = fake.pendingUpdates.length;
    fake.sendText(team, reader, "just chatting");
    fake.sendText(team, reader, "/latest@other_bot");
    expect(fake.pendingUpdates).toHaveLength(before);
    expect(fake.withheld).toHaveLength(2);
    fake.sendText(team, reader, "/latest");
    fake.sendText(team, reader, "hey @frontline_digest_bot");
    expect(fake.pendingUpdates).toHaveLength(before + 2);
  });
});

describe("with a polling bot", () => {
  it("serves grammY's long polling from start to stop", async () => {
    const seen: Update[] = [];
    bot.use(async (ctx, next) => {
      seen.push(ctx.update);
      await next();
    });
    bot.command("start", (ctx) =>
      ctx.reply("<b>Welcome</b>", {
        parse_mode: "HTML",
        reply_markup: { inline_keyboard: [[{ text: "Latest", callback_data: "latest" }]] },
      }),
    );
    bot.callbackQuery("latest", async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.editMessageText("Nothing new yet");
    });
    const running = bot.start({ timeout: 10 });
    fake.sendText(dm, reader, "/start");
    const welcome = await fake.waitForMessage(dm.id, (m) => m.text === "Welcome");
    expect(welcome.entities).toEqual([{ type: "bold", offset: 0, length: 7 }]);
    fake.pressButton(welcome, reader, "latest");
    await fake.waitForCall("editMessageText");
    expect(fake.sent(dm.id)[0]?.text).toBe("Nothing new yet");
    expect(fake.callbackAnswers).toHaveLength(1);
    await bot.stop();
    await running;
    expect(seen.map((u) => Object.keys(u)[1])).toEqual(["message", "callback_query"]);
    expect(fake.pendingUpdates).toEqual([]);
    // The poll cut short by stop() may still be unanswered; judge only answered calls.
    const failed = fake.calls.filter(
      (c) => c.response !== undefined && !c.response.ok && !c.response.clientClosed,
    );
    expect(failed).toEqual([]);
  });
});
