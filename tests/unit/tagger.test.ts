import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTagger } from "../../src/articles/tagger.ts";
import { loadTopics, type Topic } from "../../src/articles/topics.ts";

// Every phrase below is invented for these tests; none of it is news.

const topics = loadTopics(resolve(import.meta.dirname, "../../content/topics.json"));
const tagger = createTagger(topics);

function gazetteer(entries: Record<string, string[]>): Topic[] {
  return Object.entries(entries).map(([id, aliases]) => ({
    id,
    name: { en: id, uk: id },
    aliases: { en: aliases, uk: [], ru: [] },
  }));
}

describe("createTagger with content/topics.json", () => {
  it.each([
    ["frontline", "Heavy fighting near Pokrovsk", "Бої біля Покровська", "Бои под Покровском"],
    ["kursk", "Troops in Kursk Oblast", "Війська на Курщині", "Войска в Курской области"],
    ["north-korea", "Troops from North Korea", "Війська з КНДР", "Войска из Северной Кореи"],
    ["air-war", "A Shahed drone was shot down", "Збито шахед", "Сбит беспилотник"],
    [
      "black-sea",
      "A strike on the Black Sea Fleet",
      "Удар по Чорноморському флоту",
      "Удар по Черноморскому флоту",
    ],
    [
      "occupied-territories",
      "Passportization in Crimea",
      "Паспортизація в Криму",
      "Паспортизация в Крыму",
    ],
    [
      "humanitarian",
      "A prisoner exchange took place",
      "Відбувся обмін полоненими",
      "Состоялся обмен пленными",
    ],
    [
      "war-crimes",
      "Evidence of war crimes",
      "Докази воєнних злочинів",
      "Доказательства военных преступлений",
    ],
    [
      "diplomacy",
      "New sanctions were agreed",
      "Погоджено нові санкції",
      "Согласованы новые санкции",
    ],
    [
      "weapons-aid",
      "A new military aid package",
      "Новий пакет військової допомоги",
      "Новый пакет военной помощи",
    ],
    ["russia", "The Kremlin said nothing", "Кремль мовчить", "Кремль молчит"],
    [
      "ukraine-politics",
      "Zelenskyy spoke in Kyiv",
      "Зеленський виступив у Києві",
      "Зеленский выступил в Киеве",
    ],
  ])("tags %s in English, Ukrainian and Russian", (id, en, uk, ru) => {
    expect(tagger.tag(en)).toEqual([id]);
    expect(tagger.tag(uk)).toEqual([id]);
    expect(tagger.tag(ru)).toEqual([id]);
  });

  it("knows every spelling of Kharkiv", () => {
    for (const text of [
      "Kharkiv",
      "Kharkov",
      "Харків",
      "Харьков",
      "у Харкові",
      "в Харькове",
      "Харківщина",
      "Харьковская область",
    ]) {
      expect(tagger.tag(text), text).toEqual(["frontline"]);
    }
  });

  it("knows every spelling of Zelenskyy", () => {
    for (const text of [
      "Zelenskyy",
      "Zelensky",
      "Zelenskiy",
      "Зеленський",
      "Зеленського",
      "Зеленский",
    ]) {
      expect(tagger.tag(text), text).toEqual(["ukraine-politics"]);
    }
  });

  it("knows every spelling of Kyiv and Zaporizhzhia", () => {
    for (const text of ["Kyiv", "Kiev", "Київ", "Києві", "Киев", "Киеве"]) {
      expect(tagger.tag(text), text).toEqual(["ukraine-politics"]);
    }
    for (const text of [
      "Zaporizhzhia",
      "Zaporozhye",
      "Запоріжжя",
      "Запорожье",
      "Запорізька область",
    ]) {
      expect(tagger.tag(text), text).toEqual(["frontline"]);
    }
  });

  it("tags the example article's title and a sentence on Kursk Oblast", () => {
    const title =
      "Zelenskyy: Russians burn faces of killed North Korean soldiers to conceal losses";
    const text = `${title}. The soldiers were killed in Kursk Oblast.`;
    // "Zelenskyy" is deliberately ukraine-politics; "Russians" is russia, the adjective "Russian" is not.
    expect(tagger.tag(text)).toEqual(["kursk", "north-korea", "russia", "ukraine-politics"]);
  });

  it("does not tag russia for the adjective that qualifies every front-line report", () => {
    expect(tagger.tag("Russian troops advanced")).toEqual([]);
    expect(tagger.tag("Russians advanced")).toEqual(["russia"]);
  });

  it("prefers the longest alias: the nuclear plant is occupied, the city is at the front", () => {
    expect(tagger.tag("Shelling near the Zaporizhzhia nuclear power plant")).toEqual([
      "occupied-territories",
    ]);
    expect(tagger.tag("Donetsk Oblast")).toEqual(["frontline"]);
    expect(tagger.tag("Donetsk")).toEqual(["occupied-territories"]);
    expect(tagger.tag("Донецька область")).toEqual(["frontline"]);
    expect(tagger.tag("у Донецьку")).toEqual(["occupied-territories"]);
  });

  it("matches a stem with its endings but not a longer unrelated word", () => {
    expect(tagger.tag("Crimean Tatars")).toEqual(["occupied-territories"]);
    expect(tagger.tag("Кримський міст")).toEqual(["occupied-territories"]);
    expect(tagger.tag("кримінальна справа")).toEqual([]);
    expect(tagger.tag("Курс валют")).toEqual([]);
  });

  it("reads mixed-script text, emoji, punctuation and look-alike letters", () => {
    expect(tagger.tag("🚨🇺🇦 Kursk!!! (Суджа)… «Харьков» — [Shahed]")).toEqual([
      "frontline",
      "kursk",
      "air-war",
    ]);
    // Latin K and i typed in Cyrillic words
    expect(tagger.tag("Kурськ та Kиїв")).toEqual(["kursk", "ukraine-politics"]);
    expect(tagger.tag("Куп’янськ, Купʼянськ, Куп'янськ")).toEqual(["frontline"]);
    expect(tagger.tag("Чёрное море")).toEqual(["black-sea"]);
  });

  it("returns each topic once, in the order of topics.json", () => {
    const text = "Putin. Kursk. Putin again. Pokrovsk. Kremlin. Sudzha.";
    expect(tagger.tag(text)).toEqual(["frontline", "kursk", "russia"]);
    expect(tagger.matches(text).map((m) => m.topic)).toEqual([
      "russia",
      "kursk",
      "russia",
      "frontline",
      "russia",
      "kursk",
    ]);
  });

  it("tags every alias of the gazetteer as its own topic", () => {
    for (const t of topics) {
      for (const alias of [...t.aliases.en, ...t.aliases.uk, ...t.aliases.ru]) {
        const text = alias.endsWith("*") ? alias.slice(0, -1) : alias;
        expect(tagger.tag(`(${text})`), `${t.id}: ${alias}`).toEqual([t.id]);
      }
    }
  });
});

