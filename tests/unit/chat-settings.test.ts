import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseMaxItems,
  parseQuietHours,
  parseTime,
  parseTimes,
  parseTimeZone,
  type SettingError,
  validateSettingsPatch,
} from "../../src/chats/settings.ts";
import { commonTimeZones, resolveTimeZone } from "../../src/chats/time-zones.ts";

const topicIds = new Set(["aid", "diplomacy", "frontline"]);
const context = { topicIds };

function errorsOf(patch: unknown): SettingError[] {
  const result = validateSettingsPatch(patch, context);
  if (result.ok) throw new Error(`expected errors for ${JSON.stringify(patch)}`);
  return result.errors;
}

function only(patch: unknown): SettingError {
  const errors = errorsOf(patch);
  expect(errors).toHaveLength(1);
  return errors[0] as SettingError;
}

describe("validateSettingsPatch", () => {
  it("accepts an empty patch", () => {
    expect(validateSettingsPatch({}, context)).toEqual({ ok: true, value: {} });
  });

  it("normalises what users type into typed values", () => {
    const result = validateSettingsPatch(
      {
        lang: "UK",
        tz: "kyiv",
        times: "19:30, 8",
        topics: ["frontline", "aid", "aid"],
        maxItems: "7",
        previews: true,
        flash: false,
        quiet: "23-7",
        threadId: 12,
      },
      context,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        lang: "uk",
        tz: "Europe/Kyiv",
        times: ["08:00", "19:30"],
        topics: ["aid", "frontline"],
        maxItems: 7,
        previews: true,
        flash: false,
        quiet: { start: "23:00", end: "07:00" },
        threadId: 12,
      },
    });
  });

  it("accepts typed values as they are", () => {
    const result = validateSettingsPatch(
      { times: ["07:00", "21:15"], maxItems: 10, quiet: { start: "22:00", end: "06:30" } },
      context,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        times: ["07:00", "21:15"],
        maxItems: 10,
        quiet: { start: "22:00", end: "06:30" },
      },
    });
  });

  it("turns optional settings off with null, and quiet hours with 'off'", () => {
    expect(validateSettingsPatch({ quiet: null, threadId: null }, context)).toEqual({
      ok: true,
      value: { quiet: null, threadId: null },
    });
    expect(validateSettingsPatch({ quiet: "off" }, context)).toEqual({
      ok: true,
      value: { quiet: null },
    });
  });

  it("reports an unknown language with the languages allowed", () => {
    expect(only({ lang: "de" })).toEqual({
      field: "lang",
      code: "invalid-language",
      params: { value: "de", allowed: "en, uk" },
      message: "de is not a supported language — choose one of: en, uk",
    });
  });

  it("reports a zone that does not exist and how to name one", () => {
    expect(only({ tz: "Mars/Phobos" })).toEqual({
      field: "tz",
      code: "invalid-timezone",
      params: { value: "Mars/Phobos" },
      message:
        "Mars/Phobos is not a time zone — send a city like Kyiv or a zone like Europe/Berlin",
    });
    expect(only({ tz: 3 }).code).toBe("invalid-timezone");
  });

  it("reports each time that is not a time, with the format allowed", () => {
    const errors = errorsOf({ times: ["25:00", "08:00", "7:60"] });
    expect(errors.map((e) => [e.code, e.params.value])).toEqual([
      ["invalid-time", "25:00"],
      ["invalid-time", "7:60"],
    ]);
    expect(errors[0]?.message).toBe(
      "25:00 is not a time — write times like 07:30 or 7:30, from 00:00 to 23:59, separated by commas",
    );
    expect(only({ times: 8 }).code).toBe("invalid-time");
    expect(only({ times: [800] }).code).toBe("invalid-time");
  });

  it("needs at least one time", () => {
    const error = only({ times: [] });
    expect(error.code).toBe("no-times");
    expect(error.params).toEqual({ min: 1, max: 6 });
    expect(error.message).toContain("1 to 6 times as HH:MM");
    expect(only({ times: " , " }).code).toBe("no-times");
  });

  it("allows at most six distinct times", () => {
    const seven = ["01:00", "02:00", "03:00", "04:00", "05:00", "06:00", "07:00"];
    const error = only({ times: seven });
    expect(error).toMatchObject({
      field: "times",
      code: "too-many-times",
      params: { count: 7, max: 6 },
    });
    expect(error.message).toBe("7 times is too many — choose at most 6 digest times a day");
    const six = [...seven.slice(0, 6), "1:00", "01:00"];
    expect(validateSettingsPatch({ times: six }, context).ok).toBe(true);
  });

  it("reports unknown topics and lists the topics allowed", () => {
    const error = only({ topics: ["frontline", "weather"] });
    expect(error).toEqual({
      field: "topics",
      code: "unknown-topic",
      params: { value: "weather", allowed: "aid, diplomacy, frontline" },
      message: "weather is not a topic — choose from: aid, diplomacy, frontline",
    });
    const notAList = only({ topics: "frontline" });
    expect(notAList.code).toBe("invalid-topics");
    expect(notAList.message).toContain("aid, diplomacy, frontline");
  });

  it("keeps the item count between 1 and 10", () => {
    for (const bad of [0, 11, 2.5, -1, "11", "five", Number.NaN, null]) {
      const error = only({ maxItems: bad });
      expect(error.code).toBe("items-out-of-range");
      expect(error.params).toMatchObject({ min: 1, max: 10 });
      expect(error.message).toContain("a whole number from 1 to 10");
    }
    expect(validateSettingsPatch({ maxItems: 1 }, context).ok).toBe(true);
  });

  it("reports quiet hours that are not a period", () => {
    for (const bad of ["23:00-23:00", "late", "23:00", "25:00-07:00", { start: "23:00" }, 5]) {
      const error = only({ quiet: bad });
      expect(error.code).toBe("invalid-quiet-hours");
      expect(error.message).toContain("HH:MM-HH:MM, e.g. 23:00-07:00");
    }
  });

  it("takes switches only as true or false", () => {
    const error = only({ previews: "yes" });
    expect(error).toEqual({
      field: "previews",
      code: "invalid-switch",
      params: { value: "yes" },
      message: "yes is not on or off — previews takes true or false",
    });
    expect(only({ flash: 1 }).field).toBe("flash");
  });

  it("takes a forum topic id only as a positive whole number", () => {
    for (const bad of [0, -5, 1.5, "12"]) {
      const error = only({ threadId: bad });
      expect(error.code).toBe("invalid-thread");
      expect(error.message).toContain("positive whole number");
    }
  });

  it("reports every bad field at once", () => {
    const errors = errorsOf({ lang: "fr", tz: "Atlantis", maxItems: 0, times: "8:00" });
    expect(errors.map((e) => e.field).sort()).toEqual(["lang", "maxItems", "tz"]);
  });

  it("treats a non-object patch or an unknown field as a bug", () => {
    expect(() => validateSettingsPatch("tz=kyiv", context)).toThrow(TypeError);
    expect(() => validateSettingsPatch(null, context)).toThrow(TypeError);
    expect(() => validateSettingsPatch({ status: "active" }, context)).toThrow(
      /status is not a chat setting/,
    );
  });

  it("shortens long values it quotes back", () => {
    const error = only({ tz: "x".repeat(100) });
    expect(String(error.params.value)).toHaveLength(40);
  });
});

