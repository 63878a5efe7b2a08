import { describe, expect, it } from "vitest";
import { createDeliveryCounters } from "../../src/delivery/counters.ts";
import { enqueueDigest, enqueueFlash } from "../../src/delivery/queue.ts";
import { startBotHarness } from "../support/bot-harness.ts";

// Invented articles for tests only: example.org links, made-up outlets and text.
const HOUR = 3_600_000;

async function setup(options: { withQueue: boolean; language?: string }) {
  const h = await startBotHarness({ queue: { connected: options.withQueue } });
  const editor = h.fake.addUser({ language_code: options.language ?? "en" });
  h.deps.editorIds.push(editor.id);
  if (!h.queue) throw new Error("the harness made no queue");
  return { h, fake: h.fake, editor, queue: h.queue };
}

async function someActivity(
  h: Awaited<ReturnType<typeof setup>>["h"],
  queue: Awaited<ReturnType<typeof setup>>["queue"],
) {
  const counters = createDeliveryCounters(h.redis, h.keys);
  await counters.increment("sent", 1234);
  await counters.increment("retried", 5);
  await counters.increment("rateLimitedSeconds", 42);
  await counters.increment("blocked", 3);
  await counters.increment("migrated", 1);
  await counters.increment("failed", 2);
  for (const id of [11, 12, 13]) {
    await h.chats.ensure(id, { kind: "private" });
    await h.chats.setStatus(id, id === 13 ? "paused" : "active");
  }
  for (const n of [1, 2]) {
    await h.articles.put({
      url: `https://example.org/stats/${n}`,
      title: `Invented headline ${n}`,
      summary: "An invented summary for this test.",
      source: "Example Wire",
      publishedAt: Date.now() - n * HOUR,
    });
  }
  await enqueueDigest(queue, 11, Date.now());
  await enqueueDigest(queue, 12, Date.now());
  await enqueueFlash(queue, 11, "0123456789abcdef");
  await queue.add("digest", { kind: "digest", chatId: 12, dueMs: 1 }, { delay: 3_600_000 });
}

describe("/stats", () => {
  it("shows an editor the delivery counters, the queue, subscribers and articles", async () => {
    const { h, fake, editor, queue } = await setup({ withQueue: true });
    await someActivity(h, queue);

    fake.sendText(editor.id, editor, "/stats");
    const reply = await fake.waitForMessage(editor.id);
    expect(reply.parse_mode).toBe("HTML");
    expect(reply.text.split("\n")).toEqual([
      "📊 Delivery",
      "Messages sent: 1,234",
      "Attempts retried: 5",
      "Seconds waited on Telegram's limits: 42",
      "Chats that blocked the bot: 3",
      "Chats that are gone: 0",
      "Groups moved to supergroups: 1",
      "Messages Telegram refused: 0",
      "Jobs that gave up: 2",
      "",
      "Queue",
      "Waiting: 3 · sending: 0 · delayed: 1",
      "",
      "Audience and content",
      "Subscribed chats: 2",
      "Articles stored: 2",
    ]);
  });

  it("answers in Ukrainian, and says when no queue is connected", async () => {
    const { h, fake, editor, queue } = await setup({ withQueue: false, language: "uk" });
    await someActivity(h, queue);

    fake.sendText(editor.id, editor, "/stats");
    const reply = await fake.waitForMessage(editor.id);
    const lines = reply.text.split("\n");
    expect(lines[0]).toBe("📊 Доставка");
    expect(lines[1]).toMatch(/^Надіслано повідомлень: 1\s234$/);
    expect(lines).toContain("Черга");
    expect(lines).toContain("У цьому процесі черга не підключена.");
    expect(lines).toContain("Підписаних чатів: 2");
  });

  it("refuses anyone who is not an editor", async () => {
    const { h, fake, queue } = await setup({ withQueue: true });
    await someActivity(h, queue);
    const reader = fake.addUser({ language_code: "en" });

    fake.sendText(reader.id, reader, "/stats");
    const reply = await fake.waitForMessage(reader.id);
    expect(reply.text).toBe("This command is for editors.");
    expect(fake.sent(reader.id)).toHaveLength(1);
  });
});
