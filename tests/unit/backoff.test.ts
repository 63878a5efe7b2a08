import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  JITTER,
  MAX_BACKOFF_MS,
  MAX_RETRY_AFTER_MS,
  nextPollDelayMs,
  POLL_FLOOR_MS,
} from "../../src/feeds/backoff.ts";

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

describe("nextPollDelayMs with unusable numbers", () => {
  const MIN = 60_000;
  const half = () => 0.5;

  it("reads a missing, negative or non-finite hint as no hint", () => {
    for (const hint of [Number.NaN, Number.POSITIVE_INFINITY, -3600]) {
      expect(
        nextPollDelayMs({
          pollMinutes: 15,
          failures: 0,
          cacheMaxAgeSec: hint,
          ttlMinutes: hint,
          retryAfterSec: hint,
          random: half,
        }),
      ).toBe(15 * MIN);
    }
  });

  it("falls back to the 5-minute floor when pollMinutes is unusable", () => {
    expect(nextPollDelayMs({ pollMinutes: Number.NaN, failures: 0, random: half })).toBe(
      POLL_FLOOR_MS,
    );
    expect(nextPollDelayMs({ pollMinutes: 0, failures: 0, random: half })).toBe(POLL_FLOOR_MS);
  });

  it("counts whole failures only, and a negative count as none", () => {
    expect(nextPollDelayMs({ pollMinutes: 15, failures: 2.9, random: half })).toBe(30 * MIN);
    expect(nextPollDelayMs({ pollMinutes: 15, failures: -4, random: half })).toBe(15 * MIN);
  });

  it("clamps a random source that strays outside [0, 1)", () => {
    expect(nextPollDelayMs({ pollMinutes: 15, failures: 0, random: () => 7 })).toBe(16.5 * MIN);
    expect(nextPollDelayMs({ pollMinutes: 15, failures: 0, random: () => -1 })).toBe(13.5 * MIN);
    expect(nextPollDelayMs({ pollMinutes: 15, failures: 0, random: () => Number.NaN })).toBe(
      13.5 * MIN,
    );
  });
});
