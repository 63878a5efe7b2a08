import fc from "fast-check";
import type { Message, Chat as TgChat, Update, User } from "grammy/types";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/bot/commands.ts";
import { PRESS_RULES, pressRule } from "../../src/bot/keyboards/press-rules.ts";
import type { Chat } from "../../src/chats/chat.ts";
import { startBotHarness } from "../support/bot-harness.ts";
import {
  BOT_USERNAME,
  callbackUpdate,
  chatMember,
  type MemberStatus,
  myChatMemberUpdate,
  textMessage,
} from "../support/updates.ts";

/**
 * Random but well-typed updates through the real bot (bot.handleUpdate,
 * real Redis, the fake Telegram over HTTP), one after another, checking
 * after each:
 * - nothing reached bot.catch and nothing was logged at error level;
 * - the bot wrote to no chat but the update's own (a channel that stops
 *   taking digests also tells its managers, in their private chats);
 * - every press is answered once, data no button sends without a word;
 * - the settings of every chat the sender does not manage are as before
 *   (the sender manages their own private chat; the admin, the groups and
 *   the channel). The cursor may move: anyone may ask a group's /digest.
 */

// Everything here is invented: example.org links, made-up text.
const ARTICLES = [0, 1, 2, 3].map((i) => ({
  url: `https://example.org/fuzz/${i}`,
  title: `Invented headline ${i}`,
  summary: `Invented summary ${i} for the update fuzzer.`,
  source: "Example Wire",
  publishedAt: Date.now() - (i + 1) * 3_600_000,
  topics: i % 2 === 0 ? ["kursk"] : ["air-war"],
}));

const SETTINGS: readonly (keyof Chat)[] = [
  "kind",
  "lang",
  "tz",
  "times",
  "topics",
  "maxItems",
  "previews",
  "flash",
  "quiet",
  "status",
  "threadId",
  "managers",
];

type ActorName = "admin" | "anonymous" | "member" | "other" | "editor";
type IdSwap = "none" | "word" | "group" | "forum" | "basic" | "channel" | "admin" | "member";
type Place = "group" | "forum" | "basic" | "private" | "channel";
type Topic = "general" | "news" | "chatter";

type Spec =
  | { kind: "text"; actor: ActorName; place: Place; topic: Topic; text: string; reply: number }
  | { kind: "edit"; actor: ActorName; place: Place; text: string; pick: number }
  | { kind: "press"; actor: ActorName; place: Place; pick: number; data: DataSpec }
  | { kind: "bot-member"; place: Place; statuses: [MemberStatus, MemberStatus] }
  | { kind: "service"; actor: ActorName; place: Place; what: "join" | "leave" | "title" }
  | { kind: "post"; text: string };

type DataSpec =
  | { kind: "real"; pick: number }
  /** a real button's data with the chat id it names replaced (by "", a word, another chat's id) */
  | { kind: "tampered"; pick: number; id: IdSwap }
  | { kind: "prefix"; prefix: string; tail: string }
  | { kind: "random"; data: string };

const actor = fc.constantFrom<ActorName>("admin", "anonymous", "member", "other", "editor");
const place = fc.constantFrom<Place>("group", "forum", "basic", "private");
const topic = fc.constantFrom<Topic>("general", "news", "chatter");

const word = fc.oneof(
  fc.constantFrom(
    "",
    "5",
    "0",
    "11",
    "-1",
    "kursk",
    "air-war",
    "Europe/London",
    "Mars/Olympus",
    "08:00",
    "25:00",
    "08:00, 20:00",
    "23:00-07:00",
    "@wire_channel",
    "@nobody_here",
    "https://example.org/fuzz/1",
    "example.org/x",
    "topic_kursk",
    "latest",
    "<b>",
    "&amp;",
    "😀",
    "Курськ",
  ),
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
);
const commandName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COMMANDS.map((c) => c.command), "cancel", "start") },
  { weight: 1, arbitrary: fc.constantFrom("nope", "Latest", "settings_x") },
);
const suffix = fc.constantFrom("", "", "", `@${BOT_USERNAME}`, "@other_bot");
const command = fc
  .tuple(commandName, suffix, fc.array(word, { maxLength: 3 }))
  .map(([name, at, args]) => [`/${name}${at}`, ...args].join(" ").trimEnd());
const text = fc.oneof(
  { weight: 5, arbitrary: command },
  { weight: 2, arbitrary: word },
  { weight: 1, arbitrary: word.map((w) => `@${BOT_USERNAME} ${w}`) },
);

