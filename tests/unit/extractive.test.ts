import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarizeExtractive, summarizeSentences } from "../../src/articles/extractive.ts";
import { splitSentences } from "../../src/articles/sentences.ts";
import {
  contentTokens,
  cosine,
  jaccard,
  stopWords,
  termVector,
  tokenize,
} from "../../src/articles/text-similarity.ts";

// Every text below is invented for these tests; none of it is news.

const chars = (text: string) => [...text].length;

/**
 * How many of `sentences`, kept in their order and joined by single spaces,
 * make up `summary`; null when no such selection does.
 */
function orderedJoin(summary: string, sentences: readonly string[]): number | null {
  const failed = new Set<string>();
  const from = (position: number, next: number): number | null => {
    const key = `${position}:${next}`;
    if (failed.has(key)) return null;
    for (let i = next; i < sentences.length; i++) {
      const sentence = sentences[i] as string;
      if (!summary.startsWith(sentence, position)) continue;
      const end = position + sentence.length;
      if (end === summary.length) return 1;
      if (summary[end] !== " ") continue;
      const rest = from(end + 1, i + 1);
      if (rest !== null) return rest + 1;
    }
    failed.add(key);
    return null;
  };
  return summary === "" ? null : from(0, 0);
}

/** The summary's shape: whole sentences (and how many), a word-boundary cut, or nothing. */
function checkShape(summary: string, input: string, maxChars: number, maxSentences: number) {
  expect(chars(summary)).toBeLessThanOrEqual(maxChars);
  const sentences = splitSentences(input);
  if (summary === "") {
    expect(sentences.every((s) => tokenize(s).length === 0)).toBe(true);
    return;
  }
  const count = orderedJoin(summary, sentences);
  if (count === null) {
    expect(isWordCut(summary, sentences, maxChars)).toBe(true);
  } else {
    expect(count).toBeLessThanOrEqual(maxSentences);
  }
}

/**
 * Whether `summary` is a sentence cut at a word boundary plus "…": what is
 * left of the sentence starts with a space (after any punctuation the cut
 * dropped), or the sentence's first word alone is longer than the limit.
 */
