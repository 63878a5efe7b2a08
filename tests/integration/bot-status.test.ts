import { describe, expect, it } from "vitest";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";

// Tuesday 17 Dec 2024, 10:00 in Berlin.
const NOW = Date.parse("2024-12-17T09:00:00Z");

async function askStatus(h: BotHarness, chatId: number, from: number): Promise<SentMessage> {
  const since = h.fake.sent(chatId).length;
  h.fake.sendText(chatId, from, "/status");
  return h.fake.waitForMessage(chatId, () => true, { sinceIndex: since });
}

async function subscribe(
  h: BotHarness,
  chatId: number,
  kind: "private" | "supergroup",
  settings: { topics: string[]; times: string[]; tz: string },
): Promise<void> {
  await h.chats.ensure(chatId, { kind });
  const updated = await h.chats.updateSettings(chatId, settings);
  expect(updated.ok).toBe(true);
  await h.chats.setStatus(chatId, "active");
}

describe("/status", () => {
  it("says a chat the bot keeps nothing for is not subscribed", async () => {
    const h = await startBotHarness({ now: NOW });
    const user = h.fake.addUser();
    const reply = await askStatus(h, user.id, user.id);
    expect(reply.text).toBe("⏸ Not subscribed. Send /subscribe to choose topics and times.");
  });

  it("shows topics, times, zone, the next digest in the chat's zone and the last one", async () => {
    const h = await startBotHarness({ now: NOW });
    const user = h.fake.addUser();
    await subscribe(h, user.id, "private", {
      topics: ["kursk", "air-war"],
      times: ["08:00", "20:00"],
      tz: "Europe/Berlin",
    });

    const first = await askStatus(h, user.id, user.id);
    expect(first.text.split("\n")).toEqual([
      "✅ Subscribed",
      "🗂 Topics: Kursk, Air war",
      "🕗 Times: 08:00, 20:00",
      "🌍 Time zone: Europe/Berlin",
      "⏭ Next digest: Tue 17 Dec, 20:00 (Europe/Berlin)",
      "📨 Last digest: none yet",
    ]);

    await h.chats.setCursor(user.id, NOW - 3_600_000, Date.parse("2024-12-17T07:00:00Z"));
    const second = await askStatus(h, user.id, user.id);
    expect(second.text).toContain("📨 Last digest: Tue 17 Dec, 08:00 (Europe/Berlin)");
  });

  it("shows the kept settings of an unsubscribed chat, without a next digest", async () => {
    const h = await startBotHarness({ now: NOW });
    const user = h.fake.addUser();
    await subscribe(h, user.id, "private", { topics: [], times: ["07:30"], tz: "Europe/Kyiv" });
    await h.chats.setStatus(user.id, "paused");
    const reply = await askStatus(h, user.id, user.id);
    expect(reply.text).toContain("⏸ Not subscribed. /subscribe starts the digests");
    expect(reply.text).toContain("🗂 Topics: all topics");
    expect(reply.text).toContain("🕗 Times: 07:30");
    expect(reply.text).not.toContain("Next digest");
  });

  it("answers in Ukrainian with dates in Ukrainian", async () => {
    const h = await startBotHarness({ now: NOW });
    const user = h.fake.addUser({ language_code: "uk" });
    await subscribe(h, user.id, "private", {
      topics: ["kursk"],
      times: ["20:00"],
      tz: "Europe/Berlin",
    });
    await h.chats.updateSettings(user.id, { lang: "uk" });
    const reply = await askStatus(h, user.id, user.id);
    expect(reply.text).toContain("✅ Підписано");
    expect(reply.text).toContain("🗂 Теми: Курщина");
    expect(reply.text).toContain("⏭ Наступний дайджест: вт, 17 груд., 20:00 (Europe/Berlin)");
    expect(reply.text).toContain("📨 Останній дайджест: ще не було");
  });

  it("is open to every member of a group, before and after /subscribe", async () => {
    const h = await startBotHarness({ now: NOW });
    const member = h.fake.addUser();
    const group = h.fake.addChat({ type: "supergroup", title: "Readers", members: [member] });
    expect((await askStatus(h, group.id, member.id)).text).toContain("Not subscribed");

    await subscribe(h, group.id, "supergroup", {
      topics: ["frontline"],
      times: ["08:00"],
      tz: "Europe/Kyiv",
    });
    const after = await askStatus(h, group.id, member.id);
    expect(after.text).toContain("✅ Subscribed");
    expect(after.text).toContain("Topics: Front line");
    expect(after.text).toContain("Next digest: Wed 18 Dec, 08:00 (Europe/Kyiv)");
  });
});
