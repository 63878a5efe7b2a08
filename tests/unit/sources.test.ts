import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ContentError } from "../../src/errors.ts";
import { loadSources, parseSources } from "../../src/feeds/sources.ts";

const SOURCES_FILE = resolve(import.meta.dirname, "../../content/sources.json");
const FILE = "content/sources.json";

// Invented outlets for tests only.
function source(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `Example ${id}`,
    url: `https://example.org/${id}/feed/`,
    ...extra,
  };
}

function errorOf(data: unknown): ContentError {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  try {
    parseSources(FILE, text);
  } catch (err) {
    expect(err).toBeInstanceOf(ContentError);
    return err as ContentError;
  }
  throw new Error("expected a ContentError");
}

describe("content/sources.json", () => {
  it("loads, with unique kebab-case ids, https feeds and homepages", () => {
    const sources = loadSources(SOURCES_FILE);
    expect(sources.length).toBeGreaterThan(0);
    expect(new Set(sources.map((s) => s.id)).size).toBe(sources.length);
    for (const s of sources) {
      expect(s.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(s.name.trim()).not.toBe("");
      expect(s.url).toMatch(/^https:\/\//);
      expect(s.homepage, s.id).toMatch(/^https:\/\//);
    }
    expect(sources.map((s) => s.name)).toContain("Euromaidan Press");
  });

  it("follows Ukrainian-language outlets beside the English ones, each marked uk", () => {
    const sources = loadSources(SOURCES_FILE);
    const uk = sources.filter((s) => s.lang === "uk");
    expect(uk.map((s) => s.name)).toEqual(
      expect.arrayContaining(["Українська правда", "Укрінформ", "Суспільне Новини"]),
    );
    expect(sources.filter((s) => s.lang === "en").length).toBeGreaterThan(0);
    expect(sources.every((s) => s.lang === "en" || s.lang === "uk")).toBe(true);
    // names tell the outlets' editions apart: /sources counts articles per name
    expect(new Set(sources.map((s) => s.name)).size).toBe(sources.length);
  });
});

describe("parseSources", () => {
  it("fills in the defaults and keeps what is given", () => {
    const [plain, full] = parseSources(
      FILE,
      JSON.stringify({
        sources: [
          source("plain"),
          source("full", {
            homepage: "https://example.org/",
            lang: "uk",
            pollMinutes: 60,
            enabled: false,
            fallbackUrls: ["https://example.org/full/rss"],
          }),
        ],
      }),
    );
    expect(plain).toEqual({
      id: "plain",
      name: "Example plain",
      url: "https://example.org/plain/feed/",
      lang: "en",
      pollMinutes: 15,
      enabled: true,
      fallbackUrls: [],
    });
    expect(plain).not.toHaveProperty("homepage");
    expect(full).toEqual({
      id: "full",
      name: "Example full",
      url: "https://example.org/full/feed/",
      homepage: "https://example.org/",
      lang: "uk",
      pollMinutes: 60,
      enabled: false,
      fallbackUrls: ["https://example.org/full/rss"],
    });
  });

  it("accepts an empty list", () => {
    expect(parseSources(FILE, '{ "sources": [] }')).toEqual([]);
  });

  it.each([
    ["id", { id: "Not Kebab" }, /kebab-case/],
    ["id", { id: undefined }, /required/],
    ["name", { name: "   " }, /empty/],
    ["name", { name: 7 }, /./],
    ["url", { url: "ftp://example.org/feed" }, /http\(s\) URL/],
    ["url", { url: "not a url" }, /http\(s\) URL/],
    ["homepage", { homepage: "example.org" }, /http\(s\) URL/],
    ["lang", { lang: "English" }, /language tag/],
    ["pollMinutes", { pollMinutes: 1 }, /between 5 and 1440/],
    ["pollMinutes", { pollMinutes: 2000 }, /between 5 and 1440/],
    ["pollMinutes", { pollMinutes: 7.5 }, /whole number/],
    ["pollMinutes", { pollMinutes: "15" }, /whole number/],
    ["enabled", { enabled: "yes" }, /true or false/],
    ["fallbackUrls", { fallbackUrls: "https://example.org/x" }, /list of URLs/],
    ["fallbackUrls[0]", { fallbackUrls: ["gopher://example.org"] }, /http\(s\) URL/],
  ])("names sources[1].%s when it is %j", (field, patch, problem) => {
    const error = errorOf({ sources: [source("good"), source("bad", patch)] });
    expect(error.file).toBe(FILE);
    expect(error.field).toBe(`sources[1].${field}`);
    expect(error.problem).toMatch(problem);
    expect(error.message).toContain(`${FILE}: sources[1].${field}:`);
  });

  it("names a field it does not know, listing the known ones", () => {
    const error = errorOf({ sources: [source("a", { interval: 15 })] });
    expect(error.field).toBe("sources[0].interval");
    expect(error.problem).toMatch(/not a field/);
    expect(error.problem).toContain("pollMinutes");
  });

  it("names the second of two sources with the same id and points to the first", () => {
    const error = errorOf({ sources: [source("a"), source("b"), source("a")] });
    expect(error.field).toBe("sources[2].id");
    expect(error.problem).toContain('"a"');
    expect(error.problem).toContain("sources[0]");
  });

  it.each([
    ["not JSON", "{ sources: [", "(file)", /not valid JSON/],
    ["not an object", "[]", "(file)", /sources/],
    ["without a list", '{ "sources": {} }', "sources", /list of sources/],
    ["with another top-level field", '{ "sources": [], "extra": 1 }', "extra", /not a field/],
  ])("explains a file %s", (_what, text, field, problem) => {
    const error = errorOf(text);
    expect(error.field).toBe(field);
    expect(error.problem).toMatch(problem);
  });
});

describe("loadSources", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("reads a file and names it in errors", () => {
    dir = mkdtempSync(join(tmpdir(), "sources-"));
    const file = join(dir, "sources.json");
    writeFileSync(file, JSON.stringify({ sources: [source("x", { pollMinutes: 0 })] }));
    expect(() => loadSources(file)).toThrow(`${file}: sources[0].pollMinutes:`);
    writeFileSync(file, JSON.stringify({ sources: [source("x")] }));
    expect(loadSources(file).map((s) => s.id)).toEqual(["x"]);
  });

  it("says when the file cannot be read", () => {
    dir = mkdtempSync(join(tmpdir(), "sources-"));
    const missing = join(dir, "missing.json");
    expect(() => loadSources(missing)).toThrow(ContentError);
    expect(() => loadSources(missing)).toThrow(/cannot be read/);
  });
});
