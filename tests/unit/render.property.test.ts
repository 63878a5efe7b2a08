import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capTitle } from "../../src/articles/article.ts";
import { sanitizeLine } from "../../src/digest/html.ts";
import {
  type RenderItem,
  type RenderLabels,
  type RenderOptions,
  renderDigest,
  renderItem,
  telegramTextLength,
} from "../../src/digest/render.ts";
import { MAX_ENTITIES, MAX_LINK_CHARS } from "../../src/digest/split.ts";
import { escapeHtml } from "../../src/telegram/helpers.ts";
import { parseTelegramHtml, telegramLength } from "../support/telegram-html.ts";

// Everything here is generated noise on example.* domains: no real article.
const labels: RenderLabels = {
  topicName: (id) => ({ kursk: "Курщина", "north-korea": "North Korea", aid: "عون" })[id] ?? id,
  alsoReportedBy: "Also <reported> & by",
  flash: "⚡ URGENT",
  dateLocale: "en-GB",
};

const codeUnitIn = (min: number, max: number) =>
  fc.integer({ min, max }).map((code) => String.fromCharCode(code));

const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."abcXYZ019 ,.-") },
  { weight: 3, arbitrary: fc.constantFrom("<", ">", "&", '"', "'", "&amp;", "<b>", "</a>") },
  { weight: 2, arbitrary: fc.constantFrom("\n", "\t", "\r\n", "\u00A0") },
  { weight: 2, arbitrary: fc.constantFrom("\u200B", "\u200C", "\u200D", "\uFEFF") },
  { weight: 2, arbitrary: fc.constantFrom("😀", "🇺🇦", "👨‍👩‍👧", "☀️", "e\u0301") },
  { weight: 3, arbitrary: codeUnitIn(0x0410, 0x044f) }, // Cyrillic
  { weight: 2, arbitrary: codeUnitIn(0x0627, 0x064a) }, // Arabic
  { weight: 2, arbitrary: codeUnitIn(0x05d0, 0x05ea) }, // Hebrew
  { weight: 1, arbitrary: fc.constantFrom("\u0000", "\u0007", "\u001B", "\u202E", "\u2028") },
  { weight: 1, arbitrary: fc.constantFrom("\uD83D", "\uDE00", "\uDBFF") }, // lone surrogates
);

const shortText = fc.string({ unit, maxLength: 40 });
const longText = fc
  .tuple(fc.string({ unit, minLength: 1, maxLength: 120 }), fc.integer({ min: 20, max: 400 }))
  .map(([chunk, times]) => chunk.repeat(times).slice(0, 20_000));
const text = fc.oneof({ weight: 8, arbitrary: shortText }, { weight: 1, arbitrary: longText });

const url = fc.oneof(
  shortText.map((path) => `https://example.com/${path}`),
  shortText.map((query) => `http://example.org/?q=${query}`),
  longText.map((path) => `https://example.net/${path}`),
  shortText.map((rest) => `javascript:${rest}`),
  fc.constantFrom("", "ftp://example.com/x", "tg://resolve?domain=example"),
  shortText,
);

const renderItemArb: fc.Arbitrary<RenderItem> = fc.record(
  {
    title: text,
    url,
    summary: text,
    source: shortText,
    publishedAt: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constant(Number.NaN)),
    topics: fc.array(fc.constantFrom("kursk", "north-korea", "aid", "frontline"), { maxLength: 3 }),
    urgency: fc.constantFrom("normal", "flash"),
    alsoReportedBy: fc.array(fc.record({ source: shortText, url }), { maxLength: 3 }),
  },
  { requiredKeys: ["title", "url", "summary", "source", "publishedAt", "topics"] },
);

// header and footer are the caller's HTML, well formed
const htmlLine = fc
  .string({ unit, maxLength: 60 })
  .map((line) => `<b>${escapeHtml(sanitizeLine(line))}</b> ☀️`);

