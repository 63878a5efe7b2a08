import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import fc from "fast-check";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { SUMMARY_MAX_CHARS } from "../../src/articles/article.ts";
import { createArticleStore } from "../../src/articles/article-store.ts";
import { canonicalUrl } from "../../src/articles/canonical-url.ts";
import { createClusters } from "../../src/articles/clusters.ts";
import { parseContentFile } from "../../src/articles/content-file.ts";
import { formatImportResult, importSettings } from "../../src/articles/import-cli.ts";
import { importContent } from "../../src/articles/import-content.ts";
import { createTagger } from "../../src/articles/tagger.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import { ContentError } from "../../src/errors.ts";
import type { Logger } from "../../src/logger.ts";
import { useRedis } from "../support/redis.ts";

const root = resolve(import.meta.dirname, "../..");
const contentDir = join(root, "content");
const fixtures = join(root, "tests/fixtures/content");
const seedFile = resolve(root, "../shared/seeds/000_c3a9f88a88773280.txt");
const exampleUrl =
  "https://euromaidanpress.com/2024/12/17/zelenskyy-russians-burn-faces-of-killed-north-korean-soldiers-to-conceal-losses/";
const fixtureTopics = new Set(["kursk", "north-korea", "russia"]);

function realTopicIds(): Set<string> {
  return new Set(loadTopics(join(contentDir, "topics.json")).map((t) => t.id));
}

function contentFiles(): string[] {
  return readdirSync(join(contentDir, "articles"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(contentDir, "articles", f));
}

/** A pino logger that keeps its records in memory. */
function memoryLogger(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "debug" },
    { write: (line: string) => void records.push(JSON.parse(line)) },
  );
  return { logger, records };
}

async function setup() {
  const { redis, keys, prefix, url } = await useRedis();
  const store = createArticleStore(redis, keys);
  const { logger, records } = memoryLogger();
  return { store, logger, records, prefix, url };
}

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fd-content-"));
  tempDirs.push(dir);
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}

