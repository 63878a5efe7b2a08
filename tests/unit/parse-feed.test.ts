import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFeedDate } from "../../src/feeds/feed-date.ts";
import {
  FeedParseError,
  itemBodyHtml,
  parseFeedText,
  repairXml,
} from "../../src/feeds/parse-feed.ts";
import { readFixture } from "../support/feed-server.ts";

const fixture = (name: string) => readFixture(name).toString("utf8");
const at = (iso: string) => Date.parse(iso);

function rss(itemXml: string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Invented</title><link>https://example.org/</link>${itemXml}</channel></rss>`;
}

describe("parseFeedText", () => {
  it("reads RSS 2.0 with content:encoded, preferring it for the body", () => {
    const feed = parseFeedText(fixture("rss2-content.xml"));
    expect(feed.format).toBe("rss");
    expect(feed.title).toBe("Example Outlet (invented fixture)");
    expect(feed.ttlMinutes).toBe(30);
    expect(feed.items).toHaveLength(2);
    const [first, second] = feed.items;
    expect(first).toMatchObject({
      guid: "https://example.org/?p=101",
      url: "https://example.org/2024/12/17/bridge-exampleville/",
      title: "Invented headline: volunteers repair a bridge in Exampleville",
      author: "Jane Example",
      publishedAt: at("2024-12-17T08:30:00Z"),
      categories: ["Infrastructure", "Exampleville"],
    });
    expect(first?.html).toContain("Sample River");
    expect(first?.description).toContain("footbridge [&#8230;]");
    expect(first && itemBodyHtml(first)).toBe(first?.html);
    expect(second).toMatchObject({
      url: "https://example.org/2024/12/16/relative-link/",
      title: "Invented headline: a relative link & an HTML entity in the title – resolved",
      publishedAt: at("2024-12-16T08:00:00Z"),
      categories: [],
    });
    expect(second?.html).toBeUndefined();
    expect(second && itemBodyHtml(second)).toBe("Only a plain description here.");
  });

  it("drops items without a link or without a title", () => {
    const titles = parseFeedText(fixture("rss2-content.xml")).items.map((i) => i.title);
    expect(titles.join("|")).not.toMatch(/without a link|without a title/);
  });

  it("reads RSS 1.0 (RDF) with Dublin Core dates, ignoring sy:updatePeriod", () => {
    const feed = parseFeedText(fixture("rdf.xml"));
    expect(feed.format).toBe("rdf");
    expect(feed.title).toBe("Example RDF Outlet (invented fixture)");
    expect(feed).not.toHaveProperty("ttlMinutes");
    expect(feed.items).toEqual([
      {
        guid: "https://example.org/rdf/1",
        url: "https://example.org/rdf/1",
        title: "Invented RDF headline one",
        description: "An invented summary for the first RDF item.",
        author: "Petro Example",
        publishedAt: at("2024-12-17T07:15:00Z"),
        categories: ["Energy"],
      },
      {
        guid: "https://example.org/rdf/2",
        url: "https://example.org/rdf/2",
        title: "Invented RDF headline two",
        publishedAt: at("2024-12-16T12:00:00Z"),
        categories: [],
      },
    ]);
  });

  it("reads Atom: alternate link, HTML title as text, published before updated", () => {
    const feed = parseFeedText(fixture("atom.xml"));
    expect(feed.format).toBe("atom");
    expect(feed.title).toBe("Example Atom Outlet (invented fixture)");
    const [first, second] = feed.items;
    expect(first).toEqual({
      guid: "tag:example.org,2024:entry-1",
      url: "https://example.org/atom/1",
      title: "Invented Atom headline with markup",
      html: "<p>Invented body paragraph one.</p><p>Invented body paragraph two.</p>",
      description: "<p>Invented summary &amp; plain text.</p>",
      author: "Olena Example",
      publishedAt: at("2024-12-17T09:00:00Z"),
      categories: ["Air defence"],
    });
    expect(second?.url).toBe("https://example.org/entry-2");
    expect(second?.publishedAt).toBe(at("2024-12-16T07:45:00Z"));
  });

  it("reads JSON Feed, turning content_text into HTML and deduplicating tags", () => {
    const feed = parseFeedText(fixture("json-feed.json"));
    expect(feed.format).toBe("json");
    expect(feed.items).toHaveLength(2);
    expect(feed.items[0]).toEqual({
      guid: "json-1",
      url: "https://example.org/json/1",
      title: "Invented JSON headline one",
      html: "<p>Invented JSON body.</p>",
      description: "Invented JSON summary.",
      author: "Taras Example",
      publishedAt: at("2024-12-17T08:00:00Z"),
      categories: ["Diplomacy", "Exampleland"],
    });
    expect(feed.items[1]?.html).toBe(
      "<p>First invented line.</p><p>Second invented paragraph with &lt;angle&gt; brackets.</p>",
    );
    expect(feed.items[1]?.publishedAt).toBe(at("2024-12-16T19:00:00Z"));
  });

  it("repairs a bare & and HTML-only entities instead of failing", () => {
    const feed = parseFeedText(fixture("malformed.xml"));
    expect(feed.title).toBe("Broken & Careless Outlet (invented fixture)");
    expect(feed.items).toHaveLength(2);
    expect(feed.items[0]).toMatchObject({
      title: "Invented headline — Q&A with «Example» officials…",
      url: "https://example.org/broken/1?ref=rss&utm=feed",
      description: "Body with a bare & and ’quotes’ and an &unknownentity; reference.",
      publishedAt: at("2024-12-17T15:00:00Z"),
    });
  });

  it("resolves relative links against the given base URL first", () => {
    const feed = parseFeedText(rss("<item><title>Invented</title><link>x/1</link></item>"), {
      baseUrl: "https://example.org/news/feed/",
    });
    expect(feed.items[0]?.url).toBe("https://example.org/news/feed/x/1");
  });

  it("uses a permalink guid as the link only when it is an absolute URL", () => {
    const feed = parseFeedText(
      rss(
        "<item><title>Invented A</title><guid>https://example.org/a</guid></item>" +
          "<item><title>Invented B</title><guid>12345</guid></item>",
      ),
    );
    expect(feed.items.map((i) => i.url)).toEqual(["https://example.org/a"]);
  });

  it("drops items whose link is not http(s)", () => {
    const feed = parseFeedText(
      rss("<item><title>Invented</title><link>javascript:alert(1)</link></item>"),
    );
    expect(feed.items).toEqual([]);
  });

  it.each([
    ["", /empty/],
    ["   \n ", /empty/],
    ["<!DOCTYPE html><html><body>Moved</body></html>", /HTML page/],
    [
      "<urlset><url><loc>https://example.org/</loc></url></urlset>",
      /unrecognised feed format \(root element <urlset>\)/,
    ],
    ["Service temporarily unavailable", /not XML or JSON/],
    ["{ not json", /invalid JSON/],
    ['{"error":"rate limited"}', /JSON, but not a JSON Feed/],
    ['<rss version="2.0"><channel><title>x</titl></channel></rss>', /malformed XML/],
  ])("throws FeedParseError for %j", (text, reason) => {
    let error: unknown;
    try {
      parseFeedText(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as FeedParseError).reason).toMatch(reason);
  });

  it("decodes any mix of bare &, HTML entities and XML entities in a title", () => {
    const tokens: [string, string][] = [
      ["Kyiv", "Kyiv"],
      [" ", " "],
      ["&", "&"],
      ["&nbsp;", " "],
      ["&mdash;", "—"],
      ["&amp;", "&"],
      ["&laquo;", "«"],
      ["&#8212;", "—"],
      ["&#x410;", "А"],
      ["&bogus;", "&bogus;"],
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 12 }), (parts) => {
        const raw = `Kyiv${parts.map(([r]) => r).join("")}`;
        const expected = `Kyiv${parts.map(([, e]) => e).join("")}`.replace(/\s+/g, " ").trim();
        const feed = parseFeedText(
          rss(`<item><title>${raw}</title><link>https://example.org/a?b=1&c=2</link></item>`),
        );
        expect(feed.items[0]?.title).toBe(expected);
        expect(feed.items[0]?.url).toBe("https://example.org/a?b=1&c=2");
      }),
    );
  });
});

