import { describe, expect, it } from "vitest";
import { linkedArticleIds } from "../../src/corrections/message-links.ts";
import { SentMessages } from "../../src/corrections/sent-messages.ts";
import { createKeys } from "../../src/redis/keys.ts";
import { ScriptBatch } from "../../src/redis/lua-script.ts";
import { useRedis } from "../support/redis.ts";

// Invented links: example.org, made-up paths.
const CORRECTABLE_MS = 48 * 3600_000;
const HTML =
  '<b>Latest</b>\n<a href="https://example.org/a/1">Invented one</a>\n' +
  '<a href="https://example.org/a/2">Invented two</a>';
const IDS = linkedArticleIds(HTML);

async function setUp() {
  const { redis, prefix } = await useRedis();
  const keys = createKeys(prefix);
  return { redis, keys, sent: new SentMessages(redis, keys) };
}

describe("the record of sent messages", () => {
  it("records every message of one text, each kept at least 48 hours, the text once", async () => {
    const { redis, keys, sent } = await setUp();
    const t0 = Date.now();
    for (let reader = 1; reader <= 3; reader++) {
      await sent.record(reader, 100 + reader, HTML, t0 + reader * 10_000);
    }
    expect(IDS).toHaveLength(2);
    for (const id of IDS) {
      const held = await sent.holding(id, t0 + 40_000);
      expect(held.map((e) => [e.chatId, e.messageId])).toEqual([
        [1, 101],
        [2, 102],
        [3, 103],
      ]);
      // the last reader's message, 30 s after the expiry was set, still has its 48 hours
      const expiresAt = Date.now() + (await redis.pttl(keys.sentWith(id)));
      expect(expiresAt).toBeGreaterThanOrEqual(t0 + 30_000 + CORRECTABLE_MS);
    }
    const [entry] = await sent.holding(IDS[0] as string, t0);
    expect(await sent.body(entry?.bodyHash ?? "")).toBe(HTML);
    expect(await redis.keys(`${keys.prefix}sent:body:*`)).toHaveLength(1);
  });

  it("records a message with a batch's other writes, when the batch runs", async () => {
    const { redis, sent } = await setUp();
    const batch = new ScriptBatch();
    const stored = sent.record(7, 70, HTML, Date.now(), batch);
    await stored;
    expect(await sent.holding(IDS[0] as string, Date.now())).toEqual([]);
    await batch.run(redis);
    const held = await sent.holding(IDS[0] as string, Date.now());
    expect(held.map((e) => [e.chatId, e.messageId])).toEqual([[7, 70]]);
  });

  it("stores a text again, and keys expire again, when Redis lost them meanwhile", async () => {
    const { redis, keys, sent } = await setUp();
    const t0 = Date.now();
    await sent.record(1, 101, HTML, t0);
    const [entry] = await sent.holding(IDS[0] as string, t0);
    // Redis restarted empty: the text's body and entries are gone
    await redis.del(keys.sentBody(entry?.bodyHash ?? ""), ...IDS.map((id) => keys.sentWith(id)));
    await sent.record(2, 102, HTML, t0 + 1000);
    for (const id of IDS) expect(await redis.ttl(keys.sentWith(id))).toBeGreaterThan(0);
    await sent.record(3, 103, HTML, t0 + 2000);
    expect(await sent.body(entry?.bodyHash ?? "")).toBe(HTML);
  });

  it("records nothing for a text that links no article", async () => {
    const { redis, keys, sent } = await setUp();
    await sent.record(1, 101, "<b>Nothing new.</b>", Date.now());
    expect(await redis.keys(`${keys.prefix}sent:*`)).toEqual([]);
  });
});
