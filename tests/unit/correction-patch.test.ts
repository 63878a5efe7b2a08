import { describe, expect, it } from "vitest";
import { type Correction, patchMessage } from "../../src/corrections/patch.ts";
import { type RenderItem, type RenderOptions, renderItem } from "../../src/digest/render.ts";
import { parseTelegramHtml } from "../support/telegram-html.ts";

// Invented items: example.* URLs, made-up outlets and summaries.
const options: RenderOptions = {
  labels: {
    topicName: (id) => id,
    alsoReportedBy: "Also reported by",
    flash: "⚡ URGENT",
    dateLocale: "en-GB",
  },
  timeZone: "Europe/Kyiv",
};

function item(n: number, url = `https://example.com/news/${n}`): RenderItem {
  return {
    title: `Invented title ${n}`,
    url,
    summary: `An invented summary ${n}.`,
    source: "Example Press",
    publishedAt: Date.parse("2024-12-16T23:30:00Z"),
    topics: [],
  };
}

function links(html: string): { text: string; url: string }[] {
  const { text, entities } = parseTelegramHtml(html);
  return entities
    .filter((e) => e.type === "text_link")
    .map((e) => ({ text: text.slice(e.offset, e.offset + e.length), url: e.url ?? "" }));
}

describe("patchMessage", () => {
  it("points the corrected article's title at its new link, leaving the other articles alone", () => {
    const html = [renderItem(item(1), options), renderItem(item(2), options)].join("\n\n");
    const moved = "https://example.com/news/1-moved?id=7&lang=en";
    const correction: Correction = {
      url: "https://example.com/news/1",
      before: { title: "Invented title 1", summary: "An invented summary 1." },
      after: { title: "Invented title 1", summary: "An invented summary 1.", link: moved },
    };
    const patched = patchMessage(html, correction, "withdrawn");
    expect(patched).toBe(
      [renderItem(item(1, moved), options), renderItem(item(2), options)].join("\n\n"),
    );
    expect(links(patched)).toEqual([
      { text: "Invented title 1", url: moved },
      { text: "Invented title 2", url: "https://example.com/news/2" },
    ]);
  });

  it("finds the article by the link the message shows when it is not the canonical URL", () => {
    const shown = "https://www.example.com/News/1/";
    const html = renderItem(item(1, shown), options);
    const correction: Correction = {
      url: "https://example.com/News/1",
      before: { title: "Invented title 1", summary: "An invented summary 1.", link: shown },
      after: {
        title: "Invented title 1",
        summary: "An invented summary 1.",
        link: "https://example.org/elsewhere/1",
      },
    };
    expect(links(patchMessage(html, correction, ""))).toEqual([
      { text: "Invented title 1", url: "https://example.org/elsewhere/1" },
    ]);
  });
});