describe("parseTime", () => {
  it.each([
    ["8", "08:00"],
    ["08", "08:00"],
    ["8:00", "08:00"],
    ["08:05", "08:05"],
    ["19.30", "19:30"],
    ["1930", "19:30"],
    ["0:00", "00:00"],
    ["23:59", "23:59"],
    ["8am", "08:00"],
    ["8 AM", "08:00"],
    ["7pm", "19:00"],
    ["7:30 p.m.", "19:30"],
    ["12am", "00:00"],
    ["12pm", "12:00"],
    ["noon", "12:00"],
    ["midnight", "00:00"],
    ["8h", "08:00"],
  ])("reads %s as %s", (text, time) => {
    expect(parseTime(text)).toBe(time);
  });

  it.each(["25:00", "24:00", "7:60", "7:5", "13pm", "0am", "", "eight", "-1", "800", "08:00:00"])(
    "rejects %j",
    (text) => {
      expect(parseTime(text)).toBeUndefined();
    },
  );

  it("reads every time of day in its usual spellings", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (h, m) => {
        const mm = String(m).padStart(2, "0");
        const expected = `${String(h).padStart(2, "0")}:${mm}`;
        const h12 = h % 12 === 0 ? 12 : h % 12;
        const half = h < 12 ? "am" : "pm";
        for (const text of [expected, `${h}:${mm}`, `${h}.${mm}`, `${h12}:${mm}${half}`]) {
          expect(parseTime(text)).toBe(expected);
        }
      }),
    );
  });

  it("returns only valid HH:MM for any input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const time = parseTime(text);
        if (time !== undefined) expect(time).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      }),
    );
  });
});

