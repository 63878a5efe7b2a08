import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ContentError } from "../errors.ts";
import {
  type ArticleInput,
  SOURCE_MAX_CHARS,
  SUMMARY_MAX_CHARS,
  TITLE_MAX_CHARS,
} from "./article.ts";

/**
 * A curated article file is Markdown that begins with YAML front matter:
 *
 * ```
 * ---
 *
 * title: "Headline"
 * url: https://example.org/2024/12/17/headline/
 * source: Example Outlet
 * author: Jane Doe
 * published: 2024-12-17T09:30:00+02:00
 * topics: [north-korea, kursk]
 * urgency: normal
 * lang: en
 * summary: "At most 500 characters, in our own words, on one line."
 * ---
 *
 * Optional editor's note. It stays in the file and is never imported.
 * ```
 *
 * `author` is left out when unknown; `urgency` is normal (the default) or
 * flash; `lang` defaults to en. Each field stays on one line because the
 * repo's Markdown formatter strips the indentation of continuation lines.
 *
 * `published` is either a date and time with its UTC offset (`Z` or `+02:00`),
 * or a bare date such as `2024-12-17` when the time is unknown. A bare date is
 * read as 12:00 UTC of that day: that instant falls on the same calendar day
 * everywhere from UTC-11 to UTC+11, so readers in Kyiv, London or New York all
 * see the date the outlet printed. A time without an offset is refused,
 * because it names no single instant.
 */

const FIELDS = [
  "title",
  "url",
  "source",
  "author",
  "published",
  "topics",
  "urgency",
  "lang",
  "summary",
] as const;

const DATE_HINT = "use 2024-12-17 or 2024-12-17T09:30:00+02:00";
const BARE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/i;
const LANG_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/**
 * Reads one curated article file into what ArticleStore.put takes. Throws a
 * ContentError naming the file, the field and what to write instead, so an
 * editor can fix the file without reading code.
 */
export function parseContentFile(
  path: string,
  text: string,
  topicIds: ReadonlySet<string>,
): ArticleInput {
  const data = readFrontMatter(path, text);
  const parsed = schemaFor(topicIds).safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const issue = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0];
    if (issue?.code === "unrecognized_keys") {
      throw new ContentError(
        path,
        String(issue.keys[0]),
        `is not a field (known: ${FIELDS.join(", ")})`,
      );
    }
    throw new ContentError(path, fieldName(issue?.path ?? []), issue?.message ?? "is invalid");
  }
  const { published, author, ...rest } = parsed.data;
  return { ...rest, ...(author ? { author } : {}), publishedAt: published };
}

