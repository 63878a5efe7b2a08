import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createFeedStateStore,
  JITTER,
  MAX_BACKOFF_MS,
  MAX_RETRY_AFTER_MS,
  nextPollDelayMs,
  POLL_FLOOR_MS,
} from "../../src/feeds/feed-state.ts";
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
});

describe("nextPollDelayMs", () => {
  const MIN = 60_000;
  const fixed = (r: number) => () => r;

  it("polls at pollMinutes after a success, jittered by at most 10%", () => {
    expect(nextPollDelayMs({ pollMinutes: 15, failures: 0, random: fixed(0.5) })).toBe(15 * MIN);
    expect(nextPollDelayMs({ pollMinutes: 15, failures: 0, random: fixed(0) })).toBe(13.5 * MIN);
    expect(nextPollDelayMs({ pollMinutes: 15, failures: 0, random: fixed(0.9999999) })).toBe(
      Math.round(15 * MIN * (1 + (0.9999999 * 2 - 1) * 0.1)),
    );
  });

  it("waits as long as max-age or the feed's ttl ask, when longer", () => {
    expect(
      nextPollDelayMs({ pollMinutes: 15, failures: 0, cacheMaxAgeSec: 3600, random: fixed(0.5) }),
    ).toBe(60 * MIN);
    expect(
      nextPollDelayMs({ pollMinutes: 15, failures: 0, ttlMinutes: 30, random: fixed(0.5) }),
    ).toBe(30 * MIN);
    expect(
      nextPollDelayMs({ pollMinutes: 15, failures: 0, cacheMaxAgeSec: 60, random: fixed(0.5) }),
    ).toBe(15 * MIN);
    expect(
      nextPollDelayMs({
        pollMinutes: 15,
        failures: 0,
        cacheMaxAgeSec: 31_536_000,
        random: fixed(0.5),
      }),
    ).toBe(MAX_BACKOFF_MS);
  });

  it("backs off exponentially from the interval after failures, up to 6 hours", () => {
    const delays = [1, 2, 3, 4, 5, 6, 10].map((failures) =>
      nextPollDelayMs({ pollMinutes: 15, failures, random: fixed(0.5) }),
    );
    expect(delays).toEqual([15, 30, 60, 120, 240, 360, 360].map((m) => m * MIN));
  });

  it("never polls earlier than Retry-After", () => {
    expect(
      nextPollDelayMs({ pollMinutes: 15, failures: 1, retryAfterSec: 7200, random: fixed(0.5) }),
    ).toBe(120 * MIN);
    expect(
      nextPollDelayMs({
        pollMinutes: 15,
        failures: 1,
        retryAfterSec: 10 * 3600,
        random: fixed(0.5),
      }),
    ).toBe(600 * MIN);
  });

  const input = fc.record({
    pollMinutes: fc.integer({ min: 5, max: 1440 }),
    failures: fc.integer({ min: 0, max: 100 }),
    cacheMaxAgeSec: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
    ttlMinutes: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
    retryAfterSec: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
    r: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  });

  it("is never below the 5-minute floor", () => {
    fc.assert(
      fc.property(input, ({ r, ...rest }) => {
        expect(nextPollDelayMs({ ...rest, random: fixed(r) })).toBeGreaterThanOrEqual(
          POLL_FLOOR_MS,
        );
      }),
    );
  });

  it("is never above 6 hours after a failure unless Retry-After asks for more", () => {
    fc.assert(
      fc.property(input, ({ r, ...rest }) => {
        fc.pre(rest.failures > 0);
        const delay = nextPollDelayMs({ ...rest, random: fixed(r) });
        const retryAfterMs = Math.min(MAX_RETRY_AFTER_MS, (rest.retryAfterSec ?? 0) * 1000);
        expect(delay).toBeLessThanOrEqual(Math.max(MAX_BACKOFF_MS, retryAfterMs));
      }),
    );
  });

  it("always respects Retry-After (up to a day)", () => {
    fc.assert(
      fc.property(input, ({ r, ...rest }) => {
        const delay = nextPollDelayMs({ ...rest, random: fixed(r) });
        expect(delay).toBeGreaterThanOrEqual(
          Math.min(MAX_RETRY_AFTER_MS, (rest.retryAfterSec ?? 0) * 1000),
        );
      }),
    );
  });

  it("stays within the jitter band around the success interval", () => {
    fc.assert(
      fc.property(input, ({ r, pollMinutes }) => {
        const delay = nextPollDelayMs({ pollMinutes, failures: 0, random: fixed(r) });
        const interval = Math.max(POLL_FLOOR_MS, pollMinutes * MIN);
        expect(delay).toBeGreaterThanOrEqual(Math.max(POLL_FLOOR_MS, interval * (1 - JITTER) - 1));
        expect(delay).toBeLessThanOrEqual(interval * (1 + JITTER) + 1);
      }),
    );
  });

  it("is deterministic given the random source, and never shrinks as failures grow", () => {
    fc.assert(
      fc.property(input, ({ r, ...rest }) => {
        const a = nextPollDelayMs({ ...rest, random: fixed(r) });
        const b = nextPollDelayMs({ ...rest, random: fixed(r) });
        expect(a).toBe(b);
        const more = nextPollDelayMs({ ...rest, failures: rest.failures + 1, random: fixed(r) });
        if (rest.failures > 0) expect(more).toBeGreaterThanOrEqual(a);
      }),
    );
  });
});
