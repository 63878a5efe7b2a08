import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTopics } from "../../src/articles/topics.ts";
import { COMMANDS } from "../../src/bot/commands.ts";
import { createI18n, LOCALES_DIR } from "../../src/bot/i18n.ts";
import { SCHEDULE_PRESETS } from "../../src/bot/keyboards/schedule-presets.ts";
import { settingErrorText } from "../../src/bot/setting-errors.ts";
import { type SettingError, validateSettingsPatch } from "../../src/chats/settings.ts";
import { commonTimeZones } from "../../src/chats/time-zones.ts";
import { LANGUAGES, type Language } from "../../src/config.ts";
import { TOPICS_FILE } from "../support/bot-harness.ts";

const SRC_DIR = new URL("../../src", import.meta.url).pathname;

interface FtlMessage {
  file: string;
  /** the message's source lines, its value and every variant */
  source: string;
  /** its attributes (`.label = …`), sorted */
  attributes: string[];
}

interface FtlLanguage {
  messages: Map<string, FtlMessage>;
  duplicates: string[];
  files: string[];
}

/**
 * Message id (terms keep their "-") -> where and how it is written, for the
 * .ftl files of one directory; duplicates listed apart.
 */
function readFtlDir(dir: string, label: string): FtlLanguage {
  const messages = new Map<string, FtlMessage>();
  const duplicates: string[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ftl"))
    .sort();
  for (const file of files) {
    let current: { id: string; lines: string[]; attributes: string[] } | undefined;
    const close = () => {
      if (!current) return;
      if (messages.has(current.id)) duplicates.push(`${current.id} (${file})`);
      else
        messages.set(current.id, {
          file,
          source: current.lines.join("\n"),
          attributes: current.attributes.sort(),
        });
      current = undefined;
    };
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      const start = /^(-?[a-zA-Z][\w-]*)\s*=(.*)$/.exec(line);
      const attribute = /^\s+\.([a-zA-Z][\w-]*)\s*=/.exec(line);
      if (start) {
        close();
        current = { id: start[1] as string, lines: [start[2] as string], attributes: [] };
      } else if (line.startsWith("#") || line.trim() === "") {
        if (line.startsWith("#")) close();
        current?.lines.push("");
      } else if (/^\s|^\}|^\*?\[/.test(line)) {
        if (attribute) current?.attributes.push(attribute[1] as string);
        current?.lines.push(line);
      } else {
        throw new Error(
          `${label}/${file}: a line Fluent would not read as part of a message: ${line}`,
        );
      }
    }
    close();
  }
  return { messages, duplicates, files };
}

function readLanguage(lang: Language): FtlLanguage {
  return readFtlDir(join(LOCALES_DIR, lang), lang);
}

/**
 * Every way two languages' .ftl files differ in shape: a file only one has, a
 * key only one defines, a key defined in different files, different attributes.
 */
function shapeDifferences(a: FtlLanguage, b: FtlLanguage, names: [string, string]): string[] {
  const problems: string[] = [];
  for (const [mine, other, [me, them]] of [
    [a, b, names],
    [b, a, [names[1], names[0]]],
  ] as const) {
    for (const file of mine.files) {
      if (!other.files.includes(file)) problems.push(`${me}/${file} has no ${them}/${file}`);
    }
    for (const [key, message] of mine.messages) {
      const twin = other.messages.get(key);
      if (!twin) {
        problems.push(`${key} is in ${me}/${message.file}, missing in ${them}`);
      } else if (me === names[0]) {
        if (twin.file !== message.file) {
          problems.push(`${key} is in ${me}/${message.file} but ${them}/${twin.file}`);
        }
        if (twin.attributes.join(",") !== message.attributes.join(",")) {
          problems.push(
            `${key} has attributes [${message.attributes.join(", ")}] in ${me}, [${twin.attributes.join(", ")}] in ${them}`,
          );
        }
      }
    }
  }
  return problems;
}

function variablesOf(source: string): Set<string> {
  return new Set([...source.matchAll(/\{\s*\$([a-zA-Z][\w-]*)/g)].map((m) => m[1] as string));
}

/** Every .ts file under src/, with its text. */
function sources(dir = SRC_DIR): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") ? [{ path, text: readFileSync(path, "utf8") }] : [];
  });
}

interface KeyUse {
  key: string;
  where: string;
  /** the variables passed, when they are an object literal with plain keys */
  vars?: string[];
}

const KEY = "[a-z][a-z0-9]*(?:-[a-zA-Z0-9]+)+";

/**
 * The top-level property names of the object literal starting at `text[start]`
 * ("{"), or undefined when it spreads another object or is not a literal.
 */
