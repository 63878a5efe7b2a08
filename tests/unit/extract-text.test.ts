import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeHtmlEntities, htmlInlineText, htmlToText } from "../../src/feeds/extract-text.ts";
import { parseFeedText } from "../../src/feeds/parse-feed.ts";
import { readFixture } from "../support/feed-server.ts";

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

describe("htmlToText", () => {
  it("turns an invented article body into paragraphs without the clutter", () => {
    const html = `
      <div class="entry">
        <p>First   invented
           paragraph &mdash; with <a href="https://example.org/">a link</a>.</p>
        <figure><img src="https://example.org/a.jpg" alt="a"><figcaption>Photo: Example Agency</figcaption></figure>
        <p><strong>Read also:</strong> <a href="https://example.org/b">Another invented story</a></p>
        <script>window.track("<p>not text</p>");</script>
        <style>.entry p { color: red }</style>
        <h2>An invented heading</h2>
        <p>Second line one<br>second line two</p>
        <ul><li>first point</li><li>second point</li></ul>
        <p>📌 Читайте також: вигадана новина</p>
        <p>Фото: вигадане агентство</p>
        <p>Subscribe to our invented newsletter</p>
        <p>Follow us on Example Social</p>
        <aside>Support us on an invented platform</aside>
        <p>Last &laquo;invented&raquo; paragraph&hellip;</p>
      </div>`;
    expect(htmlToText(html)).toBe(
      [
        "First invented paragraph — with a link.",
        "An invented heading",
        "Second line one\nsecond line two",
        "first point\nsecond point",
        "Last «invented» paragraph…",
      ].join("\n\n"),
    );
  });

  it.each([
    "Read more: an invented story",
    "Also read — an invented story",
    "Share this article",
    "Support us: become an invented patron",
    "Image: Example Agency",
    "Source: Example Ministry",
    "Підписуйтесь на наш вигаданий канал",
    "→ Read also: an invented story",
  ])("drops the boilerplate line %j", (line) => {
    expect(htmlToText(`<p>Kept.</p><p>${line}</p>`)).toBe("Kept.");
  });

  it("keeps long paragraphs that merely begin like a caption", () => {
    const long =
      `Source: ${"an invented official told reporters that the repair went well. ".repeat(5)}`.trim();
    expect(htmlToText(`<p>${long}</p>`)).toBe(long);
  });

  it("keeps words that only start like boilerplate", () => {
    expect(htmlToText("<p>Subscribers to the invented service grew.</p>")).toBe(
      "Subscribers to the invented service grew.",
    );
  });

  it("removes nested figures and comments, and survives unclosed tags", () => {
    expect(
      htmlToText("<p>A<!-- hidden --></p><figure><figure>x</figure>caption</figure><p>B <b>bold"),
    ).toBe("A\n\nB bold");
  });

  it("extracts the fixture's content:encoded without caption, appeal or script", () => {
    const [item] = parseFeedText(readFixture("rss2-content.xml").toString("utf8")).items;
    expect(htmlToText(item?.html ?? "")).toBe(
      "Volunteers in the invented town of Exampleville repaired a footbridge over the Sample River on Tuesday, the fictional mayor said.\n\nThe work took three days & used donated timber.",
    );
  });

  const plain = fc
    .array(fc.constantFrom(..."Kyiv abc <>&;\"' —«»…\n\t.,".split("")), { maxLength: 60 })
    .map((cs) => `Text ${cs.join("")}`);

  it("gives back any escaped plain text, whitespace collapsed", () => {
    fc.assert(
      fc.property(plain, (s) => {
        expect(htmlToText(`<p>${escapeHtml(s)}</p>`)).toBe(s.replace(/\s+/g, " ").trim());
      }),
    );
  });

  it("never lets script or style content through", () => {
    fc.assert(
      fc.property(plain, (s) => {
        const html = `<p>Kept</p><script>${s}</script><style>${s}</style>`;
        expect(htmlToText(html)).toBe("Kept");
      }),
    );
  });

  it("always returns tidy whitespace, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => {
        const text = htmlToText(s);
        expect(text).toBe(text.trim());
        expect(text).not.toMatch(/[^\S\n]{2}|\n{3}| \n|\n /);
      }),
    );
  });
});

describe("decodeHtmlEntities", () => {
  it("decodes named, decimal and hex references and keeps unknown names", () => {
    expect(
      decodeHtmlEntities("&amp;&lt;&nbsp;&eacute;&numero;&#1028;&#x404;&nosuch;&#0;&#xD800;"),
    ).toBe("&<\u00a0é№ЄЄ&nosuch;\uFFFD\uFFFD");
  });
});

describe("htmlInlineText", () => {
  it("flattens a headline to one line of text", () => {
    expect(htmlInlineText(" <b>Invented</b>\n headline &amp;#8217;s &lt; 5 ")).toBe(
      "Invented headline &#8217;s < 5",
    );
  });
});
