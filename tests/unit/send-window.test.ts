import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SendWindow } from "../../src/delivery/send-window.ts";

describe("SendWindow", () => {
  it("lets `limit` sends into a second, then says when the next one fits", () => {
    const window = new SendWindow(3);
    for (const at of [0, 10, 20]) {
      expect(window.waitAt(at)).toBe(0);
      window.note(at);
    }
    expect(window.waitAt(500)).toBe(500);
    expect(window.waitAt(1000)).toBe(0);
    window.note(1000);
    expect(window.waitAt(1001)).toBe(9);
  });

  it("never has more than `limit` sends in any sliding second when callers wait as told", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }),
        (limit, steps) => {
          const window = new SendWindow(limit);
          const starts: number[] = [];
          let now = 0;
          for (const step of steps) {
            now += step;
            now += window.waitAt(now);
            window.note(now);
            starts.push(now);
          }
          for (let i = 0; i < starts.length; i++) {
            const inSecond = starts.filter(
              (t) => t >= (starts[i] as number) && t < (starts[i] as number) + 1000,
            );
            expect(inSecond.length).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });

  it("refuses a limit under one", () => {
    expect(() => new SendWindow(0)).toThrow(RangeError);
  });
});
