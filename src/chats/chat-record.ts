import { LANGUAGES, type Language } from "../config.ts";
import {
  type Chat,
  type ChatKind,
  type ChatSchedule,
  type ChatSettings,
  type ChatStatus,
  DEFAULT_MAX_ITEMS,
  DEFAULT_TIMES,
} from "./chat.ts";

/**
 * Hash fields of chat:{id}. Short names, and only values that differ from the
 * built-in defaults, keep a subscribed chat, with its schedule entry, under
 * 300 bytes (bench/chat-memory.ts measures it). Language and zone
 * are always stored: they default from the deployment's config, and a chat
 * must not change zone because the operator changed the default.
 */
export const F = {
  kind: "k",
  title: "t",
  status: "s",
  lang: "l",
  tz: "z",
  times: "h",
  topics: "o",
  maxItems: "m",
  previews: "v",
  quiet: "q",
  flash: "f",
  threadId: "r",
  cursor: "c",
  createdAt: "a",
  updatedAt: "u",
  lastDeliveryAt: "d",
  lateFrom: "e",
  managers: "g",
  news: "n",
} as const;

const KIND_CODES: Record<ChatKind, string> = {
  private: "p",
  group: "g",
  supergroup: "s",
  channel: "c",
};
const STATUS_CODES: Record<ChatStatus, string> = {
  active: "a",
  paused: "p",
  left: "l",
  blocked: "b",
};

/**
 * The zones most chats use, stored as their position in this list (a 1-byte
 * integer instead of 11 to 19 bytes). Append only: a stored number must
 * always mean the same zone.
 */
const ZONE_CODES: readonly string[] = [
  "Europe/Kyiv",
  "Europe/London",
  "Europe/Berlin",
  "Europe/Warsaw",
  "America/New_York",
  "America/Los_Angeles",
  "Europe/Paris",
  "America/Chicago",
  "America/Toronto",
  "Europe/Vilnius",
  "Europe/Riga",
  "Europe/Tallinn",
  "Europe/Prague",
  "Europe/Amsterdam",
  "Europe/Rome",
  "Europe/Madrid",
];

/**
 * Redis keeps a small hash in its compact listpack encoding only while every
 * value fits in hash-max-listpack-value (64 bytes by default); one longer
 * value (a Cyrillic title) would more than double the hash. Long values are
 * therefore split over fields t, t2, t3, ...
 */
const CHUNK_BYTES = 64;

/** The hash fields of chat:{id} for `chat`: only what differs from `builtIn` and the defaults. */
export function encode(chat: Chat, builtIn: ChatSettings): string[] {
  const fields: string[] = [];
  const put = (name: string, value: string) => fields.push(name, value);
  if (chat.kind !== "private") put(F.kind, KIND_CODES[chat.kind]);
  if (chat.status !== "active") put(F.status, STATUS_CODES[chat.status]);
  if (chat.title !== undefined) fields.push(...chunked(F.title, chat.title));
  put(F.lang, chat.lang);
  const zone = ZONE_CODES.indexOf(chat.tz);
  put(F.tz, zone >= 0 ? String(zone) : chat.tz);
  const times = chat.times.map((t) => t.replace(":", "")).join(",");
  if (times !== DEFAULT_TIMES.map((t) => t.replace(":", "")).join(",")) put(F.times, times);
  if (chat.topics.length) fields.push(...chunked(F.topics, chat.topics.join(",")));
  if (chat.maxItems !== DEFAULT_MAX_ITEMS) put(F.maxItems, String(chat.maxItems));
  if (chat.previews !== builtIn.previews) put(F.previews, chat.previews ? "1" : "0");
  if (chat.quiet) put(F.quiet, `${chat.quiet.start}-${chat.quiet.end}`.replaceAll(":", ""));
  if (chat.flash !== builtIn.flash) put(F.flash, chat.flash ? "1" : "0");
  if (chat.threadId !== undefined) put(F.threadId, String(chat.threadId));
  if (chat.cursor !== 0) put(F.cursor, String(chat.cursor));
  put(F.createdAt, String(Math.floor(chat.createdAt / 1000)));
  put(F.updatedAt, String(Math.floor(chat.updatedAt / 1000)));
  if (chat.lastDeliveryAt !== undefined) {
    put(F.lastDeliveryAt, String(Math.floor(chat.lastDeliveryAt / 1000)));
  }
  if (chat.lateFrom !== undefined) put(F.lateFrom, String(chat.lateFrom));
  if (chat.managers.length) fields.push(...chunked(F.managers, chat.managers.join(",")));
  if (chat.news?.length) put(F.news, chat.news.join(","));
  return fields;
}

