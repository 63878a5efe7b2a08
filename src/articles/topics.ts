import { readFileSync } from "node:fs";
import { z } from "zod";
import { LANGUAGES, type Language } from "../config.ts";
import { ContentError } from "../errors.ts";

/**
 * The topics the bot tags, read from content/topics.json:
 *
 * ```json
 * { "topics": [ { "id": "kursk", "name": { "en": "Kursk", "uk": "Курщина" }, "emoji": "📍",
 *     "aliases": { "en": ["Kursk", "Kursk Oblast"], "uk": ["Курськ*", "Курщин*"], "ru": ["Курск*"] } } ] }
 * ```
 *
 * The order of the file is the order topics are shown and tagged in.
 *
 * Aliases are matched as whole words, ignoring case, the kind of apostrophe
 * (' ’ ʼ), ё/е, ї/і and Latin/Cyrillic look-alike letters, and the amount of
 * whitespace between words. An alias ending in "*" is a stem: it matches the
 * stem at the start of a word followed by any further letters of that word,
 * so "Курськ*" covers "Курська", "Курській" and "Курську" but not "Курс".
 * Stems must be at least 4 characters long, because a shorter one
 * matches unrelated words. The same alias may be listed under two topics:
 * a match then tags both.
 */
export interface Topic {
  /** lowercase kebab-case, unique; stored with articles and chat settings */
  id: string;
  name: Record<Language, string>;
  emoji?: string;
  aliases: TopicAliases;
}

interface TopicAliases {
  en: string[];
  uk: string[];
  ru: string[];
}

const TOPIC_ID_MAX_CHARS = 32;
const WILDCARD_STEM_MIN_CHARS = 4;

const TOPIC_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const alias = z.string({ error: "expected a string" }).superRefine((value, ctx) => {
  const problem = aliasProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(value)} ${problem}` });
});

const aliasList = z.array(alias, { error: "expected an array of strings" }).default([]);

const label = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .refine((s) => s.trim() !== "", { error: "is empty" })
    .refine((s) => s === s.trim(), { error: "has spaces at either end" });

const topicSchema = z.strictObject({
  id: z
    .string({ error: "expected a string such as north-korea" })
    .regex(TOPIC_ID, {
      error: (iss) => `${JSON.stringify(iss.input)} is not lowercase kebab-case, e.g. north-korea`,
    })
    .max(TOPIC_ID_MAX_CHARS, { error: `is longer than ${TOPIC_ID_MAX_CHARS} characters` }),
  name: z.strictObject(
    Object.fromEntries(
      LANGUAGES.map((lang) => [lang, label(`the ${lang} name as a string`)]),
    ) as Record<Language, ReturnType<typeof label>>,
    { error: `expected an object with a name in each of: ${LANGUAGES.join(", ")}` },
  ),
  emoji: label("one emoji as a string").optional(),
  aliases: z.strictObject(
    { en: aliasList, uk: aliasList, ru: aliasList },
    { error: "expected an object with en, uk and ru lists" },
  ),
});

const fileSchema = z
  .strictObject(
    {
      topics: z
        .array(topicSchema, { error: "expected an array of topics" })
        .min(1, { error: "needs at least one topic" }),
    },
    { error: 'expected an object: { "topics": [ ... ] }' },
  )
  .superRefine(({ topics }, ctx) => {
    const seen = new Map<string, number>();
    topics.forEach((topic, i) => {
      const first = seen.get(topic.id);
      if (first === undefined) seen.set(topic.id, i);
      else {
        ctx.addIssue({
          code: "custom",
          path: ["topics", i, "id"],
          message: `${JSON.stringify(topic.id)} is already the id of topics[${first}]`,
        });
      }
    });
  });

/**
 * Reads and checks the topic gazetteer. Throws a ContentError naming the
 * file and the exact field (e.g. `topics[3].aliases.uk`), so a curator can
 * fix the JSON without reading code; the bot must not start with a broken one.
 */
export function loadTopics(file: string): Topic[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ContentError(file, "file", `cannot be read (${code})`);
  }
  return parseTopics(file, text);
}

/** Like loadTopics, for JSON already in memory; `file` names it in errors. */
export function parseTopics(file: string, text: string): Topic[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new ContentError(file, "file", `is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) throw new ContentError(file, "file", "is invalid");
    if (issue.code === "unrecognized_keys") {
      const field = fieldName([...issue.path, String(issue.keys[0])]);
      throw new ContentError(file, field, "is not a known field");
    }
    throw new ContentError(file, fieldName(issue.path) || "file", issue.message);
  }
  return parsed.data.topics.map(({ emoji, ...topic }) => ({
    ...topic,
    ...(emoji === undefined ? {} : { emoji }),
  }));
}

/** The topic's name in `lang`, or the id itself when the topic is unknown (e.g. since removed). */
export function topicName(topics: readonly Topic[], id: string, lang: Language): string {
  return topics.find((t) => t.id === id)?.name[lang] ?? id;
}

/** Why an alias cannot be matched reliably, or undefined when it can. */
function aliasProblem(value: string): string | undefined {
  if (value.trim() === "") return "is empty";
  if (value !== value.trim()) return "has spaces at either end";
  if (!/^[\p{L}\p{N}]/u.test(value)) return "must begin with a letter or digit";
  const star = value.indexOf("*");
  if (star >= 0 && star !== value.length - 1) return 'may have "*" only at the end';
  if (star < 0)
    return /[\p{L}\p{N}.]$/u.test(value) ? undefined : "must end with a letter, digit or '.'";
  const stem = value.slice(0, -1);
  if (!/[\p{L}\p{N}]$/u.test(stem)) return 'must have a letter or digit right before "*"';
  if ([...stem].length < WILDCARD_STEM_MIN_CHARS) {
    return `has a stem shorter than ${WILDCARD_STEM_MIN_CHARS} characters, which would match unrelated words`;
  }
  return undefined;
}

function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
}