const digestInput = fc.record({
  items: fc.array(renderItemArb, { maxLength: 8 }),
  maxLength: fc.integer({ min: 200, max: 4096 }),
  timeZone: fc.constantFrom("Europe/Kyiv", "UTC", "America/New_York", "Asia/Kolkata"),
  header: fc.option(htmlLine, { nil: undefined }),
  footer: fc.option(htmlLine, { nil: undefined }),
});

type DigestInput = typeof digestInput extends fc.Arbitrary<infer T> ? T : never;

const BLANKS = /[\s\u200B-\u200F\u2800\uFFFC]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function render(input: DigestInput): { parts: string[]; options: RenderOptions } {
  const options: RenderOptions = {
    labels,
    timeZone: input.timeZone,
    maxLength: input.maxLength,
    header: input.header,
    footer: input.footer,
  };
  return { parts: renderDigest(input.items, options), options };
}

/** What an item costs as a message, computed from its HTML independently of the renderer. */
function itemCost(html: string): { length: number; entities: number; linkChars: number } {
  const parsed = parseTelegramHtml(html);
  const hashtags = parsed.text.match(/#[\p{L}\p{N}\p{M}_]+/gu)?.length ?? 0;
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => telegramTextLength(m[1] ?? ""));
  return {
    length: parsed.text.length,
    entities: parsed.entities.length + hashtags,
    linkChars: hrefs.reduce((a, b) => a + b, 0),
  };
}

const runs = { numRuns: 200 };

describe("renderDigest properties", () => {
  it("every part parses as Telegram HTML, non-empty, within maxLength and the entity limit", () => {
    fc.assert(
      fc.property(digestInput, (input) => {
        const { parts } = render(input);
        for (const part of parts) {
          expect(part).not.toMatch(LONE_SURROGATE);
          const parsed = parseTelegramHtml(part);
          expect(telegramLength(part)).toBeLessThanOrEqual(input.maxLength);
          expect(parsed.text.replace(BLANKS, "")).not.toBe("");
          expect(itemCost(part).entities).toBeLessThanOrEqual(MAX_ENTITIES);
          expect(itemCost(part).linkChars).toBeLessThanOrEqual(MAX_LINK_CHARS);
        }
      }),
      runs,
    );
  });

  it("telegramTextLength agrees with Telegram's parser on every part and item", () => {
    fc.assert(
      fc.property(digestInput, (input) => {
        const { parts, options } = render(input);
        for (const html of [...parts, ...input.items.map((item) => renderItem(item, options))]) {
          expect(telegramTextLength(html)).toBe(telegramLength(html));
        }
      }),
      runs,
    );
  });

  it("the parts together show every item's title, capped", () => {
    fc.assert(
      fc.property(digestInput, (input) => {
        const { parts } = render(input);
        const shown = parts
          .map((part) => parseTelegramHtml(part).text)
          .join("")
          .replace(BLANKS, "");
        for (const item of input.items) {
          const line = sanitizeLine(item.title);
          const title = capTitle(line.replace(BLANKS, "") ? line : sanitizeLine(item.url));
          expect(shown).toContain(title.replace(BLANKS, ""));
        }
      }),
      runs,
    );
  });

  it("an item is split across parts only when it exceeds a limit on its own", () => {
    fc.assert(
      fc.property(digestInput, (input) => {
        const { parts, options } = render(input);
        let from = 0;
        for (const item of input.items) {
          const html = renderItem(item, options);
          const cost = itemCost(html);
          if (cost.length > input.maxLength || cost.entities > MAX_ENTITIES) continue;
          if (cost.linkChars > MAX_LINK_CHARS) continue;
          if (parseTelegramHtml(html).text.replace(BLANKS, "") === "") continue;
          const at = parts.findIndex((part, i) => i >= from && part.includes(html));
          expect(at).toBeGreaterThanOrEqual(0);
          from = at;
        }
      }),
      runs,
    );
  });
});