/** The chat a chat:{id} hash holds; undefined for an empty hash (no such chat). */
export function decode(
  id: number,
  hash: Record<string, string>,
  builtIn: ChatSettings,
): Chat | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  const kind = decodeCode(KIND_CODES, hash[F.kind]) ?? "private";
  const status = decodeCode(STATUS_CODES, hash[F.status]) ?? "active";
  const title = unchunk(hash, F.title);
  const times = decodeTimes(hash[F.times]);
  const topics = unchunk(hash, F.topics);
  const quiet = /^(\d\d)(\d\d)-(\d\d)(\d\d)$/.exec(hash[F.quiet] ?? "");
  const threadId = hash[F.threadId];
  const lastDeliveryAt = hash[F.lastDeliveryAt];
  const lateFrom = hash[F.lateFrom];
  const managers = unchunk(hash, F.managers);
  const news = hash[F.news]
    ?.split(",")
    .filter((lang): lang is Language => (LANGUAGES as readonly string[]).includes(lang));
  const switchOf = (value: string | undefined, fallback: boolean) =>
    value === undefined ? fallback : value === "1";
  return {
    id,
    kind,
    ...(title !== undefined ? { title } : {}),
    status,
    lang: LANGUAGES.find((lang) => lang === hash[F.lang]) ?? builtIn.lang,
    tz: decodeZone(hash[F.tz]) ?? builtIn.tz,
    times,
    topics: topics ? topics.split(",") : [],
    maxItems: hash[F.maxItems] ? Number(hash[F.maxItems]) : DEFAULT_MAX_ITEMS,
    previews: switchOf(hash[F.previews], builtIn.previews),
    ...(quiet
      ? { quiet: { start: `${quiet[1]}:${quiet[2]}`, end: `${quiet[3]}:${quiet[4]}` } }
      : {}),
    flash: switchOf(hash[F.flash], builtIn.flash),
    ...(threadId !== undefined ? { threadId: Number(threadId) } : {}),
    cursor: Number(hash[F.cursor] ?? 0),
    createdAt: Number(hash[F.createdAt] ?? 0) * 1000,
    updatedAt: Number(hash[F.updatedAt] ?? 0) * 1000,
    ...(lastDeliveryAt !== undefined ? { lastDeliveryAt: Number(lastDeliveryAt) * 1000 } : {}),
    ...(lateFrom !== undefined ? { lateFrom: Number(lateFrom) } : {}),
    managers: managers ? managers.split(",").map(Number) : [],
    ...(news?.length ? { news } : {}),
  };
}

/** The hash fields a schedule is read from, in the order decodeSchedule takes their values. */
export const SCHEDULE_FIELDS: readonly string[] = [F.lang, F.status, F.tz, F.times];

/** A chat's schedule from its SCHEDULE_FIELDS values; undefined for a chat never seen. */
export function decodeSchedule(
  id: number,
  values: readonly (string | null | undefined)[],
  builtIn: ChatSettings,
): ChatSchedule | undefined {
  const [lang, status, tz, times] = values;
  // the language is always stored: without it there is no chat
  if (!lang) return undefined;
  return {
    id,
    status: decodeCode(STATUS_CODES, status ?? undefined) ?? "active",
    tz: decodeZone(tz ?? undefined) ?? builtIn.tz,
    times: decodeTimes(times ?? undefined),
  };
}

/** "0800,1930" as stored -> ["08:00", "19:30"]; the default times when not stored. */
function decodeTimes(value: string | undefined): string[] {
  if (!value) return [...DEFAULT_TIMES];
  return value.split(",").map((t) => `${t.slice(0, 2)}:${t.slice(2)}`);
}

function decodeZone(value: string | undefined): string | undefined {
  return value !== undefined && /^\d+$/.test(value) ? ZONE_CODES[Number(value)] : value;
}

function decodeCode<T extends string>(codes: Record<T, string>, code: string | undefined) {
  return (Object.keys(codes) as T[]).find((name) => codes[name] === code);
}

/** Splits `value` into fields name, name2, name3, ... of at most CHUNK_BYTES each. */
function chunked(name: string, value: string): string[] {
  const fields: string[] = [];
  let chunk = "";
  let bytes = 0;
  for (const char of value) {
    const size = Buffer.byteLength(char);
    if (bytes + size > CHUNK_BYTES) {
      fields.push(fields.length ? `${name}${fields.length / 2 + 1}` : name, chunk);
      chunk = "";
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  fields.push(fields.length ? `${name}${fields.length / 2 + 1}` : name, chunk);
  return fields;
}

function unchunk(hash: Record<string, string>, name: string): string | undefined {
  let value = hash[name];
  if (value === undefined) return undefined;
  for (let part = 2; hash[`${name}${part}`] !== undefined; part++) value += hash[`${name}${part}`];
  return value;
}