describe("the curated content/ directory", () => {
  it("imports every file without a failure", async () => {
    const { store, logger, records } = await setup();
    const files = contentFiles();
    expect(files.length).toBeGreaterThan(0);

    const result = await importContent({
      dir: contentDir,
      store,
      topicIds: realTopicIds(),
      logger,
    });

    expect(result.failed).toEqual([]);
    expect(result).toMatchObject({ created: files.length, updated: 0, unchanged: 0 });
    expect(await store.count()).toBe(files.length);
    expect(records.filter((r) => r.level === 40)).toEqual([]);
  });

  it("holds the example article with its exact link and a summary within the limit", async () => {
    const { store, logger } = await setup();
    await importContent({ dir: contentDir, store, topicIds: realTopicIds(), logger });

    const file = join(contentDir, "articles/2024-12-17-zelenskyy-north-korean-soldiers-faces.md");
    const input = parseContentFile(file, readFileSync(file, "utf8"), realTopicIds());
    expect(input.url).toBe(exampleUrl);
    const article = await store.getByUrl(exampleUrl);
    expect(article).toMatchObject({
      url: canonicalUrl(exampleUrl),
      title: "Zelenskyy: Russians burn faces of killed North Korean soldiers to conceal losses",
      source: "Euromaidan Press",
      author: "Yuri Zoria",
      publishedAt: Date.UTC(2024, 11, 17, 12),
      urgency: "normal",
      lang: "en",
    });
    expect(article?.topics).toEqual(expect.arrayContaining(["north-korea", "kursk", "russia"]));
    expect(article?.summary.length).toBeGreaterThan(100);
    expect(article?.summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
  });

  it("imports nothing new the second time", async () => {
    const { store, logger } = await setup();
    const options = { dir: contentDir, store, topicIds: realTopicIds(), logger };
    const first = await importContent(options);
    const second = await importContent(options);

    expect(first.created).toBeGreaterThan(0);
    expect(second).toEqual({ created: 0, updated: 0, unchanged: first.created, failed: [] });
    expect(await store.count()).toBe(first.created);
  });

  it("groups the outlets that told the same story, and keeps the groups on a second import", async () => {
    const { store, logger } = await setup();
    const topics = loadTopics(join(contentDir, "topics.json"));
    const clusters = createClusters(store, createTagger(topics));
    const options = { dir: contentDir, store, topicIds: realTopicIds(), logger, clusters };
    await importContent(options);

    const cluster = async (url: string) => (await store.getByUrl(url))?.cluster;
    const story = await cluster(exampleUrl);
    expect(story).toBeDefined();
    for (const url of [
      "https://www.kyivpost.com/post/44096",
      "https://news.liga.net/en/politics/news/zelenskyy-russians-trying-to-burn-faces-of-killed-north-korean-soldiers-video",
      "https://www.wionews.com/world/madness-must-be-stopped-zelensky-claims-russian-troops-burning-faces-of-north-korean-soldiers-killed-in-war-784772",
    ]) {
      expect(await cluster(url)).toBe(story);
    }
    expect(
      await cluster("https://ifpnews.com/top-russian-general-aide-moscow-explosion/"),
    ).not.toBe(story);

    const second = await importContent(options);
    expect(second.updated).toBe(0);
    expect(await cluster(exampleUrl)).toBe(story);
  });

  it("keeps every summary within the limit", () => {
    const topicIds = realTopicIds();
    for (const file of contentFiles()) {
      const { summary } = parseContentFile(file, readFileSync(file, "utf8"), topicIds);
      expect([...summary].length, file).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    }
  });

  it("never repeats 12 words in a row of the example article", (ctx) => {
    if (!existsSync(seedFile)) {
      ctx.skip(`the example article's text is not at ${seedFile}, so copying cannot be checked`);
    }
    const seedRuns = new Set(runsOfWords(readFileSync(seedFile, "utf8"), 12));
    expect(seedRuns.size).toBeGreaterThan(100);
    const topicIds = realTopicIds();
    for (const file of contentFiles()) {
      const raw = readFileSync(file, "utf8");
      const { summary } = parseContentFile(file, raw, topicIds);
      // The editor's note after the front matter, which is never imported but is committed.
      const note = raw
        .split(/^---\s*$/m)
        .slice(2)
        .join("---");
      for (const text of [summary, note]) {
        const copied = runsOfWords(text, 12).filter((run) => seedRuns.has(run));
        expect(copied, `${file} repeats the example article word for word`).toEqual([]);
      }
    }
  });
});

/** Every run of `n` consecutive words, lower-cased, punctuation dropped. */
function runsOfWords(text: string, n: number): string[] {
  const words =
    text
      .toLowerCase()
      .replace(/[’‘]/g, "'")
      .match(/[\p{L}\p{N}']+/gu) ?? [];
  return words
    .slice(0, Math.max(0, words.length - n + 1))
    .map((_, i) => words.slice(i, i + n).join(" "));
}

describe("importContent with malformed files", () => {
  const dir = join(fixtures, "malformed");
  const articles = join(dir, "articles");
  const expectedFailures: [file: string, field: string, problem?: string][] = [
    [
      "bad-date.md",
      "published",
      '"17/12/2024" is not a date — use 2024-12-17 or 2024-12-17T09:30:00+02:00',
    ],
    ["bad-long-summary.md", "summary", "612 characters, at most 500"],
    ["bad-missing-title.md", "title"],
    ["bad-no-front-matter.md", "front matter"],
    ["bad-time-without-offset.md", "published"],
    [
      "bad-topic.md",
      "topics[1]",
      '"kurs" is not a topic in topics.json (known: kursk, north-korea, russia)',
    ],
    ["bad-unclosed.md", "front matter"],
    ["bad-unknown-field.md", "summery"],
    ["bad-urgency.md", "urgency"],
    ["bad-url.md", "url", '"ftp://example.org/invented/url" is not an http(s) link'],
    ["bad-yaml.md", "front matter"],
  ];

  it("imports the good files and reports each bad one with its path and field", async () => {
    const { store, logger, records } = await setup();
    const result = await importContent({ dir, store, topicIds: fixtureTopics, logger });

    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(await store.getByUrl("https://example.org/invented/first")).toMatchObject({
      title: "Invented test article one",
      author: "Test Author",
      publishedAt: Date.UTC(2024, 11, 17, 7, 30),
      topics: ["kursk", "north-korea"],
      urgency: "normal",
      lang: "en",
    });
    const nested = await store.getByUrl("https://example.org/invented/second");
    expect(nested).toMatchObject({ publishedAt: Date.UTC(2024, 11, 16, 12), urgency: "flash" });
    expect(nested?.author).toBeUndefined();

    expect(result.failed.map((f) => f.file)).toEqual(
      expectedFailures.map(([file]) => join(articles, file)),
    );
    for (const [i, [file, field, problem]] of expectedFailures.entries()) {
      expect(result.failed[i]?.message.startsWith(`${field}: `), file).toBe(true);
      if (problem) expect(result.failed[i]?.message).toBe(`${field}: ${problem}`);
    }

    const warnings = records.filter((r) => r.level === 40);
    expect(warnings.map((w) => w.file)).toEqual(
      expectedFailures.map(([file]) => join(articles, file)),
    );
    expect(warnings.map((w) => w.field)).toEqual(expectedFailures.map(([, field]) => field));
  });

  it("names the line of a YAML syntax error", async () => {
    const { store, logger } = await setup();
    const result = await importContent({ dir, store, topicIds: fixtureTopics, logger });
    const yaml = result.failed.find((f) => f.file.endsWith("bad-yaml.md"));
    expect(yaml?.message).toMatch(/^front matter: YAML syntax error at line [56]: /);
  });

  it("imports a file again once it is fixed, and counts an edit as an update", async () => {
    const { store, logger } = await setup();
    const copy = copyFixture("malformed");
    const options = { dir: copy, store, topicIds: fixtureTopics, logger };
    await importContent(options);

    const bad = join(copy, "articles", "bad-date.md");
    writeFileSync(bad, readFileSync(bad, "utf8").replace("17/12/2024", "2024-12-17"));
    const good = join(copy, "articles", "01-good.md");
    writeFileSync(
      good,
      readFileSync(good, "utf8").replace("Invented summary", "Edited invented summary"),
    );
    const again = await importContent(options);

    expect(again.created).toBe(1);
    expect(again.updated).toBe(1);
    expect(again.unchanged).toBe(1);
    expect(again.failed).toHaveLength(expectedFailures.length - 1);
    expect((await store.getByUrl("https://example.org/invented/first"))?.summary).toMatch(
      /^Edited invented summary/,
    );
  });
});

describe("importContent edge cases", () => {
  it("reports a second file with the same link and keeps the first", async () => {
    const { store, logger } = await setup();
    const dir = join(fixtures, "duplicate");
    const options = { dir, store, topicIds: fixtureTopics, logger };
    const first = await importContent(options);
    const second = await importContent(options);

    const failure = {
      file: join(dir, "articles", "b.md"),
      message: `url: the same link as ${join(dir, "articles", "a.md")} — keep one of the two files`,
    };
    expect(first).toEqual({ created: 1, updated: 0, unchanged: 0, failed: [failure] });
    expect(second).toEqual({ created: 0, updated: 0, unchanged: 1, failed: [failure] });
    expect((await store.getByUrl("https://example.org/invented/same"))?.title).toBe(
      "Invented duplicate, first",
    );
  });

  it("imports nothing from a directory without articles, with a warning", async () => {
    const { store, logger, records } = await setup();
    const dir = join(fixtures, "does-not-exist");
    const result = await importContent({ dir, store, topicIds: fixtureTopics, logger });

    expect(result).toEqual({ created: 0, updated: 0, unchanged: 0, failed: [] });
    expect(await store.count()).toBe(0);
    const warnings = records.filter((r) => r.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.dir).toBe(join(dir, "articles"));
  });
});

describe("parseContentFile", () => {
  const file = "content/articles/x.md";
  const base = {
    title: '"Invented test headline"',
    url: "https://example.org/invented/x",
    source: "Example Wire",
    published: "2024-12-17",
    topics: "[kursk]",
    summary: "Invented summary for a parser test.",
  };
  const write = (fields: Record<string, string | undefined>, body = "") =>
    `---\n${Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n")}\n---\n${body}`;
  const problem = (text: string): ContentError => {
    try {
      parseContentFile(file, text, fixtureTopics);
    } catch (err) {
      if (err instanceof ContentError) return err;
      throw err;
    }
    throw new Error("parsed without an error");
  };

  it("reads a bare date as noon UTC and fills the defaults", () => {
    const input = parseContentFile(file, write(base, "An editor's note."), fixtureTopics);
    expect(input).toEqual({
      title: "Invented test headline",
      url: "https://example.org/invented/x",
      source: "Example Wire",
      publishedAt: Date.UTC(2024, 11, 17, 12),
      topics: ["kursk"],
      urgency: "normal",
      lang: "en",
      summary: "Invented summary for a parser test.",
    });
  });

  it("reads a date and time with its offset as that instant", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1990-01-01T00:00:00Z"),
          max: new Date("2090-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (date, offsetMinutes) => {
          const ms = Math.floor(date.getTime() / 1000) * 1000;
          const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const sign = offsetMinutes < 0 ? "-" : "+";
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
          const input = parseContentFile(
            file,
            write({ ...base, published: `${local}${offset}` }),
            fixtureTopics,
          );
          expect(input.publishedAt).toBe(ms);
        },
      ),
    );
  });

  it("refuses dates that are not in the calendar", () => {
    for (const published of [
      "2024-02-30",
      "2024-13-01",
      "2024-12-17T24:00:00Z",
      "2024-12-17T09:30:00+15:00",
    ]) {
      expect(problem(write({ ...base, published })).field, published).toBe("published");
    }
    expect(problem(write({ ...base, published: undefined })).problem).toMatch(/^is missing/);
  });

  it("joins a folded summary into one line and counts characters, not UTF-16 units", () => {
    const half = "🙂".repeat(200);
    const input = parseContentFile(
      file,
      write({ ...base, summary: `>-\n  ${half}\n  ${half}` }),
      fixtureTopics,
    );
    expect(input.summary).toBe(`${half} ${half}`);
    expect(problem(write({ ...base, summary: "🙂".repeat(501) })).problem).toBe(
      "501 characters, at most 500",
    );
  });

  it("refuses a headline the bot would have to cut, rather than store less than it was given", () => {
    const longest = "Invented ".repeat(28).slice(0, 250);
    expect(
      parseContentFile(file, write({ ...base, title: `"${longest}"` }), fixtureTopics).title,
    ).toBe(longest);
    const refused = problem(write({ ...base, title: `"${longest}x"` }));
    expect([refused.field, refused.problem]).toEqual(["title", "251 characters, at most 250"]);
  });

  it("refuses an empty or repeated topic list", () => {
    expect(problem(write({ ...base, topics: "[]" })).field).toBe("topics");
    expect(problem(write({ ...base, topics: "[kursk, kursk]" })).field).toBe("topics[1]");
    expect(problem(write({ ...base, topics: "kursk" })).field).toBe("topics");
  });

  it("refuses front matter that is not a set of fields", () => {
    expect(problem("---\n---\n").problem).toMatch(/^is empty/);
    expect(problem("---\n- a\n- b\n---\n").problem).toMatch(/not a list$/);
    expect(problem("---\ntitle: a\ntitle: b\n---\n").problem).toMatch(
      /^YAML syntax error at line 3: /,
    );
  });
});

