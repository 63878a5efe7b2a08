import { describe, expect, it } from "vitest";
import { MAX_URL_LENGTH, sanitizeLine, sanitizeText } from "../../src/digest/html.ts";
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

// Invented items: example.* URLs, made-up outlets and summaries.
const topicNames: Record<string, string> = { kursk: "Kursk", "north-korea": "North Korea" };
const labels: RenderLabels = {
  topicName: (id) => topicNames[id] ?? id,
  alsoReportedBy: "Also reported by",
  flash: "⚡ URGENT",
  dateLocale: "en-GB",
};
const options: RenderOptions = { labels, timeZone: "Europe/Kyiv" };
const lateOn16DecUtc = Date.parse("2024-12-16T23:30:00Z");

function item(overrides: Partial<RenderItem> = {}): RenderItem {
  return {
    title: "Invented title",
    url: "https://example.com/news/1",
    summary: "An invented summary.",
    source: "Example Press",
    publishedAt: lateOn16DecUtc,
    topics: ["kursk"],
    ...overrides,
  };
}

function numbered(
  count: number,
  summary = "An invented summary, long enough to matter.",
): RenderItem[] {
  return Array.from({ length: count }, (_, i) =>
    item({ title: `Invented title ${i}`, url: `https://example.com/news/${i}`, summary }),
  );
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BLANKS = /[\s\u200B-\u200F\u2800\uFFFC]/g;

function expectValidParts(parts: string[], maxLength = 4096): void {
  for (const part of parts) {
    expect(part).not.toMatch(LONE_SURROGATE);
    const parsed = parseTelegramHtml(part);
    expect(parsed.text.length).toBeLessThanOrEqual(maxLength);
    expect(parsed.text.trim()).not.toBe("");
    expect(telegramTextLength(part)).toBe(parsed.text.length);
  }
}

describe("escapeHtml", () => {
  it("escapes the four characters that matter in text and attributes", () => {
    expect(escapeHtml(`a & b < c > d "e" 'f'`)).toBe("a &amp; b &lt; c &gt; d &quot;e&quot; 'f'");
  });

  it("escapes an already escaped entity again, so it shows verbatim", () => {
    expect(parseTelegramHtml(escapeHtml("&amp; &lt;")).text).toBe("&amp; &lt;");
  });
});

describe("telegramTextLength", () => {
  it.each([
    ["plain", "plain"],
    ["<b>bold</b> and <i>italic</i>", "tags count nothing"],
    ["&amp;&lt;&gt;&quot;", "each entity counts one"],
    ["&amp &ampx &nbsp; &#65; &#x1F600; &#0;", "entities decode as Telegram decodes them"],
    ['<a href="https://example.com/?a=1&amp;b=&quot;>&quot;">link</a>', "attributes count nothing"],
    ["🇺🇦 ☀️ Київ", "astral characters count two"],
  ])("measures %j like Telegram", (html) => {
    expect(telegramTextLength(html)).toBe(telegramLength(html));
  });

  it("counts &amp; as one unit and an emoji as two", () => {
    expect(telegramTextLength("<b>&amp;</b>😀")).toBe(3);
  });
});

describe("sanitizing", () => {
  it("drops control characters but tabs and line breaks, and lone surrogates", () => {
    expect(sanitizeText("a\u0000b\u0007c\td\ne\u001Ff\uD800g\uDC00h")).toBe("abc\td\nefgh");
  });

  it("keeps surrogate pairs and turns every line break into \\n", () => {
    expect(sanitizeText("😀\r\n1\r2\u20283\u20294")).toBe("😀\n1\n2\n3\n4");
  });

  it("drops the bidi overrides Telegram deletes", () => {
    expect(sanitizeText("a\u202Eb\u202Ac")).toBe("abc");
  });

  it("collapses a line's breaks and tabs to spaces", () => {
    expect(sanitizeLine("  North\n\n Korean\tsoldiers \r\n")).toBe("North Korean soldiers");
  });
});

describe("renderItem", () => {
  it("renders a bold linked title, summary and an italic meta line", () => {
    const html = renderItem(
      item({ title: 'Troops <in> Kursk & "more"', topics: ["kursk", "north-korea"] }),
      options,
    );
    expect(html).toBe(
      '<b><a href="https://example.com/news/1">Troops &lt;in&gt; Kursk &amp; &quot;more&quot;</a></b>\n' +
        "An invented summary.\n" +
        "<i>Example Press · 17 Dec 2024 · #Kursk #North_Korea</i>",
    );
    const parsed = parseTelegramHtml(html);
    expect(parsed.text.split("\n")[0]).toBe('Troops <in> Kursk & "more"');
    expect(parsed.entities).toContainEqual({
      type: "text_link",
      offset: 0,
      length: 26,
      url: "https://example.com/news/1",
    });
  });

  it("escapes quotes and ampersands inside the href", () => {
    const html = renderItem(item({ url: 'https://example.com/a?b=1&c="2"' }), options);
    expect(html).toContain('<a href="https://example.com/a?b=1&amp;c=%222%22">');
    const link = parseTelegramHtml(html).entities.find((e) => e.type === "text_link");
    expect(link).toMatchObject({ url: "https://example.com/a?b=1&c=%222%22" });
  });

  it.each([
    ["javascript:", "javascript:alert(1)"],
    ["tg:", "tg://resolve?domain=example"],
    ["ftp:", "ftp://example.com/file"],
    ["an invalid URL", "not a url"],
    ["an overlong URL", `https://example.com/${"a".repeat(MAX_URL_LENGTH)}`],
  ])("shows the title without a link for %s", (_, url) => {
    const html = renderItem(item({ url }), options);
    expect(html).not.toContain("<a");
    expect(html.startsWith("<b>Invented title</b>\n")).toBe(true);
  });

  it("uses the URL as the title when the title is empty", () => {
    const html = renderItem(item({ title: " \n\u200B " }), options);
    expect(html).toContain(
      '<b><a href="https://example.com/news/1">https://example.com/news/1</a></b>',
    );
  });

  it("shows at most 250 characters of a title, cut at a word", () => {
    const html = renderItem(item({ title: `Invented ${"headline ".repeat(500)}` }), options);
    const title = parseTelegramHtml(html).text.split("\n")[0] ?? "";
    expect([...title].length).toBeLessThanOrEqual(250);
    expect(title).toMatch(/^Invented headline .* headline…$/);
  });

  it("collapses a title's line breaks", () => {
    const html = renderItem(item({ title: "Line one\nline\r\ntwo" }), options);
    expect(parseTelegramHtml(html).text.split("\n")[0]).toBe("Line one line two");
  });

  it("dates the item in the given time zone and locale", () => {
    expect(renderItem(item(), options)).toContain("17 Dec 2024");
    expect(renderItem(item(), { ...options, timeZone: "UTC" })).toContain("16 Dec 2024");
    const uk = renderItem(item(), { ...options, labels: { ...labels, dateLocale: "uk-UA" } });
    expect(uk).toContain("17 груд. 2024");
  });

  it("names topics with the caller's words, as hashtags", () => {
    const uk = {
      ...labels,
      topicName: (id: string) => (id === "kursk" ? "Курщина" : "Північна Корея"),
    };
    const html = renderItem(item({ topics: ["kursk", "north-korea"] }), { ...options, labels: uk });
    expect(html).toContain("· #Курщина #Північна_Корея</i>");
  });

  it("lists the other outlets, linked when their URL is http(s)", () => {
    const html = renderItem(
      item({
        alsoReportedBy: [
          { source: "Example Post", url: "https://example.org/a" },
          { source: "", url: "https://news.example.net/b" },
          { source: "Unlinked <Times>", url: "mailto:desk@example.com" },
        ],
      }),
      options,
    );
    expect(html.split("\n").at(-1)).toBe(
      'Also reported by: <a href="https://example.org/a">Example Post</a>, ' +
        '<a href="https://news.example.net/b">news.example.net</a>, Unlinked &lt;Times&gt;',
    );
  });

  it("has no also-reported line when nobody else reported it", () => {
    expect(renderItem(item({ alsoReportedBy: [] }), options)).not.toContain("Also reported by");
  });

  it("prefixes a flash item with the flash label", () => {
    const html = renderItem(item({ urgency: "flash" }), options);
    expect(
      html.startsWith('<b>⚡ URGENT <a href="https://example.com/news/1">Invented title</a></b>'),
    ).toBe(true);
    expect(renderItem(item({ urgency: "normal" }), options)).not.toContain("URGENT");
  });

  it("escapes the labels too", () => {
    const html = renderItem(item({ urgency: "flash" }), {
      ...options,
      labels: { ...labels, flash: "<!>" },
    });
    expect(html.startsWith("<b>&lt;!&gt; <a")).toBe(true);
  });

  it("strips control characters and collapses runs of blank lines in the summary", () => {
    const html = renderItem(item({ summary: "One\u0000.\r\n\r\n\r\n\r\nTwo.\u0007" }), options);
    expect(html).toContain("\nOne.\n\nTwo.\n");
  });
});

describe("renderDigest", () => {
  it("puts everything in one part when it fits, header first and footer last", () => {
    const parts = renderDigest(numbered(3), {
      ...options,
      header: "<b>Digest — 17 Dec</b>",
      footer: "and 7 more — /digest",
    });
    expect(parts).toHaveLength(1);
    const text = parseTelegramHtml(parts[0] ?? "").text;
    expect(text.startsWith("Digest — 17 Dec\n\nInvented title 0\n")).toBe(true);
    expect(text.endsWith("#Kursk\n\nand 7 more — /digest")).toBe(true);
  });

  it("splits many items at item boundaries, in order", () => {
    const items = numbered(40);
    const parts = renderDigest(items, {
      ...options,
      header: "<b>Digest</b>",
      footer: "and more — /digest",
      maxLength: 1000,
    });
    expect(parts.length).toBeGreaterThan(3);
    expectValidParts(parts, 1000);
    expect(parts[0]?.startsWith("<b>Digest</b>\n\n")).toBe(true);
    expect(parts.filter((p) => p.includes("<b>Digest</b>"))).toHaveLength(1);
    expect(parts.at(-1)?.endsWith("and more — /digest")).toBe(true);
    expect(parts.filter((p) => p.includes("/digest"))).toHaveLength(1);

    const joined = parts.join("\n\n");
    let previous = -1;
    for (const it of items) {
      const html = renderItem(it, options);
      expect(parts.filter((p) => p.includes(html))).toHaveLength(1);
      const at = joined.indexOf(html);
      expect(at).toBeGreaterThan(previous);
      previous = at;
    }
  });

  it("fills each part before starting the next", () => {
    const parts = renderDigest(numbered(40), { ...options, maxLength: 1000 });
    const oneItem = telegramTextLength(renderItem(numbered(1)[0] as RenderItem, options));
    for (const part of parts.slice(0, -1)) {
      expect(telegramTextLength(part) + 2 + oneItem).toBeGreaterThan(1000);
    }
  });

  it("keeps an item that exactly fills a part whole", () => {
    const base = item({ summary: "" });
    const room = 500 - telegramTextLength(renderItem(base, options)) - 1;
    const exact = item({ summary: "x".repeat(room) });
    expect(telegramTextLength(renderItem(exact, options))).toBe(500);
    const parts = renderDigest([exact], { ...options, maxLength: 500 });
    expect(parts).toEqual([renderItem(exact, options)]);
  });

  it("splits one giant item into valid parts, reopening its tags", () => {
    const words = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(" ");
    const giant = item({ title: `Giant ${words}`, summary: words });
    const parts = renderDigest([item(), giant, item({ title: "After" })], {
      ...options,
      header: "<b>Digest</b>",
      footer: "the end",
    });
    expect(parts.length).toBeGreaterThan(5);
    expectValidParts(parts);
    // cut at spaces, which are dropped: no word is broken
    const texts = parts.map((p) => parseTelegramHtml(p).text);
    const giantText = parseTelegramHtml(renderItem(giant, options)).text;
    expect(giantText.split("\n")[0]).toMatch(/^Giant word0 .*…$/);
    expect(texts.join(" ")).toContain(giantText.split("\n")[1]?.slice(0, 3000));
    expect(texts.at(-1)).toMatch(/the end$/);
    expect(texts.at(-1)).toContain("After");
  });

  it("reopens a title's bold link in each part it spans", () => {
    const giant = item({ title: `Giant ${"headline ".repeat(40)}` });
    const parts = renderDigest([giant], { ...options, maxLength: 100 });
    expectValidParts(parts, 100);
    expect(parts[0]?.startsWith('<b><a href="https://example.com/news/1">Giant headline ')).toBe(
      true,
    );
    expect(parts[0]?.endsWith("</a></b>")).toBe(true);
    expect(parts[1]?.startsWith('<b><a href="https://example.com/news/1">headline')).toBe(true);
  });

  it("cuts a giant item with no spaces between code points, never inside a surrogate pair", () => {
    const giant = item({ title: "", summary: "😀🇺🇦a".repeat(1500) });
    const parts = renderDigest([giant], { ...options, maxLength: 300 });
    expect(parts.length).toBeGreaterThan(20);
    expectValidParts(parts, 300);
    for (const part of parts) {
      // cut between graphemes too: a flag's two regional indicators stay together
      expect(parseTelegramHtml(part).text.replaceAll("🇺🇦", "")).not.toMatch(
        /[\u{1F1E6}-\u{1F1FF}]/u,
      );
    }
    const joined = parts.map((p) => parseTelegramHtml(p).text).join("");
    expect(joined.replace(BLANKS, "")).toBe(
      parseTelegramHtml(renderItem(giant, options)).text.replace(BLANKS, ""),
    );
  });

  it("prefers cutting a giant item at a line break", () => {
    const paragraph = "Invented sentence number one. ".repeat(10).trim();
    const giant = item({ summary: Array.from({ length: 40 }, () => paragraph).join("\n") });
    const parts = renderDigest([giant], { ...options, maxLength: 1000 });
    for (const part of parts.slice(1, -1)) {
      const text = parseTelegramHtml(part).text;
      expect(text.startsWith("Invented sentence")).toBe(true);
      expect(text.endsWith("number one.")).toBe(true);
    }
  });

  it(`keeps at most ${MAX_ENTITIES} entities in a part`, () => {
    const items = Array.from({ length: 60 }, (_, i) =>
      item({
        title: `T${i}`,
        summary: "",
        url: `https://example.com/${i}`,
        topics: ["kursk", "north-korea"],
        alsoReportedBy: [
          { source: "Example Post", url: `https://example.org/${i}` },
          { source: "Example Wire", url: `https://example.net/${i}` },
        ],
      }),
    );
    const parts = renderDigest(items, options);
    expect(parts.length).toBeGreaterThan(1);
    expectValidParts(parts);
    for (const part of parts) {
      const parsed = parseTelegramHtml(part);
      const hashtags = parsed.text.match(/#\S+/g)?.length ?? 0;
      expect(parsed.entities.length + hashtags).toBeLessThanOrEqual(MAX_ENTITIES);
    }
  });

  it(`keeps the link URLs of a part under ${MAX_LINK_CHARS} characters in all`, () => {
    const items = Array.from({ length: 12 }, (_, i) =>
      item({ url: `https://example.com/${i}/${"a".repeat(1500)}` }),
    );
    const parts = renderDigest(items, options);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      const links = parseTelegramHtml(part).entities.filter((e) => e.type === "text_link");
      const total = links.reduce((sum, e) => sum + ("url" in e ? e.url.length : 0), 0);
      expect(total).toBeLessThanOrEqual(MAX_LINK_CHARS);
    }
  });

  it("leaves out items with nothing to show", () => {
    const blank = item({
      title: "\u200B",
      url: "",
      summary: " \n\u00A0",
      source: "\uFEFF",
      publishedAt: Number.NaN,
      topics: [],
    });
    expect(renderDigest([blank], options)).toEqual([]);
    expect(renderDigest([], options)).toEqual([]);
    expect(renderDigest([blank], { ...options, header: "<b>Digest</b>" })).toEqual([
      "<b>Digest</b>",
    ]);
  });

  it("gives the header a part of its own when the first item does not fit beside it", () => {
    const room = 500 - telegramTextLength(renderItem(item({ summary: "" }), options)) - 1;
    const big = item({ summary: "x".repeat(room - 5) });
    const parts = renderDigest([big], { ...options, header: "<b>Digest</b>", maxLength: 500 });
    expect(parts).toEqual(["<b>Digest</b>", renderItem(big, options)]);
  });

  it("rejects a bad maxLength and a header or footer longer than a part", () => {
    expect(() => renderDigest([], { ...options, maxLength: 5000 })).toThrow(RangeError);
    expect(() => renderDigest([], { ...options, maxLength: 1.5 })).toThrow(RangeError);
    expect(() => renderDigest([], { ...options, maxLength: 10, header: "x".repeat(11) })).toThrow(
      RangeError,
    );
    expect(() => renderDigest([], { ...options, maxLength: 10, footer: "y".repeat(11) })).toThrow(
      RangeError,
    );
  });

  it("is deterministic", () => {
    const items = [...numbered(30), item({ summary: "z ".repeat(5000) })];
    const run = () => renderDigest(items, { ...options, maxLength: 777 });
    expect(run()).toEqual(run());
  });
});