describe("createTagger matching rules", () => {
  it("matches whole words only, unless the alias is a stem", () => {
    const strict = createTagger(gazetteer({ kursk: ["Kursk"] }));
    expect(strict.tag("Kurskaya station")).toEqual([]);
    expect(strict.tag("Kursk's")).toEqual(["kursk"]);
    expect(strict.tag("Kursk-based")).toEqual(["kursk"]);
    expect(strict.tag("inKursk")).toEqual([]);
    expect(strict.tag("Kursk2")).toEqual([]);

    const stem = createTagger(gazetteer({ kursk: ["Kursk*"] }));
    expect(stem.tag("Kurskaya station")).toEqual(["kursk"]);
    expect(stem.tag("Kursk")).toEqual(["kursk"]);
    expect(stem.tag("inKurskaya")).toEqual([]);
    expect(stem.tag("Kurs")).toEqual([]);
  });

  it("is case-insensitive and merges ё/е, ї/і and apostrophes", () => {
    const t = createTagger(
      gazetteer({ a: ["Kursk Oblast"], b: ["Черное море"], c: ["Київ"], d: ["Куп'янськ"] }),
    );
    expect(t.tag("KURSK OBLAST")).toEqual(["a"]);
    expect(t.tag("ЧЁРНОЕ МОРЕ")).toEqual(["b"]);
    expect(t.tag("Киiв")).toEqual(["c"]);
    expect(t.tag("КУП’ЯНСЬК")).toEqual(["d"]);
  });

  it("lets any run of whitespace separate the words of an alias", () => {
    const t = createTagger(gazetteer({ a: ["Kursk Oblast"] }));
    expect(t.matches("in Kursk \n\u00a0 Oblast.")).toEqual([
      { topic: "a", alias: "Kursk Oblast", index: 3, text: "Kursk \n\u00a0 Oblast" },
    ]);
  });

  it("reports one match for the longest alias, not the shorter ones inside it", () => {
    const t = createTagger(gazetteer({ short: ["Kursk"], long: ["Kursk Oblast"] }));
    expect(t.matches("Kursk Oblast")).toEqual([
      { topic: "long", alias: "Kursk Oblast", index: 0, text: "Kursk Oblast" },
    ]);
    expect(t.tag("Kursk Oblast and Kursk")).toEqual(["short", "long"]);
  });

  it("never counts Korea inside North Korea", () => {
    const t = createTagger(gazetteer({ "north-korea": ["North Korea"], korea: ["Korea"] }));
    expect(t.tag("North Korea")).toEqual(["north-korea"]);
    expect(t.matches("North Korea, South Korea").map((m) => [m.topic, m.index])).toEqual([
      ["north-korea", 0],
      ["korea", 19],
    ]);
  });

  it("prefers a longer literal over a stem and a stem over a shorter literal", () => {
    const t = createTagger(gazetteer({ stem: ["Курськ*"], place: ["Курська область"] }));
    expect(t.tag("Курська область")).toEqual(["place"]);
    expect(t.tag("Курська операція")).toEqual(["stem"]);
  });

  it("tags both topics when two list the same alias", () => {
    const t = createTagger(gazetteer({ a: ["Enerhodar"], b: ["Enerhodar"] }));
    expect(t.tag("Enerhodar")).toEqual(["a", "b"]);
    expect(t.matches("Enerhodar")).toHaveLength(2);
  });

  it("gives UTF-16 offsets into the text as given, after emoji and decomposed letters", () => {
    const t = createTagger(gazetteer({ kyiv: ["Київ"], kursk: ["Kursk"] }));
    const decomposed = "Киі\u0308в";
    const text = `🇺🇦 ${decomposed} / Kursk`;
    const found = t.matches(text);
    expect(found.map((m) => [m.topic, m.index, m.text])).toEqual([
      ["kyiv", 5, decomposed],
      ["kursk", 5 + decomposed.length + 3, "Kursk"],
    ]);
    for (const m of found) expect(text.slice(m.index, m.index + m.text.length)).toBe(m.text);
  });

  it("tags nothing with no topics or no text", () => {
    expect(createTagger([]).tag("Kursk")).toEqual([]);
    expect(tagger.tag("")).toEqual([]);
  });

  it("gives the same answer when called again on other texts (no state between calls)", () => {
    const first = tagger.matches("Kursk and Pokrovsk");
    tagger.matches("Putin");
    expect(tagger.matches("Kursk and Pokrovsk")).toEqual(first);
  });
});