function readFrontMatter(path: string, text: string): Record<string, unknown> {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines[0]?.trimEnd() !== "---") {
    throw new ContentError(
      path,
      "front matter",
      'missing: the file must begin with a line "---", then fields such as title: and url:, then a line "---"',
    );
  }
  const end = lines.findIndex((line, i) => i > 0 && line.trimEnd() === "---");
  if (end < 0) {
    throw new ContentError(
      path,
      "front matter",
      'not closed: add a line "---" after the last field',
    );
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(lines.slice(1, end).join("\n"), {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const error = doc.errors[0];
  if (error) {
    // +1: the YAML starts on the line after the opening "---".
    const line = lineCounter.linePos(error.pos[0]).line + 1;
    throw new ContentError(
      path,
      "front matter",
      `YAML syntax error at line ${line}: ${error.message}`,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    throw new ContentError(path, "front matter", `cannot be read: ${(err as Error).message}`);
  }
  if (value === null || value === undefined) {
    throw new ContentError(
      path,
      "front matter",
      "is empty: add title:, url:, source: and the rest",
    );
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ContentError(
      path,
      "front matter",
      `must be fields written as "name: value", not ${Array.isArray(value) ? "a list" : "a single value"}`,
    );
  }
  return value as Record<string, unknown>;
}

function schemaFor(topicIds: ReadonlySet<string>) {
  const known = `known: ${[...topicIds].join(", ")}`;
  return z.strictObject({
    title: text(TITLE_MAX_CHARS, "the headline"),
    url: z
      .string({ error: typeError("a link such as https://example.org/a") })
      .transform((s, ctx) => {
        const url = s.trim();
        if (!isHttpUrl(url)) {
          ctx.addIssue({ code: "custom", message: `${show(s)} is not an http(s) link` });
          return z.NEVER;
        }
        return url;
      }),
    source: text(SOURCE_MAX_CHARS, "the outlet's name, e.g. Kyiv Post"),
    author: z.preprocess(nullToUndefined, text(SOURCE_MAX_CHARS, "the author's name").optional()),
    published: z.unknown().transform((value, ctx) => {
      const ms = typeof value === "string" ? parsePublished(value.trim()) : undefined;
      if (typeof ms === "number") return ms;
      const message =
        value === undefined || value === null
          ? `is missing — ${DATE_HINT}`
          : typeof ms === "string"
            ? ms
            : `${show(value)} is not a date — ${DATE_HINT}`;
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }),
    topics: z
      .array(
        z
          .string({ error: typeError("a topic id from topics.json") })
          .refine((id) => topicIds.has(id), {
            error: (iss) => `${show(iss.input)} is not a topic in topics.json (${known})`,
          }),
        { error: typeError(`a list such as [kursk, russia] (${known})`) },
      )
      .superRefine((ids, ctx) => {
        if (ids.length === 0) {
          ctx.addIssue({ code: "custom", message: `needs at least one topic (${known})` });
        }
        ids.forEach((id, i) => {
          if (ids.indexOf(id) !== i) {
            ctx.addIssue({ code: "custom", path: [i], message: `${show(id)} is listed twice` });
          }
        });
      }),
    urgency: z.preprocess(
      nullToUndefined,
      z
        .enum(["normal", "flash"], {
          error: (iss) => `${show(iss.input)} is not an urgency — use normal or flash`,
        })
        .default("normal"),
    ),
    lang: z.preprocess(
      nullToUndefined,
      z
        .string({ error: typeError("a language code such as en or uk") })
        .regex(LANG_TAG, {
          error: (iss) => `${show(iss.input)} is not a language code such as en or uk`,
        })
        .default("en"),
    ),
    summary: text(
      SUMMARY_MAX_CHARS,
      `a summary in our own words, at most ${SUMMARY_MAX_CHARS} characters`,
    ),
  });
}

/** Required single-line text: whitespace runs become one space; `max` counts characters. */
function text(max: number, what: string) {
  return z.string({ error: typeError(what) }).transform((raw, ctx) => {
    const s = raw.replace(/\s+/g, " ").trim();
    const length = [...s].length;
    if (length === 0) ctx.addIssue({ code: "custom", message: "is empty" });
    else if (length > max) {
      ctx.addIssue({ code: "custom", message: `${length} characters, at most ${max}` });
    }
    return s;
  });
}

function typeError(expected: string) {
  return (iss: { input?: unknown }) =>
    iss.input === undefined || iss.input === null
      ? `is missing — write ${expected}`
      : `${show(iss.input)} is not ${expected}`;
}

function nullToUndefined(value: unknown): unknown {
  return value === null || value === "" ? undefined : value;
}

function show(value: unknown): string {
  return typeof value === "string"
    ? JSON.stringify(value)
    : (JSON.stringify(value) ?? String(value));
}

function isHttpUrl(s: string): boolean {
  try {
    const url = new URL(s);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Milliseconds since the epoch, or a sentence saying what is wrong with a date-like value. */
function parsePublished(s: string): number | string | undefined {
  const bare = BARE_DATE.exec(s);
  if (bare) {
    const [y, m, d] = [Number(bare[1]), Number(bare[2]), Number(bare[3])];
    return validDay(y, m, d)
      ? Date.UTC(y, m - 1, d, 12)
      : `${show(s)} is not a day in the calendar`;
  }
  const full = DATE_TIME.exec(s);
  if (!full) return undefined;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(full[i])) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const sec = Number(full[6] ?? 0);
  const ms = Math.floor(Number(full[7] ?? 0) * 1000);
  const zone = full[8];
  if (!zone) {
    return `${show(s)} has a time but no UTC offset — add one, e.g. ${s.replace(" ", "T")}+02:00, or Z for UTC`;
  }
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || sec > 59) {
    return `${show(s)} is not a real date and time — ${DATE_HINT}`;
  }
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== "Z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 14 || om > 59) return `${show(s)} has an impossible UTC offset ${zone}`;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMinutes * 60_000;
}

function validDay(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function fieldName(path: readonly PropertyKey[]): string {
  let name = "";
  for (const part of path) {
    name += typeof part === "number" ? `[${part}]` : `${name ? "." : ""}${String(part)}`;
  }
  return name || "front matter";
}