describe("content:import", () => {
  it("needs no bot token", () => {
    const settings = importSettings({ BOT_TOKEN: "not a token", CONTENT_DIR: "elsewhere" });
    expect(settings).toEqual({
      redisUrl: undefined,
      redisPrefix: "fd:",
      dataDir: "./data",
      contentDir: "elsewhere",
      logLevel: "info",
    });
    expect(importSettings({}).contentDir).toBe("./content");
  });

  it("prints one summary line and one line per failure", () => {
    const lines = formatImportResult(
      {
        created: 2,
        updated: 1,
        unchanged: 3,
        failed: [
          { file: "content/articles/x.md", message: "summary: 612 characters, at most 500" },
        ],
      },
      join(process.cwd(), "content"),
    );
    expect(lines).toEqual([
      "Imported 2 new, 1 updated, 3 unchanged, 1 failed from content/",
      "  content/articles/x.md: summary: 612 characters, at most 500",
    ]);
  });

  it("imports a directory and exits 1 when a file failed", async () => {
    const { store, prefix, url } = await setup();
    const cwd = mkdtempSync(join(tmpdir(), "fd-import-cli-"));
    tempDirs.push(cwd);
    const dir = copyFixture("malformed");
    cpSync(join(contentDir, "topics.json"), join(dir, "topics.json"));

    const run = await runCli(cwd, {
      REDIS_URL: url,
      REDIS_PREFIX: prefix,
      CONTENT_DIR: dir,
      LOG_LEVEL: "silent",
    });

    expect(run.stderr).toBe("");
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      `Imported 2 new, 0 updated, 0 unchanged, 11 failed from ${relative(cwd, dir)}/`,
    );
    expect(lines.slice(1)).toHaveLength(11);
    expect(lines[1]).toMatch(/bad-date\.md: published: /);
    expect(run.code).toBe(1);
    expect(await store.count()).toBe(2);
  });
});

function runCli(
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { BOT_TOKEN: _, REDIS_URL: __, ...inherited } = process.env;
  const child = spawn(
    join(root, "node_modules/.bin/tsx"),
    [join(root, "src/articles/import-cli.ts")],
    {
      cwd,
      env: { ...inherited, ...env },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((done, fail) => {
    child.once("error", fail);
    child.once("close", (code) => done({ code, stdout, stderr }));
  });
}