function isWordCut(summary: string, sentences: readonly string[], maxChars: number): boolean {
  if (!summary.endsWith("…")) return false;
  const body = summary.slice(0, -1);
  return sentences.some((sentence) => {
    if (!sentence.startsWith(body) || sentence === body) return false;
    const rest = sentence.slice(body.length);
    if (/^[,;:—–\-([{"“„«‘‹]*\s/u.test(rest)) return true;
    const firstWord = sentence.split(/\s/u)[0] ?? "";
    return !/\s/u.test(body) && chars(firstWord) > maxChars - 1;
  });
}

const latinWord = fc.stringMatching(/^[a-z]{1,12}$/);
const cyrillicWord = fc
  .array(fc.constantFrom(..."абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэё’"), {
    minLength: 1,
    maxLength: 12,
  })
  .map((letters) => letters.join(""));
const longWord = fc
  .array(fc.constantFrom(..."abcxyzжщї"), { minLength: 40, maxLength: 700 })
  .map((letters) => letters.join(""));
const oddWord = fc.constantFrom("40,000", "1.5", "😀war", "“quoted”", "—", "(aside)", "U.S.");
const word = fc.oneof(
  { weight: 6, arbitrary: latinWord },
  { weight: 6, arbitrary: cyrillicWord },
  { weight: 1, arbitrary: longWord },
  { weight: 1, arbitrary: oddWord },
);
const sentence = fc
  .tuple(fc.array(word, { minLength: 1, maxLength: 30 }), fc.constantFrom(".", "!", "?", "…", ""))
  .map(([words, end]) => {
    const text = words.join(" ");
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}${end}`;
  });
const text = fc
  .tuple(fc.array(sentence, { minLength: 0, maxLength: 20 }), fc.constantFrom(" ", "\n\n", "\n"))
  .map(([sentences, separator]) => sentences.join(separator));

describe("summarizeExtractive", () => {
  it("stays within 500 characters and ends at a sentence end or a word boundary", () => {
    fc.assert(
      fc.property(text, (input) => checkShape(summarizeExtractive(input), input, 500, 3)),
      { numRuns: 300 },
    );
  });

  it("keeps any smaller budget the same way", () => {
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 5 }),
        (input, maxChars, maxSentences) =>
          checkShape(
            summarizeExtractive(input, { maxChars, maxSentences }),
            input,
            maxChars,
            maxSentences,
          ),
      ),
      { numRuns: 300 },
    );
  });

  it("is deterministic, whatever ran before", () => {
    fc.assert(
      fc.property(text, text, fc.option(fc.string()), (input, other, title) => {
        const options = title === null ? {} : { title };
        const first = summarizeExtractive(input, options);
        summarizeExtractive(other, options);
        expect(summarizeExtractive(input, options)).toBe(first);
      }),
      { numRuns: 200 },
    );
  });

  it("prefers the sentence that states the news over a scene-setting lead", () => {
    const article = [
      "The morning was grey and quiet, and a dog barked somewhere behind the old fence.",
      "A missile strike on the river port of Examplehaven destroyed two grain warehouses on Tuesday, the port authority said.",
      "The port authority said the grain warehouses held about 5,000 tonnes of wheat.",
      "Firefighters worked at the port until evening to stop the fire spreading to other warehouses.",
      "Exports through the port will be suspended for a week while the damage to the warehouses is assessed.",
    ].join(" ");
    expect(summarizeExtractive(article, { maxSentences: 1 })).toBe(
      "A missile strike on the river port of Examplehaven destroyed two grain warehouses on Tuesday, the port authority said.",
    );
  });

  it("lets the title decide between sentences otherwise alike", () => {
    const article = [
      "Shelling damaged a bakery in the town of Examplevka on Monday, injuring its owner.",
      "Shelling damaged a water pumping station in the town of Examplevka on Monday, cutting off 3,000 homes.",
    ];
    expect(summarizeSentences(article, { maxSentences: 1 })).toBe(article[0]);
    expect(
      summarizeSentences(article, {
        maxSentences: 1,
        title: "Water pumping station damaged, 3,000 homes without water",
      }),
    ).toBe(article[1]);
  });

  it("never chooses boilerplate, captions or a quotes-only fragment", () => {
    const article = [
      "Photo: A convoy on a road near Examplegrad, illustrative image.",
      "A volunteer group delivered 20 generators to hospitals in the Examplegrad region on Friday, the group said.",
      "Read also: How hospitals keep working during blackouts.",
      "“We will keep going for as long as the hospitals in the region need us.”",
      "The generators can power operating theatres for several days, the regional health department said.",
      "Читайте також: Як лікарні працюють під час відключень.",
      "Subscribe to our Telegram channel for the latest news.",
      "Підписуйтеся на наш Telegram-канал.",
      "The group plans a second delivery to the neighbouring region next month.",
    ].join("\n");
    const summary = summarizeExtractive(article, { maxSentences: 3 });
    expect(summary).toBe(
      "A volunteer group delivered 20 generators to hospitals in the Examplegrad region on Friday, the group said. The generators can power operating theatres for several days, the regional health department said. The group plans a second delivery to the neighbouring region next month.",
    );
    const everything = summarizeExtractive(article, { maxSentences: 20, maxChars: 10_000 });
    for (const unwanted of ["Photo:", "Read also", "Читайте", "Subscribe", "Підписуйтеся"]) {
      expect(everything).not.toContain(unwanted);
    }
    expect(summarizeExtractive("Subscribe to our Telegram channel for the latest news.")).toBe("");
  });

  it("skips a sentence that repeats one already chosen", () => {
    const article = [
      "Air defences shot down 40 of 45 drones over the Example region overnight, the air force said.",
      "Overnight, air defences shot down 40 of the 45 drones over the Example region, the air force said.",
      "Debris damaged a school and two houses in the regional centre.",
      "No one was injured, the regional administration said.",
    ].join(" ");
    const summary = summarizeExtractive(article, { maxSentences: 2 });
    expect(summary).toBe(
      "Air defences shot down 40 of 45 drones over the Example region overnight, the air force said. Debris damaged a school and two houses in the regional centre.",
    );
  });

  it("works on Ukrainian text", () => {
    const article = [
      "Ранок у селі почався з гуркоту, який чули навіть у сусідньому районі.",
      "Уночі дрон влучив в енергетичну підстанцію, і без світла залишилися 12 тисяч родин, повідомила обласна адміністрація.",
      "Енергетики вже ремонтують підстанцію, світло обіцяють повернути до вечора.",
      "Обласна адміністрація радить тим, хто без світла, заряджати телефони в пунктах незламності.",
    ].join(" ");
    expect(summarizeExtractive(article, { maxSentences: 1 })).toBe(
      "Уночі дрон влучив в енергетичну підстанцію, і без світла залишилися 12 тисяч родин, повідомила обласна адміністрація.",
    );
  });

  it("keeps whole shorter sentences rather than cutting a long lead", () => {
    const longLead = `The regional administration said that ${"repair crews worked ".repeat(40)}overnight.`;
    const article = `${longLead} Power was restored to 8,000 homes by noon. Schools reopened the next day.`;
    expect(summarizeExtractive(article)).toBe(
      "Power was restored to 8,000 homes by noon. Schools reopened the next day.",
    );
  });

  it("cuts an over-long only sentence at a word boundary and marks the cut", () => {
    const article = `Crews from ${"the eastern district ".repeat(40)}restored power on Sunday.`;
    const summary = summarizeExtractive(article);
    expect(chars(summary)).toBeLessThanOrEqual(500);
    expect(summary).toMatch(/^Crews from the eastern district .*(?:the|eastern|district)…$/);
    checkShape(summary, article, 500, 3);
    expect(orderedJoin(summary, splitSentences(article))).toBeNull();
  });

  it("cuts a single word longer than the limit without splitting a surrogate pair", () => {
    const summary = summarizeExtractive("𐐷".repeat(600));
    expect(summary).toBe(`${"𐐷".repeat(499)}…`);
  });

  it("returns nothing for empty input or an empty budget", () => {
    expect(summarizeExtractive("")).toBe("");
    expect(summarizeExtractive("   \n\n  ")).toBe("");
    expect(summarizeExtractive("Power was restored.", { maxChars: 0 })).toBe("");
    expect(summarizeExtractive("Power was restored.", { maxSentences: 0 })).toBe("");
  });

  it("summarizes sentences already split, in document order", () => {
    const summary = summarizeSentences(
      [
        "Heavy fighting continued near Exampleton on Sunday.",
        "  Two   villages were shelled,\n the governor said.  ",
        "Shelling of Exampleton damaged a school.",
      ],
      { maxSentences: 2, title: "Fighting near Exampleton" },
    );
    expect(summary).toBe(
      "Heavy fighting continued near Exampleton on Sunday. Shelling of Exampleton damaged a school.",
    );
  });
});

describe("text similarity", () => {
  it("tokenizes letters and digits in lower case, with one apostrophe and joined thousands", () => {
    expect(tokenize("Russia’s drones: 40,000 (40\u00a0000) hit 1.5 km; П'ять ВІЙНА")).toEqual([
      "russia's",
      "drones",
      "40000",
      "40000",
      "hit",
      "1.5",
      "km",
      "п'ять",
      "війна",
    ]);
    expect(tokenize("ві\u0301йна — війна")).toEqual(["війна", "війна"]);
    expect(tokenize("… — !!")).toEqual([]);
  });

  it("knows English, Ukrainian and Russian stop words", () => {
    for (const word of ["the", "and", "що", "також", "это", "который"]) {
      expect(stopWords.has(word)).toBe(true);
    }
    expect(contentTokens(tokenize("The drones hit the port and що 5 a"))).toEqual([
      "drones",
      "hit",
      "port",
      "5",
    ]);
  });

  it("measures cosine and Jaccard similarity", () => {
    const a = termVector(["port", "port", "drone"]);
    expect(a).toEqual(
      new Map([
        ["port", 2],
        ["drone", 1],
      ]),
    );
    expect(cosine(a, a)).toBeCloseTo(1, 12);
    expect(cosine(a, termVector(["grain"]))).toBe(0);
    expect(cosine(a, new Map())).toBe(0);
    expect(cosine(termVector(["a", "b"]), termVector(["b", "c"]))).toBeCloseTo(0.5, 12);
    expect(jaccard(["a", "b", "c"], ["b", "c", "d"])).toBeCloseTo(0.5, 12);
    expect(jaccard(new Set(["a"]), new Set(["a"]))).toBe(1);
    expect(jaccard([], [])).toBe(1);
    expect(jaccard(["a"], [])).toBe(0);
  });

  it("keeps similarity symmetric and within [0, 1]", () => {
    const tokens = fc.array(fc.constantFrom("a", "b", "c", "d", "e"), { maxLength: 10 });
    fc.assert(
      fc.property(tokens, tokens, (x, y) => {
        const forward = cosine(termVector(x), termVector(y));
        expect(forward).toBeCloseTo(cosine(termVector(y), termVector(x)), 12);
        expect(forward).toBeGreaterThanOrEqual(0);
        expect(forward).toBeLessThanOrEqual(1 + 1e-12);
        const j = jaccard(x, y);
        expect(j).toBe(jaccard(y, x));
        expect(j).toBeGreaterThanOrEqual(0);
        expect(j).toBeLessThanOrEqual(1);
      }),
    );
  });
});
