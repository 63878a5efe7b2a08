import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isQuietAt, nextDueAt, parseSlotKey, slotKey } from "../../src/chats/next-due.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** The due times from `from` on, one after another. */
function dueTimes(settings: { times: string[]; tz: string }, from: string, count: number) {
  const out: string[] = [];
  let after = at(from);
  for (let i = 0; i < count; i++) {
    after = nextDueAt(settings, after);
    out.push(iso(after));
  }
  return out;
}

describe("nextDueAt", () => {
  const kyiv = { tz: "Europe/Kyiv", times: ["08:00", "19:30"] };

  it("picks the next local time today, then tomorrow", () => {
    // Kyiv is UTC+2 in winter
    expect(iso(nextDueAt(kyiv, at("2025-01-15T05:00:00Z")))).toBe("2025-01-15T06:00:00.000Z");
    expect(iso(nextDueAt(kyiv, at("2025-01-15T06:00:01Z")))).toBe("2025-01-15T17:30:00.000Z");
    expect(iso(nextDueAt(kyiv, at("2025-01-15T18:00:00Z")))).toBe("2025-01-16T06:00:00.000Z");
  });

  it("is strictly after the given instant", () => {
    expect(iso(nextDueAt(kyiv, at("2025-01-15T05:59:59.999Z")))).toBe("2025-01-15T06:00:00.000Z");
    expect(iso(nextDueAt(kyiv, at("2025-01-15T06:00:00.000Z")))).toBe("2025-01-15T17:30:00.000Z");
    expect(iso(nextDueAt(kyiv, at("2025-01-15T06:00:00.001Z")))).toBe("2025-01-15T17:30:00.000Z");
  });

  it("handles midnight", () => {
    const settings = { tz: "Europe/Kyiv", times: ["00:00", "23:59"] };
    expect(dueTimes(settings, "2025-01-15T21:00:00Z", 3)).toEqual([
      "2025-01-15T21:59:00.000Z",
      "2025-01-15T22:00:00.000Z",
      "2025-01-16T21:59:00.000Z",
    ]);
  });

  it("follows the zone's offset through the seasons", () => {
    const ny = { tz: "America/New_York", times: ["08:00"] };
    expect(iso(nextDueAt(ny, at("2025-01-15T00:00:00Z")))).toBe("2025-01-15T13:00:00.000Z");
    expect(iso(nextDueAt(ny, at("2025-07-15T00:00:00Z")))).toBe("2025-07-15T12:00:00.000Z");
  });

  it("rejects settings without a valid time", () => {
    expect(() => nextDueAt({ tz: "UTC", times: [] }, 0)).toThrow(RangeError);
    expect(() => nextDueAt({ tz: "UTC", times: ["25:00"] }, 0)).toThrow(RangeError);
  });

  describe("spring forward: a time in the gap fires once, right after the gap", () => {
    it("Europe/Kyiv, 2025-03-30 (03:00 -> 04:00)", () => {
      expect(dueTimes({ tz: "Europe/Kyiv", times: ["03:30"] }, "2025-03-29T12:00:00Z", 3)).toEqual([
        "2025-03-30T01:00:00.000Z", // 04:00 EEST
        "2025-03-31T00:30:00.000Z", // 03:30 EEST
        "2025-04-01T00:30:00.000Z",
      ]);
    });

    it("America/New_York, 2025-03-09 (02:00 -> 03:00)", () => {
      expect(
        dueTimes({ tz: "America/New_York", times: ["02:30"] }, "2025-03-08T12:00:00Z", 3),
      ).toEqual([
        "2025-03-09T07:00:00.000Z", // 03:00 EDT
        "2025-03-10T06:30:00.000Z", // 02:30 EDT
        "2025-03-11T06:30:00.000Z",
      ]);
    });

    it("a gap time and the time right after it are one digest", () => {
      expect(
        dueTimes({ tz: "Europe/Kyiv", times: ["03:30", "04:00", "12:00"] }, "2025-03-29T23:00Z", 4),
      ).toEqual([
        "2025-03-30T01:00:00.000Z", // 03:30 and 04:00 EEST, once
        "2025-03-30T09:00:00.000Z",
        "2025-03-31T00:30:00.000Z",
        "2025-03-31T01:00:00.000Z",
      ]);
    });
  });

  describe("fall back: a time that occurs twice fires once, the first time", () => {
    it("Europe/Kyiv, 2025-10-26 (04:00 -> 03:00)", () => {
      expect(dueTimes({ tz: "Europe/Kyiv", times: ["03:30"] }, "2025-10-25T12:00:00Z", 3)).toEqual([
        "2025-10-26T00:30:00.000Z", // 03:30 EEST; not again at 03:30 EET (01:30Z)
        "2025-10-27T01:30:00.000Z",
        "2025-10-28T01:30:00.000Z",
      ]);
    });

    it("Europe/Kyiv, asked between the two occurrences", () => {
      const settings = { tz: "Europe/Kyiv", times: ["03:30"] };
      expect(iso(nextDueAt(settings, at("2025-10-26T01:00:00Z")))).toBe("2025-10-27T01:30:00.000Z");
    });

    it("America/New_York, 2025-11-02 (02:00 -> 01:00), with times either side", () => {
      expect(
        dueTimes(
          { tz: "America/New_York", times: ["00:30", "01:30", "12:00"] },
          "2025-11-01T17:00:00Z",
          5,
        ),
      ).toEqual([
        "2025-11-02T04:30:00.000Z", // 00:30 EDT
        "2025-11-02T05:30:00.000Z", // 01:30 EDT; not again at 01:30 EST (06:30Z)
        "2025-11-02T17:00:00.000Z", // 12:00 EST
        "2025-11-03T05:30:00.000Z",
        "2025-11-03T06:30:00.000Z",
      ]);
    });
  });

  it("never skips a digest time and never returns one twice", () => {
    const zones = [
      "Europe/Kyiv",
      "America/New_York",
      "Europe/London",
      "UTC",
      "Asia/Kolkata",
      "Australia/Sydney",
    ];
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 59))
      .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
    const anyDay = fc.integer({ min: at("2024-01-01T00:00:00Z"), max: at("2027-01-01T00:00:00Z") });
    const case_ = fc.constantFrom(...zones).chain((tz) => {
      const changes = offsetChanges(tz, 2025);
      const nearChange = changes.length
        ? fc
            .tuple(fc.constantFrom(...changes), fc.integer({ min: -26 * 60, max: 2 * 60 }))
            .map(([change, minutes]) => change + minutes * 60_000 + 17)
        : anyDay;
      return fc.record({
        tz: fc.constant(tz),
        times: fc.uniqueArray(time, { minLength: 1, maxLength: 6 }),
        after: fc.oneof(anyDay, nearChange),
      });
    });
    fc.assert(
      fc.property(case_, ({ tz, times, after }) => {
        const due = nextDueAt({ tz, times }, after);
        expect(due).toBeGreaterThan(after);
        expect(due - after).toBeLessThanOrEqual(25 * 3_600_000);
        const wanted = new Set(times);
        const first = Math.floor(after / 60_000 + 1) * 60_000;
        const walls = new Map<number, number>();
        for (let m = first - 3_600_000; m <= due; m += 60_000) walls.set(m, wallMinutes(tz, m));
        const wall = (m: number) => walls.get(m) ?? wallMinutes(tz, m);
        // the due instant shows one of the times, unless a gap was jumped just before it
        const gapBefore = wall(due) - wall(due - 60_000) !== 1;
        expect(wanted.has(clock(wall(due))) || gapBefore).toBe(true);
        // no first occurrence of a wanted time lies between `after` and `due`
        for (let m = first; m < due; m += 60_000) {
          if (wall(m) > wall(m - 3_600_000)) expect(wanted.has(clock(wall(m)))).toBe(false);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("hits every DST change day of both zones without losing or doubling a digest", () => {
    for (const [tz, day] of [
      ["Europe/Kyiv", "2025-03-29T12:00:00Z"],
      ["Europe/Kyiv", "2025-10-25T12:00:00Z"],
      ["America/New_York", "2025-03-08T18:00:00Z"],
      ["America/New_York", "2025-11-01T18:00:00Z"],
    ] as const) {
      for (let h = 0; h < 24; h++) {
        for (const m of ["00", "30"]) {
          const times = [`${String(h).padStart(2, "0")}:${m}`];
          const [first, second] = dueTimes({ tz, times }, day, 2).map(at);
          // one digest per local day: consecutive runs 23 to 25 hours apart
          const gap = (second ?? 0) - (first ?? 0);
          expect(gap, `${tz} ${times[0]}`).toBeGreaterThanOrEqual(22.5 * 3_600_000);
          expect(gap, `${tz} ${times[0]}`).toBeLessThanOrEqual(25 * 3_600_000);
        }
      }
    }
  });
});

const wallFormat = new Map<string, Intl.DateTimeFormat>();

/** Local wall-clock time at `ms`, as minutes since 1970-01-01 00:00 local. */
function wallMinutes(tz: string, ms: number): number {
  let format = wallFormat.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    wallFormat.set(tz, format);
  }
  const part = (type: string) =>
    Number(format.formatToParts(ms).find((p) => p.type === type)?.value);
  return (
    Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute")) / 60_000
  );
}

/** "HH:MM" of a wallMinutes value. */
function clock(wall: number): string {
  const day = ((wall % 1440) + 1440) % 1440;
  return `${String(Math.floor(day / 60)).padStart(2, "0")}:${String(day % 60).padStart(2, "0")}`;
}

/** The instants in `year` at which the zone's UTC offset changes. */
function offsetChanges(tz: string, year: number): number[] {
  const offset = (ms: number) => wallMinutes(tz, ms) - Math.floor(ms / 60_000);
  const changes: number[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
    if (offset(day) === offset(day + 86_400_000)) continue;
    let hour = day;
    while (offset(hour + 3_600_000) === offset(day)) hour += 3_600_000;
    changes.push(hour + 3_600_000);
  }
  return changes;
}

describe("isQuietAt", () => {
  const night = { tz: "Europe/Kyiv", quiet: { start: "23:00", end: "07:00" } };

  it.each([
    ["2025-01-15T20:59:00Z", false], // 22:59
    ["2025-01-15T21:00:00Z", true], // 23:00
    ["2025-01-15T23:30:00Z", true], // 01:30
    ["2025-01-16T04:59:00Z", true], // 06:59
    ["2025-01-16T05:00:00Z", false], // 07:00
    ["2025-01-16T10:00:00Z", false], // 12:00
  ])("wraps past midnight: %s quiet=%s", (when, quiet) => {
    expect(isQuietAt(night, at(when))).toBe(quiet);
  });

  it("reads quiet hours in the chat's zone", () => {
    const lunch = { tz: "America/New_York", quiet: { start: "12:00", end: "13:30" } };
    expect(isQuietAt(lunch, at("2025-07-15T16:00:00Z"))).toBe(true); // 12:00 EDT
    expect(isQuietAt(lunch, at("2025-07-15T17:30:00Z"))).toBe(false); // 13:30 EDT
    expect(isQuietAt(lunch, at("2025-01-15T17:00:00Z"))).toBe(true); // 12:00 EST
    expect(isQuietAt(lunch, at("2025-01-15T16:00:00Z"))).toBe(false); // 11:00 EST
  });

  it("is never quiet without quiet hours", () => {
    expect(isQuietAt({ tz: "UTC" }, at("2025-01-15T03:00:00Z"))).toBe(false);
  });
});

describe("slotKey", () => {
  it("names one chat's slot the same way every time", () => {
    expect(slotKey(-1001234567890, 1735714800000)).toBe("-1001234567890_1735714800000");
    expect(slotKey(42, 1)).toBe(slotKey(42, 1));
    expect(slotKey(42, 1)).not.toBe(slotKey(42, 2));
    expect(slotKey(42, 1)).not.toBe(slotKey(-42, 1));
  });

  it("is a valid BullMQ job id and reads back", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_999_999_999_999, max: 9_999_999_999 }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (chatId, dueMs) => {
          const key = slotKey(chatId, dueMs);
          expect(key).not.toContain(":");
          expect(`${Number.parseInt(key, 10)}`).not.toBe(key);
          expect(parseSlotKey(key)).toEqual({ chatId, dueMs });
        },
      ),
    );
    expect(parseSlotKey("abc")).toBeUndefined();
  });
});
