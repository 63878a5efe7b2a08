import { describe, expect, it } from "vitest";
import { type ChatStore, createChatStore } from "../../src/chats/chat-store.ts";
import { nextDueAt } from "../../src/chats/next-due.ts";
import { type TestRedis, useRedis } from "../support/redis.ts";

const T0 = Date.parse("2025-01-15T10:00:00Z"); // 12:00 in Kyiv
const topicIds = new Set(["aid", "diplomacy", "frontline"]);

async function setup(): Promise<
  TestRedis & { store: ChatStore; clock: { now: number }; due(id: number): Promise<number | null> }
> {
  const t = await useRedis();
  const clock = { now: T0 };
  const store = createChatStore(t.redis, t.keys, {
    defaults: { lang: "en", tz: "Europe/Kyiv" },
    topicIds,
    clock: () => clock.now,
  });
  const due = async (id: number) => {
    const score = await t.redis.zscore(t.keys.schedule(), String(id));
    return score === null ? null : Number(score);
  };
  return { ...t, store, clock, due };
}

describe("ChatStore", () => {
  it("creates a chat once, with default settings, not yet subscribed", async () => {
    const { store, due } = await setup();
    expect(await store.get(101)).toBeUndefined();
    const chat = await store.ensure(101, { kind: "private" });
    expect(chat).toEqual({
      id: 101,
      kind: "private",
      status: "paused",
      lang: "en",
      tz: "Europe/Kyiv",
      times: ["08:00"],
      topics: [],
      maxItems: 5,
      previews: false,
      flash: true,
      cursor: 0,
      createdAt: T0,
      updatedAt: T0,
      managers: [],
    });
    expect(await store.get(101)).toEqual(chat);
    expect(await due(101)).toBeNull();

    const again = await store.ensure(101, { kind: "group", title: "Other" });
    expect(again).toEqual(chat);
  });

  it("round-trips every setting and field", async () => {
    const { store, clock } = await setup();
    const title = "Новини з фронту — щоденний дайджест для нашої громади (тестова група)";
    await store.ensure(-1001234567890, { kind: "supergroup", title, threadId: 7 });
    const result = await store.updateSettings(-1001234567890, {
      lang: "uk",
      tz: "America/New_York",
      times: ["07:00", "12:30", "21:45"],
      topics: ["frontline", "aid"],
      maxItems: 9,
      previews: true,
      flash: false,
      quiet: "23:00-07:00",
    });
    expect(result.ok).toBe(true);
    await store.setStatus(-1001234567890, "active");
    clock.now += 1000;
    await store.setCursor(-1001234567890, T0 - 5000, T0 + 1000);
    await store.addManager(-1001234567890, 555);

    const chat = await store.get(-1001234567890);
    expect(chat).toMatchObject({
      id: -1001234567890,
      kind: "supergroup",
      title,
      status: "active",
      lang: "uk",
      tz: "America/New_York",
      times: ["07:00", "12:30", "21:45"],
      topics: ["aid", "frontline"],
      maxItems: 9,
      previews: true,
      flash: false,
      quiet: { start: "23:00", end: "07:00" },
      threadId: 7,
      cursor: T0 - 5000,
      lastDeliveryAt: T0 + 1000,
      managers: [555],
      createdAt: T0,
    });
  });

  it("round-trips any zone, common or not", async () => {
    const { store } = await setup();
    await store.ensure(120, { kind: "private" });
    for (const tz of ["Asia/Tokyo", "Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"]) {
      await store.updateSettings(120, { tz });
      expect((await store.get(120))?.tz).toBe(tz);
    }
  });

  it("creates a chat once when several updates ask for it at once", async () => {
    const { store } = await setup();
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.ensure(-121, { kind: "group", title: `G${i}` })),
    );
    const stored = await store.get(-121);
    expect(created.map((c) => c.title)).toEqual(created.map(() => stored?.title));
  });

  it("keeps a long title's hash in the compact encoding", async () => {
    const { store, redis, keys } = await setup();
    const title = "Щоденні новини війни: фронт, дипломатія, допомога — ".repeat(3).trim();
    await store.ensure(-1009, { kind: "channel", title });
    expect(await redis.object("ENCODING", keys.chat(-1009))).toBe("listpack");
    expect((await store.get(-1009))?.title).toBe(title);
  });

  it("changes nothing when a patch is invalid", async () => {
    const { store, redis, keys, due } = await setup();
    await store.ensure(102, { kind: "private" });
    await store.setStatus(102, "active");
    const before = await redis.hgetall(keys.chat(102));
    const dueBefore = await due(102);

    const result = await store.updateSettings(102, { tz: "Mars/Phobos", maxItems: 7 });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ field: "tz", code: "invalid-timezone" }],
    });
    expect(await redis.hgetall(keys.chat(102))).toEqual(before);
    expect(await due(102)).toBe(dueBefore);
  });

  it("rejects a settings change for a chat it does not know", async () => {
    const { store } = await setup();
    await expect(store.updateSettings(103, { maxItems: 3 })).rejects.toThrow(/does not exist/);
  });

  it("schedules active chats only, at their next due time", async () => {
    const { store, due, clock } = await setup();
    await store.ensure(104, { kind: "private" });
    await store.updateSettings(104, { times: "9:00, 18:00" });
    expect(await due(104)).toBeNull();

    await store.setStatus(104, "active");
    expect(await due(104)).toBe(Date.parse("2025-01-15T16:00:00Z")); // 18:00 in Kyiv

    await store.updateSettings(104, { tz: "Europe/London" });
    expect(await due(104)).toBe(Date.parse("2025-01-15T18:00:00Z"));

    await store.updateSettings(104, { times: ["13:00"] });
    expect(await due(104)).toBe(Date.parse("2025-01-15T13:00:00Z"));

    for (const status of ["paused", "left", "blocked"] as const) {
      await store.setStatus(104, "active");
      expect(await due(104)).not.toBeNull();
      await store.setStatus(104, status);
      expect(await due(104)).toBeNull();
      await store.updateSettings(104, { times: ["10:00"] });
      expect(await due(104)).toBeNull();
    }

    clock.now = Date.parse("2025-01-15T14:00:00Z");
    await store.setStatus(104, "active");
    expect(await due(104)).toBe(Date.parse("2025-01-16T10:00:00Z"));
  });

  it("keeps a pending due time when a change does not touch the schedule", async () => {
    const { store, due, clock } = await setup();
    await store.ensure(105, { kind: "private" });
    await store.setStatus(105, "active");
    const pending = await due(105);
    clock.now = (pending ?? 0) + 500; // due, not yet picked up by the scheduler
    await store.updateSettings(105, { maxItems: 3 });
    await store.setStatus(105, "active");
    await store.setCursor(105, 1, clock.now);
    expect(await due(105)).toBe(pending);
  });

  it("reschedules to the next time after a given instant", async () => {
    const { store, due } = await setup();
    await store.ensure(106, { kind: "private" });
    await store.updateSettings(106, { times: ["08:00", "20:00"] });
    expect(await store.reschedule(106)).toBeUndefined();
    expect(await due(106)).toBeNull();

    await store.setStatus(106, "active");
    const slot = Date.parse("2025-01-15T18:00:00Z");
    expect(await store.reschedule(106, slot)).toBe(Date.parse("2025-01-16T06:00:00Z"));
    expect(await due(106)).toBe(Date.parse("2025-01-16T06:00:00Z"));
    expect(await store.reschedule(999)).toBeUndefined();
  });

  it("never moves the cursor backwards", async () => {
    const { store } = await setup();
    await store.ensure(107, { kind: "private" });
    await store.setCursor(107, 5000, T0);
    await store.setCursor(107, 3000, T0 + 10_000);
    expect(await store.get(107)).toMatchObject({ cursor: 5000, lastDeliveryAt: T0 + 10_000 });
    await store.setCursor(107, 8000, T0 + 20_000);
    expect(await store.get(107)).toMatchObject({ cursor: 8000, lastDeliveryAt: T0 + 20_000 });
    await store.setCursor(107, 8001, T0 + 5_000);
    expect(await store.get(107)).toMatchObject({ cursor: 8001, lastDeliveryAt: T0 + 20_000 });
    await store.setCursor(404, 1, T0);
    expect(await store.get(404)).toBeUndefined();
  });

  it("keeps the late-news mark of the digest composed last only", async () => {
    const { store } = await setup();
    await store.ensure(110, { kind: "private" });
    await store.setCursor(110, 5000, T0, T0 - 700);
    expect((await store.get(110))?.lateFrom).toBe(T0 - 700);
    // an older digest finishing later changes nothing of it
    await store.setCursor(110, 5000, T0 - 10_000);
    expect((await store.get(110))?.lateFrom).toBe(T0 - 700);
    await store.setCursor(110, 4000, T0 - 10_000, T0 - 20_000);
    expect((await store.get(110))?.lateFrom).toBe(T0 - 700);
    // it survives a settings change, and the next digest that held all the late news drops it
    await store.updateSettings(110, { maxItems: 7 });
    expect((await store.get(110))?.lateFrom).toBe(T0 - 700);
    await store.setCursor(110, 5000, T0 + 10_000);
    const chat = await store.get(110);
    expect(chat).toMatchObject({ cursor: 5000, lastDeliveryAt: T0 + 10_000 });
    expect(chat?.lateFrom).toBeUndefined();
  });

  it("keeps the highest cursor when deliveries finish at once", async () => {
    const { store } = await setup();
    await store.ensure(108, { kind: "private" });
    const cursors = Array.from({ length: 20 }, (_, i) => (i * 7919) % 20);
    await Promise.all(cursors.map((c) => store.setCursor(108, c + 1, T0 + c * 1000)));
    expect(await store.get(108)).toMatchObject({ cursor: 20, lastDeliveryAt: T0 + 19_000 });
  });

  it("never leaves a paused chat scheduled when changes race", async () => {
    const { store, due } = await setup();
    await store.ensure(109, { kind: "private" });
    await store.setStatus(109, "active");
    await Promise.all([
      store.updateSettings(109, { times: ["06:00"] }),
      store.setStatus(109, "paused"),
      store.updateSettings(109, { tz: "Europe/Berlin" }),
      store.reschedule(109),
    ]);
    expect(await store.get(109)).toMatchObject({ status: "paused", times: ["06:00"] });
    expect(await due(109)).toBeNull();
  });

  it("clears optional settings with null", async () => {
    const { store } = await setup();
    await store.ensure(110, { kind: "supergroup", threadId: 3 });
    await store.updateSettings(110, { quiet: "22-6" });
    expect(await store.get(110)).toMatchObject({ threadId: 3, quiet: { start: "22:00" } });
    await store.updateSettings(110, { quiet: null, threadId: null });
    const chat = await store.get(110);
    expect(chat).not.toHaveProperty("quiet");
    expect(chat).not.toHaveProperty("threadId");
  });

  it("sets and clears the title", async () => {
    const { store } = await setup();
    await store.ensure(-111, { kind: "group", title: "Old" });
    expect((await store.setTitle(-111, " New "))?.title).toBe("New");
    expect(await store.setTitle(-111, undefined)).not.toHaveProperty("title");
    expect(await store.setTitle(-404, "x")).toBeUndefined();
  });

  it("moves a group to its supergroup id, once", async () => {
    const { store, due, redis, keys } = await setup();
    await store.ensure(-4001, { kind: "group", title: "Kyiv readers" });
    await store.updateSettings(-4001, { times: ["07:30"], topics: ["aid"], maxItems: 3 });
    await store.setStatus(-4001, "active");
    await store.setCursor(-4001, 9000, T0);
    await store.addManager(-4001, 77);
    const oldDue = await due(-4001);

    const moved = await store.migrate(-4001, -1004001);
    expect(moved).toMatchObject({
      id: -1004001,
      kind: "supergroup",
      title: "Kyiv readers",
      status: "active",
      times: ["07:30"],
      topics: ["aid"],
      maxItems: 3,
      cursor: 9000,
      managers: [77],
      createdAt: T0,
    });
    expect(await store.get(-4001)).toBeUndefined();
    expect(await store.get(-1004001)).toEqual(moved);
    expect(await due(-4001)).toBeNull();
    expect(await due(-1004001)).toBe(oldDue);
    expect(await redis.smembers(keys.chatsManagedBy(77))).toEqual(["-1004001"]);

    expect(await store.migrate(-4001, -1004001)).toEqual(moved);
    expect(await store.get(-1004001)).toEqual(moved);
    expect(await due(-1004001)).toBe(oldDue);
    expect(await store.migrate(-4002, -1004002)).toBeUndefined();
  });

  it("moves a group over a record the new id already has", async () => {
    const { store, due } = await setup();
    await store.ensure(-4003, { kind: "group" });
    await store.updateSettings(-4003, { times: ["07:30"] });
    await store.setStatus(-4003, "active");
    await store.setCursor(-4003, 100, T0);
    await store.ensure(-1004003, { kind: "supergroup", title: "New title" });
    await store.setCursor(-1004003, 200, T0 + 1);

    const moved = await store.migrate(-4003, -1004003);
    expect(moved).toMatchObject({ status: "active", times: ["07:30"], cursor: 200 });
    expect(moved?.title).toBe("New title");
    expect(await due(-1004003)).not.toBeNull();
  });

  it("indexes the chats a user manages", async () => {
    const { store, redis, keys } = await setup();
    await store.ensure(-1005, { kind: "channel", title: "B channel" });
    await store.ensure(-1006, { kind: "channel", title: "A channel" });
    await store.addManager(-1005, 9);
    await store.addManager(-1006, 9);
    await store.addManager(-1006, 10);
    await store.addManager(-1006, 10);
    expect((await store.listManagedBy(9)).map((c) => c.id)).toEqual([-1006, -1005]);
    expect((await store.get(-1006))?.managers).toEqual([9, 10]);

    await store.removeManager(-1006, 9);
    expect((await store.listManagedBy(9)).map((c) => c.id)).toEqual([-1005]);
    expect((await store.listManagedBy(10)).map((c) => c.id)).toEqual([-1006]);
    expect(await store.listManagedBy(11)).toEqual([]);

    expect(await store.remove(-1006)).toBe(true);
    expect(await store.listManagedBy(10)).toEqual([]);
    expect(await redis.exists(keys.chatsManagedBy(10))).toBe(0);
  });

  it("removes a chat with its schedule entry", async () => {
    const { store, due, redis, keys } = await setup();
    await store.ensure(112, { kind: "private" });
    await store.setStatus(112, "active");
    expect(await store.remove(112)).toBe(true);
    expect(await store.get(112)).toBeUndefined();
    expect(await due(112)).toBeNull();
    expect(await redis.exists(keys.chat(112))).toBe(0);
    expect(await store.remove(112)).toBe(false);
  });

  it("stores a default subscribed chat in a few fields", async () => {
    const { store, redis, keys } = await setup();
    await store.ensure(113, { kind: "private" });
    await store.setStatus(113, "active");
    expect(Object.keys(await redis.hgetall(keys.chat(113))).sort()).toEqual(["a", "l", "u", "z"]);
  });

  it("schedules by the same rule as nextDueAt", async () => {
    const { store, due } = await setup();
    await store.ensure(114, { kind: "private" });
    const r = await store.updateSettings(114, { tz: "America/New_York", times: "1:30, 2:30" });
    expect(r.ok).toBe(true);
    await store.setStatus(114, "active");
    expect(await due(114)).toBe(
      nextDueAt({ tz: "America/New_York", times: ["01:30", "02:30"] }, T0),
    );
  });
});
