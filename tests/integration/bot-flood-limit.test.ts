import type { Chat, User } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { BotDeps } from "../../src/bot/context.ts";
import { DEFAULT_FLOOD_LIMITS } from "../../src/bot/flood-limit-store.ts";
import { createBot } from "../../src/bot/index.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import { faults, type SentMessage } from "../support/fake-telegram.ts";
import { testRedisUrl } from "../support/redis.ts";
import { callbackUpdate, commandUpdate, textMessage } from "../support/updates.ts";
import { waitFor } from "../support/wait-for.ts";

type Started = BotHarness;

async function start(deps: Partial<BotDeps> = {}): Promise<Started> {
  return startBotHarness({ logs: "info", deps });
}

const errors = (h: Started) => h.logs.errors();
const isNotice = (m: SentMessage) => m.text.startsWith("Too many requests");

/** Waits until every update queued before it in `chat` was handled: a press is answered in order. */
async function settled(h: BotHarness, chat: Chat, from: User): Promise<string> {
  const press = callbackUpdate(textMessage(chat, h.fake.bot, "…"), from, "nothing:here");
  const id = h.fake.pushUpdate(press).callback_query?.id;
  const answer = await waitFor(
    () => h.fake.callbackAnswers.find((a) => a.callback_query_id === id),
    {
      message: `the press in chat ${chat.id} to be answered`,
    },
  );
  return answer.text ?? "";
}

describe("flood limits on commands", () => {
  it("answers at most 20 messages a minute in a group, with one notice and no errors", async () => {
    const h = await start({ floodLimits: DEFAULT_FLOOD_LIMITS });
    h.fake.setLimits({ perGroupPerMinute: 20 });
    const members = [1, 2, 3, 4].map(() => h.fake.addUser({ language_code: "en" }));
    const group = h.fake.addChat({
      type: "group",
      title: "Invented readers",
      members: members.map((user) => ({ user, status: "member" as const })),
    });
    for (let i = 0; i < 40; i += 1) {
      h.fake.sendText(group, members[i % 4] as User, `/latest@${h.fake.bot.username} 10`);
    }
    const notice = await h.fake.waitForMessage(group.id, isNotice);
    expect(notice.text).toMatch(/^Too many requests — wait \d+ s\.$/);
    const last = h.fake.addUser({ language_code: "en" });
    await settled(h, group, last);

    expect(h.fake.callsOf("sendMessage").length).toBeLessThanOrEqual(20);
    expect(h.fake.sent(group.id).filter(isNotice)).toHaveLength(1);
    expect(h.fake.violations).toEqual([]);
    expect(errors(h)).toEqual([]);
  });

  it("tells a user over their own limit once, then stays silent; a press gets the notice as its answer", async () => {
    const h = await start({
      floodLimits: { user: { limit: 3, windowMs: 60_000 }, group: undefined },
    });
    const user = h.fake.addUser({ language_code: "uk" });
    const chat = h.fake.addChat({ type: "private", user });
    for (let i = 0; i < 8; i += 1) h.fake.sendText(chat, user, "/help");
    const notice = await h.fake.waitForMessage(chat.id, (m) =>
      m.text.startsWith("Забагато запитів"),
    );
    expect(notice.text).toMatch(/^Забагато запитів — зачекайте \d+ с\.$/);
    const answer = await settled(h, chat, user);
    expect(answer).toMatch(/^Забагато запитів/);

    const sent = h.fake.sent(chat.id);
    expect(sent).toHaveLength(4); // three answers, one notice
    expect(sent.filter((m) => m.text.startsWith("Забагато"))).toHaveLength(1);
    expect(errors(h)).toEqual([]);
  });

  it("holds a user to one limit across two bot processes sharing Redis", async () => {
    const h = await start({
      floodLimits: { user: { limit: 4, windowMs: 60_000 }, group: undefined },
    });
    const redis = createRedis(testRedisUrl());
    const other = createBot(
      { ...h.deps, redis },
      { token: h.fake.token, apiRoot: h.fake.apiRoot, botInfo: h.fake.bot },
    );
    try {
      const user = h.fake.addUser({ language_code: "en" });
      const chat = h.fake.addChat({ type: "private", user });
      for (let i = 0; i < 3; i += 1) h.fake.sendText(chat, user, "/help");
      await waitFor(() => h.fake.sent(chat.id).length === 3, { message: "three answers" });
      for (let i = 0; i < 3; i += 1) await other.handleUpdate(commandUpdate(chat, user, "/help"));

      const sent = h.fake.sent(chat.id);
      expect(sent).toHaveLength(5); // four answers, one notice
      expect(sent.filter(isNotice)).toHaveLength(1);
      expect(isNotice(sent[4] as SentMessage)).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});

describe("a 429 on a reply", () => {
  it("is waited out for retry_after and the reply arrives, with no error logged", async () => {
    const h = await start();
    const user = h.fake.addUser({ language_code: "en" });
    const chat = h.fake.addChat({ type: "private", user });
    const refusal = h.fake.failChat(chat.id, faults.tooManyRequests(1), {
      times: 1,
      methods: ["sendMessage"],
    });
    h.fake.sendText(chat, user, "/help");
    const reply = await h.fake.waitForMessage(chat.id);
    expect(reply.text).toContain("What I can do");
    expect(refusal.hits).toBe(1);
    expect(h.fake.callsOf("sendMessage")).toHaveLength(2);
    expect(h.fake.earlyRetries).toEqual([]);
    expect(errors(h)).toEqual([]);
  });

  it("is waited out inside a conversation too, and the conversation goes on", async () => {
    const h = await start();
    const user = h.fake.addUser({ language_code: "en" });
    const chat = h.fake.addChat({ type: "private", user });
    const refusal = h.fake.failChat(chat.id, faults.tooManyRequests(1), {
      times: 1,
      methods: ["sendMessage"],
    });
    h.fake.sendText(chat, user, "/subscribe");
    const menu = await h.fake.waitForMessage(chat.id, (m) => m.text.includes("Step 1 of 3"));
    expect(refusal.hits).toBe(1);
    expect(h.fake.earlyRetries).toEqual([]);

    // the next step replays the recorded 429 and its retry, then moves on
    h.fake.pressButton(menu, user, "sub:t:done");
    await waitFor(() => menu.text.includes("Step 2 of 3"), { message: "step 2 of /subscribe" });
    expect(h.fake.callsOf("sendMessage")).toHaveLength(2);
    expect(errors(h)).toEqual([]);
  });
});