const prefixes = PRESS_RULES.map((r) => r.prefix);
const dataSpec: fc.Arbitrary<DataSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.nat().map((pick) => ({ kind: "real" as const, pick })) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("tampered" as const),
      pick: fc.nat(),
      id: fc.constantFrom<IdSwap>(
        "none",
        "word",
        "group",
        "forum",
        "basic",
        "channel",
        "admin",
        "member",
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...prefixes),
        fc.oneof(
          fc.constantFrom("", ":", "/0/0//f", "/0/0/abc/f", ":ok", ":+kursk", ":set:1", "/1/0/"),
          fc.string({ maxLength: 20 }),
        ),
      )
      .map(([prefix, tail]) => ({ kind: "prefix" as const, prefix, tail })),
  },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 64 }).map((data) => ({ kind: "random" as const, data })),
  },
);

const spec: fc.Arbitrary<Spec> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("text" as const),
      actor,
      place,
      topic,
      text,
      reply: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("edit" as const),
      actor,
      place,
      text,
      pick: fc.nat(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("press" as const),
      actor,
      place,
      pick: fc.nat(),
      data: dataSpec,
    }),
  },
  {
    weight: 1,
    // the bot's own membership as Telegram can change it: a bot in a channel is always its admin
    arbitrary: fc.oneof(
      fc.record({
        kind: fc.constant("bot-member" as const),
        place: fc.constantFrom<Place>("group", "forum", "basic"),
        statuses: fc.constantFrom<[MemberStatus, MemberStatus]>(
          ["member", "administrator"],
          ["administrator", "member"],
          ["member", "left"],
          ["member", "kicked"],
        ),
      }),
      fc.record({
        kind: fc.constant("bot-member" as const),
        place: fc.constant<Place>("channel"),
        statuses: fc.constantFrom<[MemberStatus, MemberStatus]>(
          ["administrator", "left"],
          ["administrator", "kicked"],
        ),
      }),
      fc.record({
        kind: fc.constant("bot-member" as const),
        place: fc.constant<Place>("private"),
        statuses: fc.constant<[MemberStatus, MemberStatus]>(["member", "kicked"]),
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("service" as const),
      actor,
      place: fc.constantFrom<Place>("group", "forum", "basic"),
      what: fc.constantFrom("join" as const, "leave" as const, "title" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("post" as const), text }) },
);

describe("the bot under random updates", () => {
  it("never fails, writes only where it was asked, and lets no one change what they do not manage", async () => {
    const editorId = 78_000_001;
    const h = await startBotHarness({ editors: [editorId], logs: "debug" });
    const { logs } = h;
    await h.stop(); // updates go straight to handleUpdate, one at a time
    const { fake } = h;
    for (const article of ARTICLES) await h.articles.put(article);

    const users: Record<Exclude<ActorName, "anonymous">, User> = {
      admin: fake.addUser(),
      member: fake.addUser({ language_code: "uk" }),
      other: fake.addUser({ language_code: "de" }),
      editor: fake.addUser({ id: editorId }),
    };
    const anonymousBot = fake.addUser({
      id: 1087968824,
      is_bot: true,
      first_name: "Group",
      username: "GroupAnonymousBot",
    });
    const members = [
      { user: users.admin, status: "administrator" as const },
      users.member,
      users.other,
      users.editor,
    ];
    const chats = {
      group: fake.addChat({ type: "supergroup", title: "Readers", members }),
      forum: fake.addChat({ type: "supergroup", title: "Forum", is_forum: true, members }),
      basic: fake.addChat({ type: "group", title: "Basic", members }),
      channel: fake.addChat({ type: "channel", title: "Wire", username: "wire_channel" }),
    };
    fake.setMember(chats.channel.id, users.admin.id, "administrator");
    const topics = {
      news: fake.addTopic(chats.forum.id, "News"),
      chatter: fake.addTopic(chats.forum.id, "Chatter"),
    };
    for (const u of Object.values(users)) fake.addChat({ type: "private", user: u });

    for (const chat of [chats.group, chats.forum, chats.basic]) {
      await h.chats.ensure(chat.id, { kind: chat.type, title: "title" in chat ? chat.title : "" });
      await h.chats.setStatus(chat.id, "active");
    }
    await h.chats.updateSettings(chats.forum.id, { threadId: topics.news });
    await h.chats.ensure(chats.channel.id, { kind: "channel", title: "Wire" });
    await h.chats.addManager(chats.channel.id, users.admin.id);
    await h.chats.setStatus(chats.channel.id, "active");
    for (const u of Object.values(users)) await h.chats.ensure(u.id, { kind: "private" });

    const chatOf = (p: Place, who: User): TgChat => {
      if (p === "private") return fake.world.record(who.id).chat;
      return chats[p];
    };
    const userOf = (a: ActorName): User => (a === "anonymous" ? anonymousBot : users[a]);
    const isAdmin = (a: ActorName) => a === "admin" || a === "anonymous";
    /** The chats whose settings `a` may change: their own private chat; for the admin, the groups and the channel. */
    const manages = (a: ActorName, id: number): boolean =>
      isAdmin(a)
        ? id === users.admin.id || Object.values(chats).some((c) => c.id === id)
        : id === userOf(a).id;
    const allIds = [
      ...Object.values(chats).map((c) => c.id),
      ...Object.values(users).map((u) => u.id),
    ];

    async function settingsOf(): Promise<Map<number, unknown>> {
      const out = new Map<number, unknown>();
      for (const id of allIds) {
        const record = await h.chats.get(id);
        out.set(id, record ? SETTINGS.map((k) => record[k]) : undefined);
      }
      return out;
    }

    /** Stores a user's message in the fake, so replies to it and edits of it find it. */
    function userMessage(chat: TgChat, from: User, body: string, t: Topic, reply: number): Message {
      const record = fake.world.record(chat.id);
      const sentByBot = [...record.messages.values()].filter((m) => m.sent && !m.deleted);
      const replyTo =
        reply % 3 === 0 ? sentByBot[reply % (sentByBot.length || 1)]?.message : undefined;
      const threadId = chat.id === chats.forum.id && t !== "general" ? topics[t] : undefined;
      const message = textMessage(chat, from.is_bot ? undefined : from, body, {
        messageId: fake.world.nextMessageId(record),
        ...(threadId === undefined ? {} : { threadId }),
        ...(from.is_bot ? { senderChat: chat } : {}),
        ...(replyTo ? { replyTo } : {}),
      });
      record.messages.set(message.message_id, { message, deleted: false });
      return message;
    }

    /** The update a spec stands for, the chats the bot may write to for it, and who sent it; undefined when it cannot happen. */
    function build(s: Spec): { update: Update; allowed: number[]; sender: ActorName } | undefined {
      if (s.kind === "post") {
        const record = fake.world.record(chats.channel.id);
        const message = textMessage(chats.channel, undefined, s.text, {
          messageId: fake.world.nextMessageId(record),
          senderChat: chats.channel,
        });
        record.messages.set(message.message_id, { message, deleted: false });
        return {
          update: { update_id: 0, channel_post: message } as Update,
          allowed: [chats.channel.id],
          sender: "admin",
        };
      }
      if (s.kind === "bot-member") {
        const chat =
          s.place === "private" ? fake.world.record(users.member.id).chat : chats[s.place];
        const by = s.place === "private" ? users.member : users.admin;
        const bot = fake.world.botUser;
        const [from, to] = s.statuses;
        // the bot goes and comes back (it cannot hear a chat it is not in): two updates
        return {
          update: myChatMemberUpdate(chat, by, chatMember(bot, from), chatMember(bot, to), { bot }),
          // a channel that stops taking digests tells its managers
          allowed: s.place === "channel" ? [chat.id, users.admin.id] : [chat.id],
          sender: s.place === "private" ? "member" : "admin",
        };
      }
      const from = userOf(s.actor);
      if (from.is_bot && s.place === "private") return undefined;
      const chat = chatOf(s.place, from);
      if (s.kind === "service") {
        if (from.is_bot) return undefined;
        if (s.what === "title" && !isAdmin(s.actor)) return undefined;
        const record = fake.world.record(chat.id);
        const base = { message_id: fake.world.nextMessageId(record), date: 0, chat, from };
        const message =
          s.what === "join"
            ? { ...base, new_chat_members: [from] }
            : s.what === "leave"
              ? { ...base, left_chat_member: from }
              : { ...base, new_chat_title: `Readers ${base.message_id}` };
        return { update: { update_id: 0, message } as Update, allowed: [chat.id], sender: s.actor };
      }
      if (s.kind === "text") {
        const message = userMessage(chat, from, s.text, s.topic, s.reply);
        return { update: { update_id: 0, message } as Update, allowed: [chat.id], sender: s.actor };
      }
      if (s.kind === "edit") {
        const record = fake.world.record(chat.id);
        const own = [...record.messages.values()].filter(
          (m) => !m.sent && !m.deleted && m.message.from?.id === from.id && m.message.text,
        );
        const original = own[s.pick % (own.length || 1)]?.message;
        if (!original) return undefined;
        const edited = { ...original, text: s.text, edit_date: Math.floor(Date.now() / 1000) };
        return {
          update: { update_id: 0, edited_message: edited } as Update,
          allowed: [chat.id],
          sender: s.actor,
        };
      }
      if (from.is_bot) return undefined; // a press is always made by a person
      const record = fake.world.record(chat.id);
      // a press is on a message the bot sent; a real button's press, on one with buttons
      const withButtons = s.data.kind === "real" || s.data.kind === "tampered";
      const shown = [...record.messages.values()].filter(
        (m) => m.sent && !m.deleted && (!withButtons || m.message.reply_markup),
      );
      const message = shown[s.pick % (shown.length || 1)]?.message;
      if (!message) return undefined;
      const buttons = (message.reply_markup?.inline_keyboard ?? [])
        .flat()
        .flatMap((b) => ("callback_data" in b && b.callback_data ? [b.callback_data] : []));
      const real = "pick" in s.data ? buttons[s.data.pick % (buttons.length || 1)] : undefined;
      const data =
        s.data.kind === "real"
          ? real
          : s.data.kind === "tampered"
            ? real && swapId(real, s.data.id)
            : s.data.kind === "prefix"
              ? `${s.data.prefix}${s.data.tail}`
              : s.data.data;
      if (data === undefined) return undefined;
      const update = callbackUpdate(message, from, data);
      fake.openCallbackQueries.add(update.callback_query?.id ?? "");
      return { update, allowed: [chat.id], sender: s.actor };
    }

    /** `data` with the chat id it carries (a menu's 4th part, a channel button's last) swapped. */
    function swapId(data: string, swap: IdSwap): string {
      const id =
        swap === "none"
          ? ""
          : swap === "word"
            ? "here"
            : swap === "admin" || swap === "member"
              ? String(users[swap].id)
              : String(chats[swap].id);
      const menu = /^([a-z-]+\/[0-9a-f]+\/[0-9a-f]+\/)([^/]*)(\/[\s\S]*)$/.exec(data);
      if (menu) return `${menu[1]}${id}${menu[3]}`;
      const chan = /^(chan:[a-z]+:)(.*)$/.exec(data);
      return chan ? `${chan[1]}${id}` : data;
    }

    /** Keeps the fake's idea of the bot's membership in step with an update that changed it. */
    function follow(update: Update): void {
      const change = update.my_chat_member;
      if (change) fake.setMember(change.chat.id, fake.world.bot.id, change.new_chat_member.status);
    }

    /** What the runner does with an update: handle it, and hand what it throws to bot.catch. */
    async function handle(update: Update): Promise<void> {
      try {
        await h.bot.handleUpdate(update);
      } catch (err) {
        await h.bot.errorHandler(err as Parameters<typeof h.bot.errorHandler>[0]);
      }
    }

    let updateId = 1;
    const handled: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 6 }), async (specs) => {
        for (const s of specs) {
          const built = build(s);
          if (!built) continue;
          const update = { ...built.update, update_id: updateId++ };
          const sentBefore = fake.sent().length;
          const logsBefore = logs.lines.length;
          const before = await settingsOf();
          follow(update);
          await handle(update);
          handled.push(Object.keys(update).find((k) => k !== "update_id") ?? "?");
          const what = JSON.stringify(s);

          const errors = logs.lines.slice(logsBefore).filter((l) => l.level >= 50);
          expect(errors, what).toEqual([]);
          const stray = fake
            .sent()
            .slice(sentBefore)
            .filter((m) => !built.allowed.includes(m.chat_id))
            .map((m) => ({ chat: m.chat_id, text: m.text.slice(0, 80) }));
          expect(stray, what).toEqual([]);
          const query = update.callback_query;
          if (query) {
            // every press is answered once, so the button stops spinning
            const answers = fake.callbackAnswers.filter((a) => a.callback_query_id === query.id);
            expect(answers.length, what).toBe(1);
            // data no button sends is answered without a word
            const data = query.data ?? "";
            if (pressRule(data)?.parse(data) === undefined) {
              expect(answers[0]?.text, `${what}: ${data}`).toBeUndefined();
            }
          }
          const after = await settingsOf();
          for (const id of allIds) {
            if (manages(built.sender, id)) continue;
            expect({ id, settings: after.get(id) }, what).toEqual({ id, settings: before.get(id) });
          }
          // a chat the bot left can't be heard from: bring it back for the next updates
          const change = update.my_chat_member;
          if (change && !["member", "administrator"].includes(change.new_chat_member.status)) {
            const back: Update = myChatMemberUpdate(
              change.chat,
              change.from,
              change.new_chat_member,
              chatMember(
                fake.world.botUser,
                change.chat.type === "channel" ? "administrator" : "member",
              ),
              { bot: fake.world.botUser, updateId: updateId++ },
            );
            follow(back);
            await handle(back);
            expect(
              logs.lines.slice(logsBefore).filter((l) => l.level >= 50),
              what,
            ).toEqual([]);
          }
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300), endOnFailure: true },
    );
    expect(fake.internalErrors).toEqual([]);
    expect(handled.length).toBeGreaterThan(500);
  }, 120_000);
});
