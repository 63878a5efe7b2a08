import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lead3, loadSummaryFixtures } from "../../bench/rouge.ts";
import { lcsLength, rouge1, rougeL } from "../../bench/rouge-score.ts";
import { splitSentences } from "../../src/articles/sentences.ts";

describe("rouge1 and rougeL", () => {
  it("give 1 for identical texts, whatever the case and punctuation", () => {
    const text = "Air defences shot down 40 of 45 drones overnight.";
    expect(rouge1(text, text)).toBe(1);
    expect(rougeL(text, text)).toBe(1);
    expect(rougeL("AIR defences, shot down!", "air defences shot down")).toBe(1);
  });

  it("give 0 for texts with no word in common", () => {
    expect(rouge1("drones hit the port", "grain ship sailed")).toBe(0);
    expect(rougeL("drones hit the port", "grain ship sailed")).toBe(0);
    expect(rouge1("", "grain ship sailed")).toBe(0);
    expect(rougeL("grain ship sailed", "")).toBe(0);
  });

  it("match Lin's worked example: word order counts for L, not for 1", () => {
    const reference = "police killed the gunman";
    // LCS "police … the gunman" = 3 of 4 words each way: P = R = F = 3/4
    expect(rougeL("police kill the gunman", reference)).toBeCloseTo(0.75, 12);
    // LCS "the gunman" = 2 of 4: F = 1/2
    expect(rougeL("the gunman kill police", reference)).toBeCloseTo(0.5, 12);
    // both candidates share the same 3 unigrams with the reference
    expect(rouge1("police kill the gunman", reference)).toBeCloseTo(0.75, 12);
    expect(rouge1("the gunman kill police", reference)).toBeCloseTo(0.75, 12);
  });

  it("weigh precision and recall equally", () => {
    // LCS "a c e" = 3: P = 3/5, R = 3/3, F = 2·0.6·1 / 1.6 = 0.75
    expect(rougeL("a b c d e", "a c e")).toBeCloseTo(0.75, 12);
    expect(rougeL("a c e", "a b c d e")).toBeCloseTo(0.75, 12);
  });

  it("count a repeated word only as often as the other text has it", () => {
    // overlap "the" once: P = 1/3, R = 1/1, F = 0.5
    expect(rouge1("the the the", "the")).toBeCloseTo(0.5, 12);
    expect(lcsLength(["the", "the", "the"], ["the"])).toBe(1);
  });

  it("find the longest common subsequence", () => {
    expect(lcsLength([..."ABCBDAB"], [..."BDCABA"])).toBe(4);
    expect(lcsLength([], ["a"])).toBe(0);
  });

  it("never give ROUGE-L above ROUGE-1, and stay in [0, 1] and symmetric", () => {
    const words = fc.array(fc.constantFrom("war", "drone", "port", "grain", "the", "a"), {
      maxLength: 12,
    });
    fc.assert(
      fc.property(words, words, (a, b) => {
        const x = a.join(" ");
        const y = b.join(" ");
        const l = rougeL(x, y);
        const one = rouge1(x, y);
        expect(l).toBeLessThanOrEqual(one + 1e-12);
        expect(l).toBeGreaterThanOrEqual(0);
        expect(one).toBeLessThanOrEqual(1);
        expect(l).toBeCloseTo(rougeL(y, x), 12);
        expect(one).toBeCloseTo(rouge1(y, x), 12);
      }),
    );
  });
});

describe("summary fixtures", () => {
  const raw = JSON.parse(
    readFileSync(new URL("../fixtures/summaries/summaries.json", import.meta.url), "utf8"),
  ) as { note: string };
  const fixtures = loadSummaryFixtures();

  it("are marked invented and link only to example.org", () => {
    expect(raw.note).toBe("Invented texts for testing the summarizer; not real news.");
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    expect(new Set(fixtures.map((f) => f.id)).size).toBe(fixtures.length);
    for (const fixture of fixtures) expect(fixture.url).toMatch(/^https:\/\/example\.org\//);
  });

  it("have 6–15 sentences and a reference summary of 2–3 sentences within 500 characters", () => {
    for (const fixture of fixtures) {
      const count = splitSentences(fixture.text).length;
      expect(count, fixture.id).toBeGreaterThanOrEqual(6);
      expect(count, fixture.id).toBeLessThanOrEqual(15);
      const reference = splitSentences(fixture.reference).length;
      expect(reference, fixture.id).toBeGreaterThanOrEqual(2);
      expect(reference, fixture.id).toBeLessThanOrEqual(3);
      expect([...fixture.reference].length, fixture.id).toBeLessThanOrEqual(500);
    }
  });

  it("give a lead-3 baseline of whole leading sentences", () => {
    const text = "First one. Second one. Third one. Fourth one.";
    expect(lead3(text)).toBe("First one. Second one. Third one.");
    expect(lead3(text, 25)).toBe("First one. Second one.");
  });
});