function objectKeys(text: string, start: number): string[] | undefined {
  if (text[start] !== "{") return undefined;
  const parts: string[] = [];
  let depth = 0;
  let part = "";
  for (let i = start; i < text.length; i++) {
    const ch = text[i] as string;
    if ("{([".includes(ch)) depth++;
    if ("})]".includes(ch)) depth--;
    if (depth === 0) {
      parts.push(part);
      break;
    }
    if (depth === 1 && ch === ",") {
      parts.push(part);
      part = "";
    } else if (!(depth === 1 && ch === "{")) {
      part += ch;
    }
  }
  const names = parts.map((p) => p.trim()).filter((p) => p !== "");
  if (names.some((p) => p.startsWith("..."))) return undefined;
  return names.map((p) => /^["']?([\w$]+)["']?\s*(?::|$)/.exec(p)?.[1] ?? "?");
}

/** Locale keys named by string literals where src/ translates: t("k"), t(c ? "a" : "b"), translate(lang, "k"). */
function keyUses(): { uses: KeyUse[]; patterns: { pattern: RegExp; where: string }[] } {
  const uses: KeyUse[] = [];
  const patterns: { pattern: RegExp; where: string }[] = [];
  for (const { path, text } of sources()) {
    const where = path.slice(SRC_DIR.length + 1);
    const call = new RegExp(
      String.raw`\b(?:t|translate)\(\s*(?:[\w.]+\s*,\s*)?(["'])(${KEY})\1\s*(\)|,\s*)`,
      "g",
    );
    for (const m of text.matchAll(call)) {
      const after = (m.index ?? 0) + m[0].length;
      const vars = m[3] === ")" ? [] : objectKeys(text, after);
      uses.push({ key: m[2] as string, where, ...(vars ? { vars } : {}) });
    }
    const ternary = new RegExp(
      String.raw`\bt\(\s*[^,()"']*\?\s*(["'])(${KEY})\1\s*:\s*(["'])(${KEY})\3`,
      "g",
    );
    for (const m of text.matchAll(ternary)) {
      uses.push({ key: m[2] as string, where }, { key: m[4] as string, where });
    }
    for (const m of text.matchAll(/\bt\(\s*`([a-z][\w-]*\$\{[^`]*)`/g)) {
      const template = (m[1] as string)
        .split(/\$\{[^}]*\}/)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join("[\\w-]+");
      patterns.push({ pattern: new RegExp(`^${template}$`), where });
    }
  }
  return { uses, patterns };
}

const en = readLanguage("en");
const uk = readLanguage("uk");
const byLang = { en, uk } as const;
const i18n = createI18n<never>("en");

function sampleVars(names: Iterable<string>): Record<string, string | number> {
  const numeric = /count|max|min|minutes|default|waiting|active|delayed/;
  return Object.fromEntries([...names].map((n) => [n, numeric.test(n) ? 7 : `«${n}»`]));
}

function unresolved(text: string): string[] {
  return [...text.matchAll(/\{\s*\$?[\w-]+\s*\}/g)].map((m) => m[0]);
}

describe("translations", () => {
  it("every language has the same .ftl files, each with the same keys and attributes", () => {
    expect(en.files.length).toBeGreaterThan(0);
    expect(shapeDifferences(en, uk, ["en", "uk"])).toEqual([]);
  });

  it("reports a file, a key or an attribute only one language has", () => {
    const root = mkdtempSync(join(tmpdir(), "fd-ftl-"));
    try {
      const write = (lang: string, file: string, text: string) => {
        mkdirSync(join(root, lang), { recursive: true });
        writeFileSync(join(root, lang, file), text);
      };
      write(
        "en",
        "a.ftl",
        "shared = Hello\nonly-en = Only here\nmoved = Here\nbutton = Go\n    .title = Tip\n",
      );
      write("uk", "a.ftl", "shared = Привіт\nonly-uk = Лише тут\nbutton = Далі\n");
      write("uk", "b.ftl", "moved = Тут\n-brand = Бренд\n");
      const problems = shapeDifferences(
        readFtlDir(join(root, "en"), "en"),
        readFtlDir(join(root, "uk"), "uk"),
        ["en", "uk"],
      );
      expect(problems).toEqual([
        "only-en is in en/a.ftl, missing in uk",
        "moved is in en/a.ftl but uk/b.ftl",
        "button has attributes [title] in en, [] in uk",
        "uk/b.ftl has no en/b.ftl",
        "only-uk is in uk/a.ftl, missing in en",
        "-brand is in uk/b.ftl, missing in en",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("every language has exactly the same keys", () => {
    const enKeys = [...en.messages.keys()].sort();
    const ukKeys = [...uk.messages.keys()].sort();
    expect(ukKeys.filter((k) => !en.messages.has(k))).toEqual([]);
    expect(enKeys.filter((k) => !uk.messages.has(k))).toEqual([]);
    expect(LANGUAGES).toEqual(["en", "uk"]);
  });

  it("defines each key once per language (files are joined; a second definition would win silently)", () => {
    expect(en.duplicates).toEqual([]);
    expect(uk.duplicates).toEqual([]);
  });

  it("uses the same variables for a message in every language", () => {
    const differ = [...en.messages].flatMap(([key, message]) => {
      const other = uk.messages.get(key);
      if (!other) return [];
      const a = [...variablesOf(message.source)].sort().join(",");
      const b = [...variablesOf(other.source)].sort().join(",");
      return a === b ? [] : [`${key}: en {${a}} uk {${b}}`];
    });
    expect(differ).toEqual([]);
  });

  it("renders every message with the variables the English one takes, in every language, with nothing left unresolved", () => {
    const broken: string[] = [];
    for (const lang of LANGUAGES) {
      for (const [key, message] of byLang[lang].messages) {
        if (key.startsWith("-")) continue; // a term is used inside messages, never alone
        for (const count of [1, 2, 5, 21]) {
          const expected = en.messages.get(key)?.source ?? message.source;
          const vars = sampleVars(variablesOf(expected));
          for (const name of Object.keys(vars))
            if (typeof vars[name] === "number") vars[name] = count;
          const text = i18n.t(lang, key, vars);
          const left = unresolved(text);
          if (left.length > 0 || text.trim() === "") broken.push(`${lang} ${key}: ${text}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("has every key src/ names, in every language, given every variable it needs", () => {
    const { uses, patterns } = keyUses();
    expect(uses.length).toBeGreaterThan(150);
    expect(uses.filter((u) => u.vars && u.vars.length > 0).length).toBeGreaterThan(60);
    const problems: string[] = [];
    for (const use of uses) {
      for (const lang of LANGUAGES) {
        const message = byLang[lang].messages.get(use.key);
        if (!message) {
          problems.push(`${use.where}: ${use.key} missing in ${lang}`);
          continue;
        }
        if (use.vars) {
          const missing = [...variablesOf(message.source)].filter((v) => !use.vars?.includes(v));
          if (missing.length > 0) {
            problems.push(`${use.where}: ${use.key} (${lang}) needs ${missing.join(", ")}`);
          }
        }
      }
    }
    for (const { pattern, where } of patterns) {
      for (const lang of LANGUAGES) {
        if (![...byLang[lang].messages.keys()].some((k) => pattern.test(k))) {
          problems.push(`${where}: no ${lang} key matches ${pattern}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("has the keys named in data: commands, schedule presets, topic names, city buttons", () => {
    const keys = [
      ...COMMANDS.map((c) => c.describe),
      ...SCHEDULE_PRESETS.map((p) => p.label),
      ...commonTimeZones.flatMap(({ label }) => {
        const slug = label.toLowerCase().replace(/\s+/g, "-");
        return [`settings-city-${slug}`, `subscribe-city-${slug}`];
      }),
      ...["topics", "schedule", "times", "zone", "zone-typed", "confirm"].map(
        (step) => `subscribe-hint-${step}`,
      ),
      ...["title", "summary"].flatMap((f) => [`edit-${f}-too-long`, `edit-${f}-saved`]),
    ];
    for (const lang of LANGUAGES) {
      expect(keys.filter((k) => !byLang[lang].messages.has(k))).toEqual([]);
    }
    for (const topic of loadTopics(TOPICS_FILE)) {
      for (const lang of LANGUAGES) expect(topic.name[lang]).toBeTruthy();
    }
  });

  it("words every setting error fully, with the value the user sent", () => {
    const topicIds = new Set(loadTopics(TOPICS_FILE).map((t) => t.id));
    const bad: Record<string, unknown>[] = [
      { lang: "fr" },
      { tz: "Atlantis" },
      { times: "25:00" },
      { times: "" },
      { times: "1:00, 2:00, 3:00, 4:00, 5:00, 6:00, 7:00" },
      { topics: 5 },
      { topics: ["nowhere"] },
      { maxItems: 99 },
      { quiet: "soon" },
      { previews: "maybe" },
      { flash: "maybe" },
      { threadId: -3 },
    ];
    const errors: SettingError[] = bad.flatMap((patch) => {
      const result = validateSettingsPatch(patch, { topicIds });
      expect(result.ok, JSON.stringify(patch)).toBe(false);
      return result.ok ? [] : result.errors;
    });
    expect(new Set(errors.map((e) => e.code)).size).toBe(11);
    for (const lang of LANGUAGES) {
      for (const error of errors) {
        const text = settingErrorText((key, vars) => i18n.t(lang, key, vars), error);
        expect(unresolved(text), `${lang} ${error.code}: ${text}`).toEqual([]);
      }
    }
  });
});
