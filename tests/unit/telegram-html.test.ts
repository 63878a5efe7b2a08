import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeTelegramHtml,
  parseTelegramHtml,
  TelegramHtmlError,
  telegramLength,
} from "../support/telegram-html.ts";

function parseError(html: string): string {
  try {
    parseTelegramHtml(html);
  } catch (error) {
    expect(error).toBeInstanceOf(TelegramHtmlError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(html)} to be refused`);
}

describe("parseTelegramHtml: accepted markup", () => {
  it("maps every formatting tag and its aliases to Telegram's entity types", () => {
    const cases: Array<[string, string]> = [
      ["b", "bold"],
      ["strong", "bold"],
      ["i", "italic"],
      ["em", "italic"],
      ["u", "underline"],
      ["ins", "underline"],
      ["s", "strikethrough"],
      ["strike", "strikethrough"],
      ["del", "strikethrough"],
      ["tg-spoiler", "spoiler"],
      ["code", "code"],
      ["pre", "pre"],
      ["blockquote", "blockquote"],
    ];
    for (const [tag, type] of cases) {
      expect(parseTelegramHtml(`x <${tag}>yz</${tag}>`), tag).toEqual({
        text: "x yz",
        entities: [{ type, offset: 2, length: 2 }],
      });
    }
  });

  it("accepts a spoiler span, an expandable blockquote and a custom emoji", () => {
    expect(parseTelegramHtml('<span class="tg-spoiler">hidden</span>').entities).toEqual([
      { type: "spoiler", offset: 0, length: 6 },
    ]);
    expect(parseTelegramHtml("<blockquote expandable>long</blockquote>").entities).toEqual([
      { type: "expandable_blockquote", offset: 0, length: 4 },
    ]);
    expect(
      parseTelegramHtml('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>').entities,
    ).toEqual([
      { type: "custom_emoji", offset: 0, length: 2, custom_emoji_id: "5368324170671202286" },
    ]);
  });

  it("reads links with double, single or bare attribute values and normalises them", () => {
    expect(parseTelegramHtml('<a href="https://example.com/a?b=1&amp;c=2">x</a>').entities).toEqual(
      [{ type: "text_link", offset: 0, length: 1, url: "https://example.com/a?b=1&c=2" }],
    );
    expect(parseTelegramHtml("<a href='https://example.org'>x</a>").entities).toEqual([
      { type: "text_link", offset: 0, length: 1, url: "https://example.org/" },
    ]);
    expect(parseTelegramHtml("<a href=example.com>x</a>").entities).toEqual([
      { type: "text_link", offset: 0, length: 1, url: "http://example.com/" },
    ]);
    expect(parseTelegramHtml("<a>https://example.com/page</a>").entities).toEqual([
      { type: "text_link", offset: 0, length: 24, url: "https://example.com/page" },
    ]);
    expect(parseTelegramHtml('<a href="tg://user?id=42">Ann</a>').entities).toEqual([
      {
        type: "text_mention",
        offset: 0,
        length: 3,
        user: { id: 42, is_bot: false, first_name: "" },
      },
    ]);
  });

  it("keeps the text but drops the entity of a link Telegram would not accept", () => {
    expect(parseTelegramHtml('<a href="javascript:alert(1)">x</a>')).toEqual({
      text: "x",
      entities: [],
    });
    expect(parseTelegramHtml("<a>not a link</a>")).toEqual({ text: "not a link", entities: [] });
  });

  it("turns pre with an inner code of a language into one pre entity with that language", () => {
    expect(
      parseTelegramHtml('<pre><code class="language-ts">let a;</code></pre>').entities,
    ).toEqual([{ type: "pre", offset: 0, length: 6, language: "ts" }]);
    expect(parseTelegramHtml("<pre><code>x</code></pre>").entities).toEqual([
      { type: "pre", offset: 0, length: 1 },
      { type: "code", offset: 0, length: 1 },
    ]);
  });

  it("is case-insensitive for tag names, allows spaces in tags and the empty end tag", () => {
    expect(parseTelegramHtml("<B >x</b   >").entities).toEqual([
      { type: "bold", offset: 0, length: 1 },
    ]);
    expect(parseTelegramHtml("<i>x</>").entities).toEqual([
      { type: "italic", offset: 0, length: 1 },
    ]);
  });

  it("orders entities by offset, longest first, and measures in UTF-16 code units", () => {
    expect(parseTelegramHtml("🏟 <i><b>🏟</b> x</i>")).toEqual({
      text: "🏟 🏟 x",
      entities: [
        { type: "italic", offset: 3, length: 4 },
        { type: "bold", offset: 3, length: 2 },
      ],
    });
  });

  it("creates no entity for an empty tag", () => {
    expect(parseTelegramHtml("a<b></b>c")).toEqual({ text: "ac", entities: [] });
  });

  it("decodes the four named entities and numeric ones, and leaves other '&' alone", () => {
    expect(parseTelegramHtml("&lt;&gt;&amp;&quot;&#65;&#x42;&#128512;").text).toBe('<>&"AB😀');
    expect(parseTelegramHtml("&nbsp;&laquo; AT&T &foo; &").text).toBe("&nbsp;&laquo; AT&T &foo; &");
    expect(parseTelegramHtml("&lt &amp").text).toBe("< &");
    expect(parseTelegramHtml("&#0; &#x; &#1114111; &#X41;").text).toBe(
      "&#0; &#x; &#1114111; &#X41;",
    );
  });

  it("counts the parsed text in UTF-16 units", () => {
    expect(telegramLength("<b>😀</b>&amp;")).toBe(3);
  });
});

describe("parseTelegramHtml: refused markup, with Telegram's messages and UTF-8 byte offsets", () => {
  it("refuses unsupported tags and a bare '<'", () => {
    expect(parseError("Hello <div>x</div>")).toBe('Unsupported start tag "div" at byte offset 6');
    expect(parseError("a < b")).toBe('Unsupported start tag "" at byte offset 2');
    expect(parseError("<br/>")).toBe('Unsupported start tag "br/" at byte offset 0');
    expect(parseError("🏟 🏟&lt;<abac>")).toBe('Unsupported start tag "abac" at byte offset 13');
  });

  it("refuses unclosed start tags", () => {
    expect(parseError("🏟 🏟&lt;<abacaba")).toBe("Unclosed start tag at byte offset 13");
    expect(parseError('x <a href="https://example.com"')).toBe(
      "Unclosed start tag at byte offset 2",
    );
    expect(parseError("<i aba  =  ")).toBe('Unclosed start tag "i" at byte offset 0');
  });

  it("refuses end tags that close nothing, don't match, or aren't closed", () => {
    expect(parseError("x</b>")).toBe("Unexpected end tag at byte offset 1");
    expect(parseError("<b>x</i>")).toBe(
      'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
    );
    expect(parseError("<b>x</b")).toBe("Unclosed end tag at byte offset 4");
  });

  it("refuses crossed and unclosed nesting", () => {
    expect(parseError("<b><i>x</b></i>")).toBe(
      'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    );
    expect(parseError("<b>x")).toBe(`Can't find end tag corresponding to start tag "b"`);
  });

  it("refuses malformed attributes", () => {
    expect(parseError('<a ="x">y</a>')).toBe(
      'Empty attribute name in the tag "a" at byte offset 0',
    );
    expect(parseError("<a href=x/>y</a>")).toBe("Unexpected end of name token at byte offset 8");
    expect(parseError("<span>x</span>")).toBe(
      'Tag "span" must have class "tg-spoiler" at byte offset 0',
    );
    expect(parseError('<tg-emoji emoji-id="abc">x</tg-emoji>')).toBe(
      "Invalid custom emoji identifier specified",
    );
  });

  it("refuses an unpaired surrogate made with a numeric entity", () => {
    expect(parseError("&#xD83D;")).toBe(
      "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
    );
  });
});

describe("escaping", () => {
  it("parses any escaped string back to itself, without entities", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => {
        expect(parseTelegramHtml(escapeTelegramHtml(s))).toEqual({ text: s, entities: [] });
      }),
      { numRuns: 500 },
    );
  });

  it("gives offsets that slice out exactly the tagged text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 30 }),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
        fc.string({ unit: "grapheme", maxLength: 30 }),
        (before, inside, after) => {
          const html = `${escapeTelegramHtml(before)}<b>${escapeTelegramHtml(inside)}</b>${escapeTelegramHtml(after)}`;
          const { text, entities } = parseTelegramHtml(html);
          expect(text).toBe(before + inside + after);
          const [bold] = entities;
          expect(bold && text.slice(bold.offset, bold.offset + bold.length)).toBe(inside);
        },
      ),
      { numRuns: 300 },
    );
  });
});
