import { describe, expect, it, onTestFinished } from "vitest";
import { createRateGate } from "../../src/delivery/rate-gate.ts";
import { takeSlotAhead } from "../../src/delivery/slot-ahead.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { useRedis } from "../support/redis.ts";

const DAY = 86_400_000;

/**
 * A gate at 1000/s with no chat gap and `groupPerMinute`, whose first slot
 * came at once, so jobs reserve their first slot ahead (slot-ahead.ts).
 */
async function gateWithSlotsToSpare(groupPerMinute: number) {
  const { redis, keys } = await useRedis();
  const gate = createRateGate(redis, keys, {
    perSecond: 1000,
    chatGapMs: 0,
    groupPerMinute,
    maxWaitMs: 50,
  });
  await gate.reserve(1, false);
  return gate;
}

describe("rate gate", () => {
  it("lets at most 20 messages a minute into one group, and defers the 21st", async () => {
    const { redis, keys } = await useRedis();
    const gate = createRateGate(redis, keys, { perSecond: 1000, chatGapMs: 0, maxWaitMs: 50 });
    for (let i = 0; i < 20; i++) {
      const taken = await gate.take(-42, true);
      if (!("ticket" in taken)) throw new Error(`send ${i + 1} was deferred`);
      await gate.release(taken.ticket);
    }
    const deferred = await gate.take(-42, true);
    expect(deferred).toHaveProperty("deferMs");
    expect((deferred as { deferMs: number }).deferMs).toBeGreaterThan(50_000);
    // A private chat has no minute window.
    for (let i = 0; i < 21; i++) expect(await gate.take(42, false)).toHaveProperty("ticket");
  });

  it("holds every send while paused, across gates on separate connections", async () => {
    const { redis, keys, url } = await useRedis();
    const other = createRedis(url);
    onTestFinished(async () => {
      await other.quit();
    });
    const gate = createRateGate(redis, keys, { perSecond: 1000, maxWaitMs: 50 });
    const peer = createRateGate(other, keys, { perSecond: 1000, maxWaitMs: 50 });
    await gate.pause(DAY);
    expect(await peer.pausedFor()).toBeGreaterThan(DAY - 60_000);
    expect(await peer.take(7, false)).toHaveProperty("deferMs");
    await peer.pause(1000);
    expect(await gate.pausedFor()).toBeGreaterThan(DAY - 60_000);
  });

  it("counts a slot taken ahead once when the first part claims it", async () => {
    const gate = await gateWithSlotsToSpare(2);
    const ahead = takeSlotAhead(gate, -42);
    expect(await ahead.claim(-42, true)).toHaveProperty("ticket");
    ahead.drop();
    expect(await gate.take(-42, true)).toHaveProperty("ticket");
    expect(await gate.take(-42, true)).toHaveProperty("deferMs");
  });

  it("takes a new slot when the chat's kind or id differs from the one taken ahead", async () => {
    const gate = await gateWithSlotsToSpare(1);
    // a positive id is taken for a private chat; this one is a group after all
    const ahead = takeSlotAhead(gate, 42);
    const taken = await ahead.claim(42, true);
    expect(taken).toMatchObject({ ticket: { chatId: 42, group: true } });
    expect(await gate.take(42, true)).toHaveProperty("deferMs");
    // a group that moved to its supergroup: the slot goes to the new id
    const moved = takeSlotAhead(gate, -5);
    expect(await moved.claim(-1005, true)).toMatchObject({ ticket: { chatId: -1005 } });
    expect(await gate.take(-1005, true)).toHaveProperty("deferMs");
  });

  it("takes no slot ahead while sending waits on the rate, so a job with nothing to send costs no one a slot", async () => {
    const { redis, keys } = await useRedis();
    const gate = createRateGate(redis, keys, { perSecond: 1, chatGapMs: 0, maxWaitMs: 10_000 });
    await gate.reserve(1, false);
    expect(gate.slotsToSpare()).toBe(true);
    const second = await gate.reserve(2, false);
    expect(second.waitMs).toBeGreaterThan(900);
    expect(gate.slotsToSpare()).toBe(false);
    takeSlotAhead(gate, 3).drop(); // a digest with nothing new
    const third = await gate.reserve(4, false);
    // the slot after the second (about 2 s away), not one after a slot for chat 3 (3 s)
    expect(third.waitMs).toBeLessThan(second.waitMs + 1500);
  });

  it("spaces sends to one chat through two processes' gates", async () => {
    const { redis, keys, url } = await useRedis();
    const other = createRedis(url);
    onTestFinished(async () => {
      await other.quit();
    });
    const gate = createRateGate(redis, keys, { perSecond: 1000, maxWaitMs: 50 });
    const peer = createRateGate(other, keys, { perSecond: 1000, maxWaitMs: 50 });
    const first = await gate.take(9, false);
    expect(first).toHaveProperty("ticket");
    const second = await peer.take(9, false);
    expect(second).toHaveProperty("deferMs");
    expect((second as { deferMs: number }).deferMs).toBeGreaterThan(900);
  });
});
