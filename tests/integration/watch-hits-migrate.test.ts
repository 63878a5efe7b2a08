import { describe, expect, it } from "vitest";
import { createWatchHits, WATCH_WINDOW_MS } from "../../src/watches/watch-hits.ts";
import { useRedis } from "../support/redis.ts";

const OLD = -1001;
const NEW = -1002003004;
const NOW = Date.UTC(2026, 11, 5, 12, 0);

describe("watch hits of a group upgraded to a supergroup", () => {
  it("move with the window; a waiting job's time is kept for the supergroup", async () => {
    const { redis, keys } = await useRedis();
    const hits = createWatchHits(redis, keys);
    const lastSent = NOW - 2 * 60_000;
    await hits.sent(OLD, [], lastSent);
    const planned = await hits.add(OLD, "a1", "ferry", NOW);
    expect(planned).toBe(lastSent + WATCH_WINDOW_MS);

    expect(await hits.migrate(OLD, NEW, NOW, true)).toBe(planned);
    expect(await hits.pending(NEW)).toEqual({ a1: "ferry" });
    expect(await hits.pending(OLD)).toEqual({});
    expect(await hits.lastSent(NEW)).toBe(lastSent);
    expect(await redis.exists(keys.watchPlan(OLD), keys.watchLast(OLD))).toBe(0);
    // the other service message moves nothing more and plans nothing twice
    expect(await hits.migrate(OLD, NEW, NOW, true)).toBeUndefined();
  });

  it("plans a window from now when the group's job may be sending", async () => {
    const { redis, keys } = await useRedis();
    const hits = createWatchHits(redis, keys);
    expect(await hits.add(OLD, "a1", "ferry", NOW)).toBe(NOW);
    const later = NOW + 5_000;
    expect(await hits.migrate(OLD, NEW, later, true)).toBe(later + WATCH_WINDOW_MS);
  });

  it("only moves the matches when told not to plan", async () => {
    const { redis, keys } = await useRedis();
    const hits = createWatchHits(redis, keys);
    await hits.add(OLD, "a1", "ferry", NOW);
    expect(await hits.migrate(OLD, NEW, NOW, false)).toBeUndefined();
    expect(await hits.pending(NEW)).toEqual({ a1: "ferry" });
    expect(await redis.exists(keys.watchPlan(NEW))).toBe(0);
    // the supergroup's next match plans its message, with the moved one in it
    expect(await hits.add(NEW, "a2", "ferry", NOW)).toBe(NOW);
    expect(Object.keys(await hits.pending(NEW)).sort()).toEqual(["a1", "a2"]);
  });
});
