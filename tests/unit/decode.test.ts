import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeBody, decodeBodyDetailed, detectHtmlInsteadOfFeed } from "../../src/feeds/decode.ts";

const CYRILLIC = "Українська правда: «Тестова новина» — вигадана";
const utf8 = (s: string) => new TextEncoder().encode(s);
const cp1251 = (s: string) => new Uint8Array(iconv.encode(s, "windows-1251"));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe("decodeBody", () => {
  it("reads UTF-8 when nothing is declared", () => {
    expect(decodeBodyDetailed(utf8(`<rss>${CYRILLIC}</rss>`))).toEqual({
      text: `<rss>${CYRILLIC}</rss>`,
      charset: "utf-8",
      from: "default",
    });
  });

  it("uses the charset of the Content-Type header", () => {
    const result = decodeBodyDetailed(
      cp1251(CYRILLIC),
      'application/rss+xml; charset="Windows-1251"',
    );
    expect(result.text).toBe(CYRILLIC);
    expect(result.charset).toBe("windows-1251");
    expect(result.from).toBe("header");
  });

  it("uses the XML declaration when the header names no charset", () => {
    const xml = `<?xml version="1.0" encoding="windows-1251"?><rss><title>${CYRILLIC}</title></rss>`;
    const result = decodeBodyDetailed(cp1251(xml), "text/xml");
    expect(result.text).toBe(xml);
    expect(result.from).toBe("xml-declaration");
  });

  it("prefers the header over the XML declaration", () => {
    const xml = `<?xml version="1.0" encoding="windows-1251"?><rss>${CYRILLIC}</rss>`;
    expect(decodeBody(utf8(xml), "application/xml; charset=utf-8")).toBe(xml);
  });

  it("prefers a byte-order mark over everything and strips it", () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    const xml = `<?xml version="1.0" encoding="windows-1251"?><rss>${CYRILLIC}</rss>`;
    const result = decodeBodyDetailed(concat(bom, utf8(xml)), "text/xml; charset=windows-1251");
    expect(result.text).toBe(xml);
    expect(result.from).toBe("bom");
  });

  it("reads UTF-16 with either byte-order mark", () => {
    const text = `<rss>${CYRILLIC}</rss>`;
    const le = concat(new Uint8Array([0xff, 0xfe]), new Uint8Array(Buffer.from(text, "utf16le")));
    const beBody = Buffer.from(text, "utf16le").swap16();
    const be = concat(new Uint8Array([0xfe, 0xff]), new Uint8Array(beBody));
    expect(decodeBody(le)).toBe(text);
    expect(decodeBody(be)).toBe(text);
  });

  it("does not take windows-1251 text starting with «юя» or «яю» for a UTF-16 BOM", () => {
    for (const text of ["юя", "яю", "юяблуко", "яюне"]) {
      expect(decodeBody(cp1251(text), "text/xml; charset=windows-1251")).toBe(text);
    }
  });

  it("reads UTF-16LE without a BOM from the shape of '<?xml'", () => {
    const text = `<?xml version="1.0" encoding="UTF-16"?><rss>${CYRILLIC}</rss>`;
    expect(decodeBody(new Uint8Array(Buffer.from(text, "utf16le")))).toBe(text);
  });

  it("ignores a UTF-16 declaration on a body that is plainly 8-bit", () => {
    const xml = `<?xml version="1.0" encoding="UTF-16"?><rss>${CYRILLIC}</rss>`;
    expect(decodeBody(utf8(xml))).toBe(xml);
  });

  it("uses iconv-lite for charsets TextDecoder does not know", () => {
    const result = decodeBodyDetailed(
      new Uint8Array(iconv.encode(CYRILLIC, "cp1251")),
      "text/xml; charset=win-1251",
    );
    expect(result.text).toBe(CYRILLIC);
    expect(result.note).toBeUndefined();
  });

  it("falls back to UTF-8 with a note for an unknown charset", () => {
    const result = decodeBodyDetailed(utf8(CYRILLIC), "text/xml; charset=x-no-such-charset");
    expect(result.text).toBe(CYRILLIC);
    expect(result.charset).toBe("utf-8");
    expect(result.note).toMatch(/unknown charset "x-no-such-charset"/);
  });

  it("round-trips any Unicode text encoded as UTF-8", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const text = s.replace(/^\uFEFF+/, "").replace(/\p{Cs}/gu, "");
        expect(decodeBody(utf8(text))).toBe(text);
      }),
    );
  });

  it("round-trips any Cyrillic text in windows-1251 declared either way", () => {
    const letter = fc.constantFrom(
      ..."абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙ «»—№ .,".split(""),
    );
    fc.assert(
      fc.property(fc.array(letter, { maxLength: 80 }), (letters) => {
        const text = letters.join("");
        expect(decodeBody(cp1251(text), "text/plain; charset=windows-1251")).toBe(text);
        const xml = `<?xml version="1.0" encoding="windows-1251"?><t>${text}</t>`;
        expect(decodeBody(cp1251(xml))).toBe(xml);
      }),
    );
  });
});

describe("detectHtmlInsteadOfFeed", () => {
  it.each([
    ["<!DOCTYPE html><html><body>moved</body></html>", "text/html"],
    ["\n\n  <!doctype HTML>\n<html lang=en>", undefined],
    ["<html><head><title>x</title></head></html>", "application/rss+xml"],
    [
      '<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html xmlns="http://www.w3.org/1999/xhtml">',
      "application/xhtml+xml",
    ],
    ["<!-- cache page --><html>", "text/html; charset=utf-8"],
    ["<body>Access denied</body>", undefined],
    ["Access denied", "text/html"],
  ])("recognises a web page: %s", (text, type) => {
    expect(detectHtmlInsteadOfFeed(text, type)).toBe(true);
  });

  it.each([
    ['<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "text/html"],
    [
      '<?xml version="1.0"?>\n<!-- generator --><feed xmlns="http://www.w3.org/2005/Atom">',
      "text/html",
    ],
    ['<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', "text/xml"],
    ['{"version":"https://jsonfeed.org/version/1.1","items":[]}', "text/html"],
    ["<rss><channel><description>&lt;html&gt;</description></channel></rss>", undefined],
    ["<sitemap/>", "application/xml"],
  ])("does not mistake a feed (or other XML) for a page: %s", (text, type) => {
    expect(detectHtmlInsteadOfFeed(text, type)).toBe(false);
  });
});
