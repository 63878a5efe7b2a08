import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Message, User } from "grammy/types";
import { describe, expect, it } from "vitest";
import { PRESS_RULES, pressPrefix } from "../../src/bot/keyboards/press-rules.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";
import { snapshotKeys } from "../support/redis-snapshot.ts";
import { callbackUpdate } from "../support/updates.ts";
import { waitFor } from "../support/wait-for.ts";

const BOT_SRC = fileURLToPath(new URL("../../src/bot", import.meta.url));
/** Prefixes of string literals in the bot's code that are not callback data. */
const NOT_PRESSES = new Set(["http", "https", "tg", "node", "message"]);

/** Every callback data prefix the bot's code builds or answers: menu ids, callbackQuery triggers, data literals. */
function prefixesInCode(): Set<string> {
  const found = new Set<string>();
  const files = readdirSync(BOT_SRC, { recursive: true, encoding: "utf8" }).filter((f) =>
    f.endsWith(".ts"),
  );
  for (const file of files) {
    const text = readFileSync(join(BOT_SRC, file), "utf8");
    for (const m of text.matchAll(/new Menu<\w+>\(\s*"([^"]+)"/g)) found.add(m[1] as string);
    for (const m of text.matchAll(/callbackQuery\(\s*(?:"([^"]+)"|\/\^([a-z-]+))/g)) {
      found.add((m[1] ?? m[2]) as string);
    }
    for (const m of text.matchAll(/[`"]([a-z][a-z-]*):/g)) {
      if (!NOT_PRESSES.has(m[1] as string)) found.add(m[1] as string);
    }
  }
  return found;
}

/** The ways a forged press names its chat: left out, not a number, another chat, the right one. */
interface Ids {
  here: number;
  other: number;
  channel: number;
}
const idVariants = (ids: Ids) => [
  "",
  "abc",
  "1e3",
  "0x1f",
  String(ids.other),
  String(ids.channel),
  String(ids.here),
];

/**
 * For every prefix: the forged data to send. `fp` is the fingerprint part of
 * a real settings button (every menu shares the fingerprint of its target's
 * state), so a menu press that named the right chat would act, were it not
 * refused.
 */
const TABLE: Record<string, (ids: Ids, fp: string) => string[]> = {
  set: (ids, fp) =>
    idVariants(ids).flatMap((id) => [
      `set/3/0/${id}/${fp}`,
      `set/3/1/${id}/${fp}`,
      `set/3/0/${id}`,
    ]),
  "set-lang": (ids, fp) => idVariants(ids).map((id) => `set-lang/0/1/${id}/${fp}`),
  "set-topics": (ids, fp) => idVariants(ids).map((id) => `set-topics/0/0/${id}/${fp}`),
  "set-times": (ids, fp) => idVariants(ids).map((id) => `set-times/0/0/${id}/${fp}`),
  "set-tz": (ids, fp) => idVariants(ids).map((id) => `set-tz/0/1/${id}/${fp}`),
  "set-items": (ids, fp) => idVariants(ids).map((id) => `set-items/0/0/${id}/${fp}`),
  "set-quiet": (ids, fp) => idVariants(ids).map((id) => `set-quiet/0/0/${id}/${fp}`),
  "set-news": (ids, fp) => idVariants(ids).map((id) => `set-news/0/0/${id}/${fp}`),
  tp: (ids, fp) => idVariants(ids).map((id) => `tp/0/0/${id}/${fp}`),
  chan: (ids) =>
    idVariants(ids).flatMap((id) => ["sub", "set", "off", "unlink"].map((a) => `chan:${a}:${id}`)),
  "watch-rm": (ids) => idVariants(ids).map((id) => `watch-rm:${id}:0123abcd`),
  latest: () => ["latest", "latest:1"],
  topics: () => ["topics", "topics:x"],
  sources: () => ["sources", "sources:all"],
  help: () => ["help", "help:1"],
  subscribe: () => ["subscribe", "subscribe:1"],
  topic: () => ["topic:kursk", "topic:", "topic:KURSK"],
  sub: () => [
    "sub:t:+kursk",
    "sub:s:morning",
    "sub:z:Europe/London",
    "sub:c:ok",
    "sub:n:uk",
    "sub:t:",
  ],
  post: () => ["post:publish", "post:t:+kursk", "post:u:flash", "post:l:uk", "post:"],
  edit: () => [`edit:title:${"0".repeat(16)}`, "edit:summary:", "edit:title:x"],
  src: () => ["src:pause:ukrinform", "src:resume:ukrinform", "src:pause:"],
};

/** Data that no button sends: refused with an answer that says nothing. */
const UNKNOWN = ["", "x", "SET/0/0/1/f", "settings", "chan", "/set/0/0", "🙂", "a".repeat(64)];

type Harness = BotHarness;

async function setUp(): Promise<{
  h: Harness;
  member: User;
  ids: Ids;
  groupMenu: SentMessage;
  privateMenu: SentMessage;
}> {
  const editorId = 77_000_001;
  const h = await startBotHarness({ editors: [editorId], logs: "debug" });
  h.fake.addUser({ id: editorId });
  const admin = h.fake.addUser();
  const member = h.fake.addUser();
  const group = h.fake.addChat({
    type: "supergroup",
    title: "Readers",
    members: [{ user: admin, status: "administrator" }, member],
  });
  const other = h.fake.addChat({
    type: "supergroup",
    title: "Elsewhere",
    members: [{ user: admin, status: "administrator" }],
  });
  const channel = h.fake.addChat({ type: "channel", title: "Wire" });
  for (const chat of [group, other]) {
    await h.chats.ensure(chat.id, { kind: "supergroup", title: "title" in chat ? chat.title : "" });
    const changed = await h.chats.updateSettings(chat.id, {
      lang: "uk",
      tz: "America/New_York",
      times: ["09:30"],
      topics: ["russia"],
      maxItems: 5,
      quiet: { start: "22:00", end: "06:00" },
    });
    expect(changed.ok).toBe(true);
    await h.chats.setStatus(chat.id, "active");
  }
  await h.chats.ensure(channel.id, { kind: "channel", title: "Wire" });
  await h.chats.addManager(channel.id, admin.id);
  await h.chats.setStatus(channel.id, "active");

  const sentBefore = h.fake.sent(group.id).length;
  h.fake.sendText(group, admin, "/settings");
  const groupMenu = await h.fake.waitForMessage(group.id, () => true, { sinceIndex: sentBefore });
  h.fake.sendText(member.id, member, "/start");
  const privateMenu = await h.fake.waitForMessage(member.id);
  return {
    h,
    member,
    ids: { here: group.id, other: other.id, channel: channel.id },
    groupMenu,
    privateMenu,
  };
}

function fingerprintOf(menu: SentMessage): string {
  const rows = (menu.reply_markup as { inline_keyboard: { callback_data?: string }[][] })
    .inline_keyboard;
  const data = rows.flat().find((b) => b.callback_data?.startsWith("set/"))?.callback_data ?? "";
  return data.split("/").slice(4).join("/");
}

/** Sends each forged press on `message` from `from`, one after another, and returns the answers. */
async function forge(h: BotHarness, message: Message, from: User, data: string[]) {
  const answers = [];
  for (const d of data) {
    const queued = h.fake.pushUpdate(callbackUpdate(message, from, d));
    const id = queued.callback_query?.id;
    answers.push({
      data: d,
      answer: await waitFor(() => h.fake.callbackAnswers.find((a) => a.callback_query_id === id), {
        message: `the answer to a press of "${d}"`,
      }),
    });
  }
  return answers;
}

/** Waits until the bot answered a command in `chatId`: updates of a chat run in order, so the earlier ones are done. */
async function settle(h: BotHarness, chatId: number, from: User) {
  const before = h.fake.sent(chatId).length;
  h.fake.sendText(chatId, from, "/help");
  await h.fake.waitForMessage(chatId, (m) => m.text.includes("/latest"), { sinceIndex: before });
}

describe("the press guard", () => {
  it("knows every callback data prefix the bot's code builds, and this table covers each", () => {
    const registered = PRESS_RULES.map((r) => r.prefix).sort();
    expect(Object.keys(TABLE).sort()).toEqual(registered);
    const missing = [...prefixesInCode()].filter((p) => !registered.includes(p));
    expect(missing).toEqual([]);
    expect(pressPrefix("set-lang/0/0/1/f")).toBe("set-lang");
    expect(pressPrefix("chan:set:-100")).toBe("chan");
  });

  it("changes nothing for a member's forged presses, whatever chat they name", async () => {
    const { h, member, ids, groupMenu, privateMenu } = await setUp();
    const fp = fingerprintOf(groupMenu);
    expect(fp).toMatch(/^f/);
    const skip = [h.keys.conversation("")];
    const before = await snapshotKeys(h.redis, h.prefix, skip);
    const sentBefore = h.fake.sent().length;

    const forged = Object.values(TABLE).flatMap((build) => build(ids, fp));
    const inGroup = await forge(h, groupMenu.message, member, [...forged, ...UNKNOWN]);
    const inPrivate = await forge(h, privateMenu.message, member, [...forged, ...UNKNOWN]);
    await settle(h, ids.here, member);
    await settle(h, member.id, member);

    expect(await snapshotKeys(h.redis, h.prefix, skip)).toEqual(before);
    const elsewhere = h.fake
      .sent()
      .slice(sentBefore)
      .filter((m) => m.chat_id !== ids.here && m.chat_id !== member.id);
    expect(elsewhere).toEqual([]);
    expect(groupMenu.history).toEqual([]);
    expect(h.logs.errors()).toEqual([]);

    // data no button sends, or a chat id that is missing or not a number: no word about it
    const malformed = (d: string) =>
      UNKNOWN.includes(d) || /^(set|set-[a-z]+|tp)\/\d\/\d\/(|abc|1e3|0x1f)\//.test(d);
    for (const { data, answer } of [...inGroup, ...inPrivate].filter((a) => malformed(a.data))) {
      expect({ data, text: answer.text }).toEqual({ data, text: undefined });
    }
    // the group's own id, by a member: refused in words
    const own = inGroup.find((a) => a.data === `set/3/0/${ids.here}/${fp}`);
    expect(own?.answer).toMatchObject({
      text: "Лише адміністратори цієї групи можуть змінювати її підписку.",
      show_alert: true,
    });
  });

  it("still lets the group's admin press the same buttons", async () => {
    const { h, ids, groupMenu } = await setUp();
    const admin = [...h.fake.world.record(ids.here).members.values()].find(
      (m) => m.status === "administrator",
    )?.user as User;
    const fp = fingerprintOf(groupMenu);
    const [press] = await forge(h, groupMenu.message, admin, [`set/3/0/${ids.here}/${fp}`]);
    expect(press?.answer.text).toBeUndefined();
    await waitFor(async () => (await h.chats.get(ids.here))?.previews === true);
  });
});