describe("createTagger properties", () => {
  const pieces = [
    "Kursk",
    "Oblast",
    "North",
    "Korea",
    "Korean",
    "Курськ",
    "ій",
    "Харків",
    "Pokrovsk",
    "Putin",
    "a",
    "я",
    "7",
    " ",
    " ",
    "\n",
    "-",
    "’",
    ".",
    "🇺🇦",
    "\u0301",
  ];
  const text = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((p) => p.join(""));
  const word = /[\p{L}\p{N}\p{M}]/u;

  it("reports matches in order, inside the text, bounded by non-letters, never overlapping", () => {
    fc.assert(
      fc.property(text, (s) => {
        let end = 0;
        for (const m of tagger.matches(s)) {
          expect(s.slice(m.index, m.index + m.text.length)).toBe(m.text);
          expect(m.index).toBeGreaterThanOrEqual(end);
          expect(word.test(s[m.index - 1] ?? "")).toBe(false);
          expect(word.test(s[m.index + m.text.length] ?? "")).toBe(false);
          end = m.index + m.text.length;
        }
      }),
    );
  });

  it("tags exactly the topics of its matches, in gazetteer order", () => {
    const order = topics.map((t) => t.id);
    fc.assert(
      fc.property(text, (s) => {
        const fromMatches = new Set(tagger.matches(s).map((m) => m.topic));
        expect(tagger.tag(s)).toEqual(order.filter((id) => fromMatches.has(id)));
      }),
    );
  });

  it("ignores case", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(tagger.tag(s.toUpperCase())).toEqual(tagger.tag(s));
        expect(tagger.tag(s.toLowerCase())).toEqual(tagger.tag(s));
      }),
    );
  });
});
