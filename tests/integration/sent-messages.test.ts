import { describe, expect, it } from "vitest";
import { createSentMessages } from "../../src/corrections/sent-messages.ts";
import { createKeys } from "../../src/redis/keys.ts";
import { useRedis } from "../support/redis.ts";

// Invented links: example.org, made-up paths.
const CORRECTABLE_MS = 48 * 3600_000;
const HTML =
  '<b>Latest</b>\n<a href="https://example.org/a/1">Invented one</a>\n' +
  '<a href="https://example.org/a/2">Invented two</a>';

describe("shared texts (one /latest answer, many readers)", () => {
  it("records every reader's message, each kept at least 48 hours", async () => {
    const { redis, prefix } = await useRedis();
    const keys = createKeys(prefix);
    const sent = createSentMessages(redis, keys);
    const t0 = Date.now();
    const text = await sent.storeShared(HTML, t0);
    expect(text?.ids).toHaveLength(2);
    if (!text) return;
    for (let reader = 1; reader <= 3; reader++) {
      await sent.recordShared(reader, 100 + reader, text, t0 + reader * 10_000);
    }
    for (const id of text.ids) {
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
    expect(await sent.body(text.bodyHash)).toBe(HTML);
  });

  it("stores nothing for a text that links no article", async () => {
    const { redis, prefix } = await useRedis();
    const sent = createSentMessages(redis, createKeys(prefix));
    expect(await sent.storeShared("<b>Nothing new.</b>", Date.now())).toBeUndefined();
  });
});
