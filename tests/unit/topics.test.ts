import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadTopics, parseTopics, type Topic, topicName } from "../../src/articles/topics.ts";
import { ContentError } from "../../src/errors.ts";

const gazetteer = resolve(import.meta.dirname, "../../content/topics.json");

const REQUIRED = [
  "frontline",
  "kursk",
  "north-korea",
  "air-war",
  "diplomacy",
  "occupied-territories",
  "humanitarian",
  "russia",
];

function topic(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: { en: id, uk: id },
    aliases: { en: [`${id} en`], uk: [], ru: [] },
    ...extra,
  };
}

function contentErrorOf(data: unknown, file = "content/topics.json"): ContentError {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  try {
    parseTopics(file, text);
  } catch (err) {
    expect(err).toBeInstanceOf(ContentError);
    return err as ContentError;
  }
  throw new Error("expected a ContentError");
}

describe("content/topics.json", () => {
  const topics = loadTopics(gazetteer);

  it("has the topics the bot promises, and no more than fit a keyboard", () => {
    const ids = topics.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(REQUIRED));
    expect(ids.length).toBeLessThanOrEqual(14);
  });

  it("names every topic in English and Ukrainian and spells it in all three languages", () => {
    for (const t of topics) {
      expect(t.name.en, t.id).not.toBe("");
      expect(t.name.uk, t.id).toMatch(/\p{Script=Cyrillic}/u);
      expect(t.aliases.en.length, `${t.id} en`).toBeGreaterThan(0);
      expect(t.aliases.uk.length, `${t.id} uk`).toBeGreaterThan(0);
      expect(t.aliases.ru.length, `${t.id} ru`).toBeGreaterThan(0);
    }
  });

  it("lists no alias twice within a language", () => {
    for (const t of topics) {
      for (const [lang, aliases] of Object.entries(t.aliases)) {
        const twice = aliases.filter((a: string, i: number) => aliases.indexOf(a) !== i);
        expect(twice, `${t.id} ${lang}`).toEqual([]);
      }
    }
  });
});

describe("loadTopics", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("reads a file and keeps the file's order", () => {
    dir = mkdtempSync(join(tmpdir(), "topics-"));
    const file = join(dir, "topics.json");
    writeFileSync(file, JSON.stringify({ topics: [topic("b-topic"), topic("a-topic")] }));
    expect(loadTopics(file).map((t) => t.id)).toEqual(["b-topic", "a-topic"]);
  });

  it("names a missing file", () => {
    const file = join(tmpdir(), "no-such-dir-for-topics", "topics.json");
    expect(() => loadTopics(file)).toThrow(ContentError);
    expect(() => loadTopics(file)).toThrow(`${file}: file: cannot be read (ENOENT)`);
  });
});

describe("parseTopics", () => {
  it("fills missing alias lists and keeps an optional emoji", () => {
    const [parsed] = parseTopics(
      "t.json",
      JSON.stringify({
        topics: [
          {
            id: "kursk",
            name: { en: "Kursk", uk: "Курщина" },
            emoji: "📍",
            aliases: { en: ["Kursk"] },
          },
        ],
      }),
    );
    expect(parsed).toEqual<Topic>({
      id: "kursk",
      name: { en: "Kursk", uk: "Курщина" },
      emoji: "📍",
      aliases: { en: ["Kursk"], uk: [], ru: [] },
    });
  });

  it("names the file and the field path of a wrong alias list", () => {
    const topics = [topic("a"), topic("b"), topic("c"), topic("d")];
    (topics[3] as { aliases: Record<string, unknown> }).aliases.uk = "Курськ";
    const error = contentErrorOf({ topics });
    expect(error.message).toBe(
      "content/topics.json: topics[3].aliases.uk: expected an array of strings",
    );
    expect(error.file).toBe("content/topics.json");
    expect(error.field).toBe("topics[3].aliases.uk");
  });

  it("names the element of a list that is not a string", () => {
    const error = contentErrorOf({ topics: [topic("a", { aliases: { en: ["ok", 5] } })] });
    expect(error.field).toBe("topics[0].aliases.en[1]");
    expect(error.problem).toBe("expected a string");
  });

  it("refuses a duplicate id, naming the first one", () => {
    const error = contentErrorOf({ topics: [topic("kursk"), topic("russia"), topic("kursk")] });
    expect(error.field).toBe("topics[2].id");
    expect(error.problem).toContain("topics[0]");
  });

  it.each([
    ["North-Korea"],
    ["north_korea"],
    ["north--korea"],
    ["-kursk"],
    ["kursk-"],
    ["1kursk"],
    [""],
    ["a".repeat(33)],
  ])("refuses the id %j", (id) => {
    expect(contentErrorOf({ topics: [topic(id)] }).field).toBe("topics[0].id");
  });

  it("refuses a topic without a Ukrainian name", () => {
    const error = contentErrorOf({ topics: [topic("a", { name: { en: "A" } })] });
    expect(error.field).toBe("topics[0].name.uk");
  });

  it("refuses an unknown field and an unknown alias language", () => {
    expect(contentErrorOf({ topics: [topic("a", { colour: "red" })] }).field).toBe(
      "topics[0].colour",
    );
    expect(
      contentErrorOf({ topics: [topic("a", { aliases: { en: ["A"], de: ["A"] } })] }).field,
    ).toBe("topics[0].aliases.de");
  });

  it.each([
    ["Kursk*Oblast", '"*" only at the end'],
    ["Кур*", "stem shorter than 4"],
    ["Kursk *", "right before"],
    [" Kursk", "spaces"],
    ["", "empty"],
    ["(Kursk)", "begin with a letter"],
    ["Kursk,", "must end with"],
  ])("refuses the alias %j", (alias, problem) => {
    const error = contentErrorOf({ topics: [topic("a", { aliases: { uk: [alias] } })] });
    expect(error.field).toBe("topics[0].aliases.uk[0]");
    expect(error.problem).toContain(problem);
  });

  it("accepts an alias ending in a full stop and a stem of four letters", () => {
    const [parsed] = parseTopics(
      "t.json",
      JSON.stringify({ topics: [topic("a", { aliases: { en: ["U.S."], uk: ["Судж*"] } })] }),
    );
    expect(parsed?.aliases).toEqual({ en: ["U.S."], uk: ["Судж*"], ru: [] });
  });

  it("refuses broken JSON, a wrong top level and an empty list", () => {
    expect(contentErrorOf("{ topics: [").field).toBe("file");
    expect(contentErrorOf([]).field).toBe("file");
    expect(contentErrorOf({}).field).toBe("topics");
    expect(contentErrorOf({ topics: [] }).problem).toBe("needs at least one topic");
  });
});

describe("topicName", () => {
  const topics = parseTopics(
    "t.json",
    JSON.stringify({
      topics: [{ id: "kursk", name: { en: "Kursk", uk: "Курщина" }, aliases: { en: ["Kursk"] } }],
    }),
  );

  it("gives the name in the language asked for", () => {
    expect(topicName(topics, "kursk", "en")).toBe("Kursk");
    expect(topicName(topics, "kursk", "uk")).toBe("Курщина");
  });

  it("falls back to the id for a topic no longer in the file", () => {
    expect(topicName(topics, "sanctions", "uk")).toBe("sanctions");
  });
});
