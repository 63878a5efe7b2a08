import { describe, expect, it } from "vitest";
import { createTagger } from "../../src/articles/tagger.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import { decodeBodyDetailed } from "../../src/feeds/decode.ts";
import { itemSentences, itemToArticle } from "../../src/feeds/item-to-article.ts";
import { type FeedItem, parseFeedText } from "../../src/feeds/parse-feed.ts";
import { readFixture } from "../support/feed-server.ts";

const tagger = createTagger(
  loadTopics(new URL("../../content/topics.json", import.meta.url).pathname),
);
const fetchedAt = Date.UTC(2024, 11, 17, 12);
const context = { source: { name: "Приклад Новини", lang: "uk" }, tagger, fetchedAt };

/** A fixture's bytes through the same decode → parse → article path the poller takes. */
function articlesOf(name: string, contentType?: string) {
  const decoded = decodeBodyDetailed(readFixture(name), contentType);
  const feed = parseFeedText(decoded.text);
  const articles = feed.items.map((item) => itemToArticle(item, context));
  return { decoded, feed, articles };
}

// The fixtures are invented Ukrainian-language feeds (example.org links, not news).
describe("Ukrainian-language feeds", () => {
  it("reads UTF-8 RSS 2.0 with content:encoded: Cyrillic, «», apostrophes, lang uk", () => {
    const { decoded, feed, articles } = articlesOf(
      "rss2-uk-content.xml",
      "application/rss+xml; charset=utf-8",
    );
    expect(decoded.charset).toBe("utf-8");
    expect(feed.format).toBe("rss");
    expect(articles.map((a) => a?.title)).toEqual([
      "Тестовий заголовок: у м. Прикладів відновили «пункт незламності» після обстрілу",
      "Тестовий заголовок: п’ять сіл на Прикладщині отримали генератори",
    ]);
    const [first, second] = articles;
    expect(first).toMatchObject({ lang: "uk", source: "Приклад Новини", author: "Олена Приклад" });
    // "м." and the initial "В." do not end sentences; a quotation stays with its attribution
    expect(itemSentences(feed.items[0] as FeedItem).slice(0, 4)).toEqual([
      "У вигаданому м. Прикладів волонтери відновили «пункт незламності», пошкоджений уночі.",
      "Про це повідомив очільник вигаданої громади В. Тестенко.",
      "За його словами, у пункті знову є світло, тепло та зв’язок.",
      "«Ми з'явилися тут о шостій ранку й до обіду все полагодили», — сказав він.",
    ]);
    expect(first?.summary).toMatch(
      /^У вигаданому м\. Прикладів волонтери відновили «пункт незламності», пошкоджений уночі\. /,
    );
    // a sentence that only names who reported it is left out of the summary
    expect(first?.summary).not.toContain("Про це повідомив");
    expect(first?.summary).not.toContain("Читайте також");
    // "Читати далі" marks a teaser cut short: the mark and the sentence before it go
    expect(second?.summary).toBe(
      "Вигадані генератори загальною вартістю 2 млн грн передали п'яти селам.",
    );
    expect(second?.lang).toBe("uk");
  });

  it("reads Atom with an HTML title whose « » are entities", () => {
    const { feed, articles } = articlesOf("atom-uk.xml", "application/atom+xml");
    expect(feed.format).toBe("atom");
    expect(articles.map((a) => a?.title)).toEqual([
      "Тестовий заголовок: «Зимова підтримка» — виплати отримали 40 тис. людей",
      "Тестовий заголовок: «Укрзалізниця-Приклад» призначила додатковий поїзд",
    ]);
    expect(articles[0]).toMatchObject({
      lang: "uk",
      author: "Тарас Тестовий",
      url: "https://example.org/uk-atom/2001",
      publishedAt: Date.parse("2024-12-17T05:30:00Z"),
    });
    expect(articles[0]?.summary).toContain("понад 40 тис. людей у тестовій громаді.");
    expect(articles[0]?.summary).toContain("Кожен отримувач має 6,5 тис. грн.");
    expect(articles[1]?.summary).toBe("Вигаданий поїзд курсуватиме щодня. Квитки вже у продажу.");
  });

  it("reads windows-1251 RSS whose charset only the XML declaration names", () => {
    const bytes = readFixture("rss2-uk-windows-1251.xml");
    // the file really is single-byte: «т» is 0xF2 in windows-1251, never a UTF-8 sequence
    expect(bytes.includes(Buffer.from("Тестовий", "utf8"))).toBe(false);
    const { decoded, articles } = articlesOf("rss2-uk-windows-1251.xml");
    expect(decoded).toMatchObject({ charset: "windows-1251", from: "xml-declaration" });
    expect(articles.map((a) => a?.title)).toEqual([
      "Тестовий заголовок: «Сили оборони Прикладії» відбили штурм біля с. Тестове",
      "Тестовий заголовок: Ґрунтові дороги та їжак — літери Ґ, Є, І, Ї у кодуванні",
    ]);
    expect(articles.every((a) => a?.lang === "uk")).toBe(true);
    expect(articles[0]?.summary).toContain("п’ять одиниць техніки");
    expect(articles[0]?.summary).not.toContain("\ufffd");
    expect(articles[1]?.summary).toBe(
      "Ґанок, Єва, Іван, Їжак, є, ї, ґ, і. Усі літери мають прочитатися правильно.",
    );
  });

  it("reads windows-1251 RSS labelled so in the Content-Type too", () => {
    const { decoded, articles } = articlesOf(
      "rss2-uk-windows-1251.xml",
      'application/rss+xml; charset="Windows-1251"',
    );
    expect(decoded).toMatchObject({ charset: "windows-1251", from: "header" });
    expect(articles[0]?.title).toContain("«Сили оборони Прикладії»");
  });
});