describe("repairXml", () => {
  it("leaves CDATA and comments untouched", () => {
    const xml = "<a><![CDATA[Q&A &nbsp;]]><!-- & --><b>Q&A&nbsp;</b></a>";
    expect(repairXml(xml)).toBe("<a><![CDATA[Q&A &nbsp;]]><!-- & --><b>Q&amp;A&#160;</b></a>");
  });

  it("keeps valid references and removes characters XML forbids", () => {
    expect(repairXml("<a>&amp;&lt;&#38;&#x26;\u0001\u000b\tok</a>")).toBe(
      "<a>&amp;&lt;&#38;&#x26;\tok</a>",
    );
  });
});

describe("parseFeedDate", () => {
  it.each([
    ["Tue, 17 Dec 2024 10:30:00 +0200", "2024-12-17T08:30:00.000Z"],
    ["Tue, 17 Dec 2024 10:30:00 GMT", "2024-12-17T10:30:00.000Z"],
    ["Tue, 17 Dec 2024 10:30 EST", "2024-12-17T15:30:00.000Z"],
    ["Tue, 17 Dec 2024 10:30:00 EEST", "2024-12-17T07:30:00.000Z"],
    ["17 Dec 24 10:30:00 Z", "2024-12-17T10:30:00.000Z"],
    ["Tue,  17 December 2024 10:30:00 -05:00", "2024-12-17T15:30:00.000Z"],
    ["Tuesday, 17 Dec 2024 10:30:00 UT", "2024-12-17T10:30:00.000Z"],
    ["2024-12-17T10:30:00+02:00", "2024-12-17T08:30:00.000Z"],
    ["2024-12-17T10:30:00.250Z", "2024-12-17T10:30:00.250Z"],
    ["2024-12-17 10:30", "2024-12-17T10:30:00.000Z"],
    ["2024-12-17T10:30+0200", "2024-12-17T08:30:00.000Z"],
    ["2024-12-17", "2024-12-17T12:00:00.000Z"],
    ["December 17, 2024 10:30 PM", "2024-12-17T22:30:00.000Z"],
    ["Dec 17, 2024", "2024-12-17T12:00:00.000Z"],
    ["17 грудня 2024 10:30", "2024-12-17T10:30:00.000Z"],
    ["17 грудня 2024, 10:30 +0200", "2024-12-17T08:30:00.000Z"],
    ["Вт, 17 дек 2024 10:30:00 +0300", "2024-12-17T07:30:00.000Z"],
    ["17 декабря 2024 10:30", "2024-12-17T10:30:00.000Z"],
  ])("%s", (input, expected) => {
    const ms = parseFeedDate(input);
    expect(ms === undefined ? undefined : new Date(ms).toISOString()).toBe(expected);
  });

  it.each([
    "",
    "yesterday",
    "Tue, 31 Feb 2024 10:00:00 GMT",
    "2024-13-01",
    "2024-12-17T25:00:00Z",
    "Tue, 17 Foo 2024 10:00:00 GMT",
    "Tue, 17 Dec 2024 10:00:00 XYZ",
  ])("refuses %j", (input) => {
    expect(parseFeedDate(input)).toBeUndefined();
  });

  const instant = fc
    .date({
      min: new Date("1990-01-01T00:00:00Z"),
      max: new Date("2099-12-31T23:59:59Z"),
      noInvalidDate: true,
    })
    .map((d) => Math.floor(d.getTime() / 1000) * 1000);

  it("reads back every RFC 822 date Date#toUTCString writes", () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(parseFeedDate(new Date(ms).toUTCString())).toBe(ms);
      }),
    );
  });

  it("reads back every ISO 8601 date, with any offset", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -12 * 4, max: 14 * 4 }), (ms, quarters) => {
        const offset = quarters * 15;
        const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
        const sign = offset < 0 ? "-" : "+";
        const abs = Math.abs(offset);
        const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
        expect(parseFeedDate(`${local}${zone}`)).toBe(ms);
        expect(parseFeedDate(`${local}${zone.replace(":", "")}`)).toBe(ms);
      }),
    );
  });
});