describe("parseTimes", () => {
  it("reads a list in any separator, sorted and without repeats", () => {
    expect(parseTimes("8:00, 19:30")).toEqual({ ok: true, value: ["08:00", "19:30"] });
    expect(parseTimes("7pm 8 am; 08:00")).toEqual({ ok: true, value: ["08:00", "19:00"] });
    expect(parseTimes("9 and 21")).toEqual({ ok: true, value: ["09:00", "21:00"] });
  });

  it("reads an hour and minutes typed with a space as one time when the minutes cannot be an hour", () => {
    expect(parseTimes("7 30")).toEqual({ ok: true, value: ["07:30"] });
    expect(parseTimes("7 30, 19 45")).toEqual({ ok: true, value: ["07:30", "19:45"] });
    expect(parseTimes("7 30pm")).toEqual({ ok: true, value: ["19:30"] });
    expect(parseTimes("7 15")).toEqual({ ok: true, value: ["07:00", "15:00"] });
    expect(parseTimes("7 60").ok).toBe(false);
  });

  it("reports every entry that is not a time", () => {
    const result = parseTimes("8:00, 25:00, noonish");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.params.value)).toEqual(["25:00", "noonish"]);
  });
});

describe("time zones", () => {
  it.each([
    ["Kyiv", "Europe/Kyiv"],
    ["kiev", "Europe/Kyiv"],
    ["Europe/Kiev", "Europe/Kyiv"],
    ["europe/kyiv", "Europe/Kyiv"],
    ["Київ", "Europe/Kyiv"],
    ["Львів", "Europe/Kyiv"],
    ["Odesa", "Europe/Kyiv"],
    ["Kharkiv, Ukraine", "Europe/Kyiv"],
    ["new york", "America/New_York"],
    ["New_York", "America/New_York"],
    ["los angeles", "America/Los_Angeles"],
    ["Washington", "America/New_York"],
    ["EST", "America/New_York"],
    ["London", "Europe/London"],
    ["Zürich", "Europe/Zurich"],
    ["US/Eastern", "America/New_York"],
    ["utc", "UTC"],
    ["Calcutta", "Asia/Kolkata"],
  ])("resolves %s to %s", (input, zone) => {
    expect(resolveTimeZone(input)).toBe(zone);
  });

  it.each(["Mars/Phobos", "", "   ", "noon", "+03:00", "constructor", "toString"])(
    "rejects %j",
    (input) => {
      expect(resolveTimeZone(input)).toBeUndefined();
    },
  );

  it("offers preset zones that resolve to themselves", () => {
    expect(commonTimeZones.map((z) => z.zone)).toContain("Europe/Kyiv");
    for (const { zone, label } of commonTimeZones) {
      expect(resolveTimeZone(zone)).toBe(zone);
      expect(resolveTimeZone(label)).toBe(zone);
    }
  });

  it("parses a zone or says how to name one", () => {
    expect(parseTimeZone(" kyiv ")).toEqual({ ok: true, value: "Europe/Kyiv" });
    const result = parseTimeZone("Mars/Phobos");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.code).toBe("invalid-timezone");
  });
});

describe("parseMaxItems", () => {
  it("reads a whole number from 1 to 10", () => {
    expect(parseMaxItems("7")).toEqual({ ok: true, value: 7 });
    expect(parseMaxItems(" 10 ")).toEqual({ ok: true, value: 10 });
    for (const bad of ["0", "11", "7.5", "-3", "seven", ""]) {
      const result = parseMaxItems(bad);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors[0]?.code).toBe("items-out-of-range");
    }
  });
});

describe("parseQuietHours", () => {
  it.each([
    ["23:00-07:00", { start: "23:00", end: "07:00" }],
    ["23:00 – 07:00", { start: "23:00", end: "07:00" }],
    ["23-7", { start: "23:00", end: "07:00" }],
    ["11pm to 7am", { start: "23:00", end: "07:00" }],
    ["22:00 до 06:00", { start: "22:00", end: "06:00" }],
    ["13:00-14:30", { start: "13:00", end: "14:30" }],
    ["off", null],
    ["None", null],
  ])("reads %s", (text, value) => {
    expect(parseQuietHours(text)).toEqual({ ok: true, value });
  });

  it.each(["23:00", "23:00-23:00", "23:00-07:00-08:00", "late", "25-7"])("rejects %j", (text) => {
    const result = parseQuietHours(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.code).toBe("invalid-quiet-hours");
  });
});
