import { readFileSync } from "node:fs";
import { z } from "zod";
import { ContentError } from "../errors.ts";

/** One outlet whose feed the bot follows. */
export interface Source {
  /** kebab-case, unique; names the Redis fetch state */
  id: string;
  name: string;
  /** the feed URL */
  url: string;
  /** the outlet's site, shown in /sources */
  homepage?: string;
  /** language of the outlet's titles, e.g. "en" */
  lang: string;
  pollMinutes: number;
  enabled: boolean;
  /** other feed URLs of the same outlet, tried when `url` stops answering */
  fallbackUrls: string[];
}

const POLL_MINUTES_MIN = 5;
const POLL_MINUTES_MAX = 1440;

const FIELDS = [
  "id",
  "name",
  "url",
  "homepage",
  "lang",
  "pollMinutes",
  "enabled",
  "fallbackUrls",
] as const;

const httpUrl = z.url({
  protocol: /^https?$/,
  error: "must be an http(s) URL such as https://example.org/feed/",
});

const sourceSchema = z.strictObject({
  id: z
    .string({ error: "is required" })
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be kebab-case, e.g. kyiv-independent"),
  name: z.string({ error: "is required" }).trim().min(1, "must not be empty").max(100),
  url: httpUrl,
  homepage: httpUrl.optional(),
  lang: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as en or uk")
    .default("en"),
  pollMinutes: z
    .number({
      error: `must be a whole number of minutes between ${POLL_MINUTES_MIN} and ${POLL_MINUTES_MAX}`,
    })
    .int(`must be a whole number of minutes between ${POLL_MINUTES_MIN} and ${POLL_MINUTES_MAX}`)
    .min(
      POLL_MINUTES_MIN,
      `must be a whole number of minutes between ${POLL_MINUTES_MIN} and ${POLL_MINUTES_MAX}`,
    )
    .max(
      POLL_MINUTES_MAX,
      `must be a whole number of minutes between ${POLL_MINUTES_MIN} and ${POLL_MINUTES_MAX}`,
    )
    .default(15),
  enabled: z.boolean({ error: "must be true or false" }).default(true),
  fallbackUrls: z.array(httpUrl, { error: "must be a list of URLs" }).default([]),
});

const fileSchema = z.strictObject(
  { sources: z.array(sourceSchema, { error: "must be a list of sources" }) },
  { error: 'must be an object such as { "sources": [ ... ] }' },
);

/**
 * Reads the sources file (`{ "sources": [...] }`) and checks every field.
 * Throws a ContentError naming the file and the exact field, e.g.
 * `sources[2].pollMinutes`, so an operator can fix the file without reading
 * code. Disabled sources are returned too; the caller decides what to poll.
 */
export function loadSources(file: string): Source[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ContentError(file, "(file)", `cannot be read: ${(err as Error).message}`);
  }
  return parseSources(file, text);
}

/** loadSources for text already in memory; `file` only names it in errors. */
export function parseSources(file: string, text: string): Source[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ContentError(file, "(file)", `is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === "unrecognized_keys") {
      const known = issue.path.length === 0 ? "sources" : FIELDS.join(", ");
      const field = fieldName([...issue.path, String(issue.keys[0])]);
      throw new ContentError(file, field, `is not a field (known: ${known})`);
    }
    throw new ContentError(file, fieldName(issue?.path ?? []), issue?.message ?? "is invalid");
  }
  const sources = parsed.data.sources;
  const firstIndex = new Map<string, number>();
  sources.forEach((source, i) => {
    const earlier = firstIndex.get(source.id);
    if (earlier !== undefined) {
      throw new ContentError(
        file,
        `sources[${i}].id`,
        `"${source.id}" is already the id of sources[${earlier}]; ids must be unique`,
      );
    }
    firstIndex.set(source.id, i);
  });
  return sources.map(({ homepage, ...rest }) => ({ ...rest, ...(homepage ? { homepage } : {}) }));
}

function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(file)";
  return path
    .map((part, i) =>
      typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`,
    )
    .join("");
}
