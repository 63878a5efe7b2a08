import { describe, expect, it } from "vitest";
import { createFeedStateStore } from "../../src/feeds/feed-state.ts";
import { useRedis } from "../support/redis.ts";

describe("FeedStateStore", () => {
  it("starts empty: no validators, no failures, not paused", async () => {
    const { redis, keys } = await useRedis();
    const store = createFeedStateStore(redis, keys);
    expect(await store.get("example-outlet")).toEqual({ failures: 0, paused: false });
  });

  it("records a success with validators, a remembered URL and the item count", async () => {
    const { redis, keys } = await useRedis();
    const store = createFeedStateStore(redis, keys);
    await store.recordSuccess("example-outlet", {
      at: 1_000,
      nextAt: 901_000,
      validators: { etag: '"v1"', lastModified: "Tue, 17 Dec 2024 10:00:00 GMT" },
      url: "https://example.org/new-feed/",
      itemsSeen: 12,
    });
    expect(await store.get("example-outlet")).toEqual({
      etag: '"v1"',
      lastModified: "Tue, 17 Dec 2024 10:00:00 GMT",
      url: "https://example.org/new-feed/",
      lastFetchAt: 1_000,
      lastSuccessAt: 1_000,
      failures: 0,
      nextAt: 901_000,
      paused: false,
      itemsSeen: 12,
    });
    expect(await redis.exists(keys.feed("example-outlet"))).toBe(1);
  });

  it("keeps the validators after a 304 and drops the ones a new 200 lacks", async () => {
    const { redis, keys } = await useRedis();
    const store = createFeedStateStore(redis, keys);
    await store.recordSuccess("s", {
      at: 1,
      nextAt: 2,
      validators: { etag: '"v1"', lastModified: "Mon, 16 Dec 2024 10:00:00 GMT" },
    });
    await store.recordSuccess("s", { at: 3, nextAt: 4 });
    expect(await store.get("s")).toMatchObject({ etag: '"v1"', lastSuccessAt: 3, nextAt: 4 });
    await store.recordSuccess("s", { at: 5, nextAt: 6, validators: { etag: '"v2"' } });
    const state = await store.get("s");
    expect(state.etag).toBe('"v2"');
    expect(state).not.toHaveProperty("lastModified");
  });

  it("counts consecutive failures and resets them on success", async () => {
    const { redis, keys } = await useRedis();
    const store = createFeedStateStore(redis, keys);
    const seen: number[] = [];
    const nextAt = (failures: number) => {
      seen.push(failures);
      return 10_000 * failures;
    };
    expect(await store.recordFailure("s", { at: 1, error: "server error 500", nextAt })).toEqual({
      failures: 1,
      nextAt: 10_000,
    });
    expect(
      await store.recordFailure("s", { at: 2, error: "timeout after 20000 ms", nextAt }),
    ).toEqual({ failures: 2, nextAt: 20_000 });
    expect(seen).toEqual([1, 2]);
    expect(await store.get("s")).toMatchObject({
      failures: 2,
      lastFetchAt: 2,
      nextAt: 20_000,
      lastError: "timeout after 20000 ms",
    });
    await store.recordSuccess("s", { at: 3, nextAt: 4 });
    const state = await store.get("s");
    expect(state.failures).toBe(0);
    expect(state).not.toHaveProperty("lastError");
  });

  it("accepts a fixed next due time and truncates long errors", async () => {
    const { redis, keys } = await useRedis();
    const store = createFeedStateStore(redis, keys);
    await store.recordFailure("s", { at: 1, error: "x".repeat(2000), nextAt: 99 });
    const state = await store.get("s");
    expect(state.nextAt).toBe(99);
    expect(state.lastError).toHaveLength(500);
  });

  it("pauses and resumes a source without touching its other state", async () => {
    const { redis, keys } = await useRedis();
    const store = createFeedStateStore(redis, keys);
    await store.recordSuccess("s", { at: 1, nextAt: 2, validators: { etag: '"v1"' } });
    await store.setPaused("s", true);
    expect(await store.get("s")).toMatchObject({ paused: true, etag: '"v1"' });
    await store.setPaused("s", false);
    expect(await store.get("s")).toMatchObject({ paused: false, etag: '"v1"' });
  });

  it("keeps each source's state apart", async () => {
    const { redis, keys } = await useRedis();
    const store = createFeedStateStore(redis, keys);
    await store.recordFailure("a", { at: 1, error: "e", nextAt: 2 });
    await store.setPaused("b", true);
    expect(await store.get("a")).toMatchObject({ failures: 1, paused: false });
    expect(await store.get("b")).toEqual({ failures: 0, paused: true });
  });

  it("forgets a remembered URL when told the configured one answers again", async () => {
    const { redis, keys } = await useRedis();
    const store = createFeedStateStore(redis, keys);
    await store.recordSuccess("s", { at: 1, nextAt: 2, url: "https://example.org/moved/" });
    await store.recordSuccess("s", { at: 3, nextAt: 4 });
    expect((await store.get("s")).url).toBe("https://example.org/moved/");
    await store.recordSuccess("s", { at: 5, nextAt: 6, forgetUrl: true });
    expect(await store.get("s")).not.toHaveProperty("url");
  });

  it("marks an alert once and clears it once", async () => {
    const { redis, keys } = await useRedis();
    const store = createFeedStateStore(redis, keys);
    expect(await store.clearAlerted("s")).toBe(false);
    expect(await store.markAlerted("s", 1)).toBe(true);
    expect(await store.markAlerted("s", 2)).toBe(false);
    expect(await store.clearAlerted("s")).toBe(true);
    expect(await store.clearAlerted("s")).toBe(false);
    expect(await store.markAlerted("s", 3)).toBe(true);
  });
});
