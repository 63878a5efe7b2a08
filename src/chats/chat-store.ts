import type { Redis } from "ioredis";
import { LANGUAGES, type Language } from "../config.ts";
import type { Keys } from "../redis/keys.ts";
import { luaScript, runCall, runScript, type ScriptCall, scriptCall } from "../redis/lua-script.ts";
import {
  CHAT_STATUSES,
  type Chat,
  type ChatKind,
  type ChatSettings,
  type ChatStatus,
  DEFAULT_MAX_ITEMS,
  DEFAULT_TIMES,
  defaultSettings,
} from "./chat.ts";
import { nextDueAt } from "./next-due.ts";
import { type SettingError, type SettingsPatch, validateSettingsPatch } from "./settings.ts";

/** The part of a chat its schedule depends on. */
export type ChatSchedule = Pick<Chat, "id" | "status" | "tz" | "times">;

export interface ChatStore {
  /** The chat, or undefined when the bot has never seen it. */
  get(id: number): Promise<Chat | undefined>;
  /** get() of many chats in one pipelined round trip, in the order of `ids`. */
  getMany(ids: number[]): Promise<(Chat | undefined)[]>;
  /**
   * What scheduling needs of many chats (status, zone, digest times), in
   * the order of `ids`, undefined for a chat never seen: three fields of
   * each hash instead of all of it, for the scheduler's million-chat ticks.
   */
  getSchedules(ids: number[]): Promise<(ChatSchedule | undefined)[]>;
  /** The hash fields getSchedules reads, for a script that reads them itself (the scheduler's). */
  readonly scheduleFields: readonly string[];
  /** A chat's schedule from its scheduleFields values, as getSchedules decodes them. */
  decodeSchedule(id: number, values: readonly (string | null)[]): ChatSchedule | undefined;
  /** Creates the chat with default settings (not subscribed) if missing; returns it. */
  ensure(id: number, init: { kind: ChatKind; title?: string; threadId?: number }): Promise<Chat>;
  /** Validates and applies a settings patch; returns errors instead of changing anything when invalid. Updates the schedule. */
  updateSettings(
    id: number,
    patch: unknown,
  ): Promise<{ ok: true; chat: Chat } | { ok: false; errors: SettingError[] }>;
  /** active: (re)scheduled; anything else: removed from the schedule. Undefined when the chat is missing. */
  setStatus(id: number, status: ChatStatus): Promise<Chat | undefined>;
  /**
   * Records a delivered digest composed at `deliveredAt`; never moves the
   * cursor backwards. `lateFrom` is the digest's (DigestContent.lateFrom),
   * undefined when it held all the late news. No-op for a missing chat.
   */
  setCursor(id: number, cursor: number, deliveredAt: number, lateFrom?: number): Promise<void>;
  /** setCursor() as a script call, to go with a delivery's other writes. */
  setCursorCall(id: number, cursor: number, deliveredAt: number, lateFrom?: number): ScriptCall;
  setTitle(id: number, title: string | undefined): Promise<Chat | undefined>;
  addManager(chatId: number, userId: number): Promise<Chat | undefined>;
  removeManager(chatId: number, userId: number): Promise<Chat | undefined>;
  /** The chats a user manages from their private chat, by title. */
  listManagedBy(userId: number): Promise<Chat[]>;
  /** Moves a group's record (settings, status, cursor, schedule entry) to its new supergroup id. Idempotent. */
  migrate(oldId: number, newId: number): Promise<Chat | undefined>;
  /** Recomputes and writes the chat's next due time (or removes it when not active). */
  reschedule(id: number, now?: number): Promise<number | undefined>;
  /** Deletes the chat and every entry that points at it; false when it did not exist. */
  remove(id: number): Promise<boolean>;
}

export interface ChatStoreOptions {
  /** language and zone of a new chat */
  defaults: { lang: Language; tz: string };
  /** topic ids a chat may choose */
  topicIds: ReadonlySet<string>;
  now?: () => number;
}

/**
 * Hash fields of chat:{id}. Short names, and only values that differ from the
 * built-in defaults, keep a subscribed chat, with its schedule entry, under
 * 300 bytes (bench/chat-memory.ts measures it). Language and zone
 * are always stored: they default from the deployment's config, and a chat
 * must not change zone because the operator changed the default.
 */
const F = {
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

/**
 * Compare-and-set transaction: checks that each listed chat hash still holds
 * exactly the fields it was read with, then runs every command. The store
 * reads, computes in TypeScript (next due times need croner), and commits
 * atomically; a changed hash means retry from a fresh read. Comparing the
 * content needs no version field in the hash, and is safe on a shared
 * connection, unlike WATCH.
 */
const COMMIT_SCRIPT = `
local function unchanged(key, expected)
  local actual = redis.call('HGETALL', key)
  if #actual ~= #expected then return false end
  local want = {}
  for i = 1, #expected, 2 do want[expected[i]] = expected[i + 1] end
  for i = 1, #actual, 2 do
    if want[actual[i]] ~= actual[i + 1] then return false end
  end
  return true
end
local tx = cjson.decode(ARGV[1])
for _, check in ipairs(tx.c) do
  if not unchanged(KEYS[check[1]], check[2]) then return 0 end
end
for _, op in ipairs(tx.o) do
  local args = { op[1], KEYS[op[2]] }
  for i = 3, #op do args[#args + 1] = op[i] end
  redis.call(unpack(args))
end
return 1
`;
const COMMIT = luaScript(COMMIT_SCRIPT);

/**
 * setCursor in one step: cursor (ms) and last delivery (s) only move forward,
 * the update time is stamped when anything moved. Both only grow, so no
 * compare-and-set is needed, and neither touches the schedule. The late-news
 * mark (lateFrom, ms) is set, or dropped when ARGV[7] is empty, only by the
 * delivery composed last, so an older job finishing late cannot bring back
 * news a newer digest offered. A missing chat is left missing.
 * ARGV: cursor ms, delivered s, now s, field names c d u, lateFrom ms or '',
 * its field name e.
 */
const SET_CURSOR_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local stored = redis.call('HMGET', KEYS[1], ARGV[4], ARGV[5], ARGV[8])
local changes = {}
if tonumber(ARGV[1]) > tonumber(stored[1] or '0') then
  changes[#changes + 1] = ARGV[4]
  changes[#changes + 1] = ARGV[1]
end
local delivered, last = tonumber(ARGV[2]), tonumber(stored[2] or '-1')
if delivered > last then
  changes[#changes + 1] = ARGV[5]
  changes[#changes + 1] = ARGV[2]
end
local newest = delivered >= last
local dropLate = newest and ARGV[7] == '' and stored[3] ~= false
if newest and ARGV[7] ~= '' and ARGV[7] ~= stored[3] then
  changes[#changes + 1] = ARGV[8]
  changes[#changes + 1] = ARGV[7]
end
if #changes == 0 and not dropLate then return 0 end
if dropLate then redis.call('HDEL', KEYS[1], ARGV[8]) end
changes[#changes + 1] = ARGV[6]
changes[#changes + 1] = ARGV[3]
redis.call('HSET', KEYS[1], unpack(changes))
return 1
`;
const SET_CURSOR = luaScript(SET_CURSOR_SCRIPT);

/**
 * HMGET of the four fields ARGV from every key, as one flat list: one command
 * for thousands of chats, where a pipeline of HMGETs costs a command each
 * on both sides.
 */
const HMGET_MANY = luaScript(`
local out = {}
for i = 1, #KEYS do
  local values = redis.call('HMGET', KEYS[i], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
  for j = 1, 4 do out[#out + 1] = values[j] end
end
return out
`);
const SCHEDULE_FIELDS = [F.lang, F.status, F.tz, F.times];
const MAX_ATTEMPTS = 20;

interface Stored {
  chat: Chat | undefined;
  /** the hash as read, flattened: what a commit expects to find unchanged */
  fields: string[];
}

type ScheduleChange = "remove" | "add" | "ensure";

interface Transaction {
  check(key: string, fields: string[]): void;
  op(command: string, key: string, ...args: (string | number)[]): void;
}

/**
 * The chats the bot knows, their settings and delivery state, in one small
 * hash per chat plus the `schedule` zset (chat id -> next due ms) that the
 * scheduler polls. Every write is one atomic compare-and-set, so the hash and
 * the schedule never disagree: active chats are scheduled, others are not.
 */
export function createChatStore(redis: Redis, keys: Keys, options: ChatStoreOptions): ChatStore {
  const clock = options.now ?? Date.now;
  const builtIn = defaultSettings(options.defaults);

  function decodeSchedule(
    id: number,
    [lang, status, tz, times]: readonly (string | null)[],
  ): ChatSchedule | undefined {
    // the language is always stored: without it there is no chat
    if (!lang) return undefined;
    return {
      id,
      status: decodeCode(STATUS_CODES, status ?? undefined) ?? "active",
      tz: decodeZone(tz ?? undefined) ?? builtIn.tz,
      times: times
        ? times.split(",").map((t) => `${t.slice(0, 2)}:${t.slice(2)}`)
        : [...DEFAULT_TIMES],
    };
  }

  async function read(id: number): Promise<Stored> {
    const hash = await redis.hgetall(keys.chat(id));
    return { chat: decode(id, hash, builtIn), fields: Object.entries(hash).flat() };
  }

  async function commit(build: (tx: Transaction) => void): Promise<boolean> {
    const keyList: string[] = [];
    const index = (key: string) => {
      const at = keyList.indexOf(key);
      return at >= 0 ? at + 1 : keyList.push(key);
    };
    const checks: [number, string[]][] = [];
    const ops: (string | number)[][] = [];
    build({
      check: (key, fields) => checks.push([index(key), fields]),
      op: (command, key, ...args) => ops.push([command, index(key), ...args.map(String)]),
    });
    const payload = JSON.stringify({ c: checks, o: ops });
    return (await runScript(redis, COMMIT, keyList, [payload])) === 1;
  }

  function writeChat(tx: Transaction, chat: Chat): void {
    tx.op("DEL", keys.chat(chat.id));
    tx.op("HSET", keys.chat(chat.id), ...encode(chat, builtIn));
  }

  function writeSchedule(tx: Transaction, chat: Chat, change: ScheduleChange, now: number): void {
    const member = String(chat.id);
    if (change === "remove") tx.op("ZREM", keys.schedule(), member);
    if (change === "add") tx.op("ZADD", keys.schedule(), nextDueAt(chat, now), member);
    if (change === "ensure") tx.op("ZADD", keys.schedule(), "NX", nextDueAt(chat, now), member);
  }

  function writeManagers(tx: Transaction, before: Chat | undefined, after: Chat | undefined) {
    const is = new Set(after?.managers ?? []);
    const was = new Set(before?.managers ?? []);
    for (const user of was) {
      if (before && !is.has(user)) tx.op("SREM", keys.chatsManagedBy(user), String(before.id));
    }
    for (const user of is) {
      if (after && !was.has(user)) tx.op("SADD", keys.chatsManagedBy(user), String(after.id));
    }
  }

  /**
   * Reads the chat, lets `change` compute its next state, and commits it with
   * the schedule and manager index in step; retries when the chat changed in
   * between. `change` returning undefined means "nothing to write".
   */
  async function mutate(
    id: number,
    change: (chat: Chat | undefined, now: number) => Chat | null | undefined,
  ): Promise<Chat | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { chat, fields } = await read(id);
      const now = clock();
      const next = change(chat, now);
      if (next === undefined) return chat;
      if (next === null) {
        if (!chat) return undefined;
        const removed = await commit((tx) => {
          tx.check(keys.chat(id), fields);
          tx.op("DEL", keys.chat(id));
          tx.op("ZREM", keys.schedule(), String(id));
          writeManagers(tx, chat, undefined);
        });
        if (removed) return chat;
        continue;
      }
      const saved = stamped(next, now);
      const ok = await commit((tx) => {
        tx.check(keys.chat(id), fields);
        writeChat(tx, saved);
        writeSchedule(tx, saved, scheduleChange(chat, saved), now);
        writeManagers(tx, chat, saved);
      });
      if (ok) return saved;
    }
    throw new Error(`chat ${id} kept changing while being updated; gave up`);
  }

  const setCursorCall = (id: number, cursor: number, deliveredAt: number, lateFrom?: number) =>
    scriptCall(
      SET_CURSOR,
      [keys.chat(id)],
      [
        String(Math.floor(cursor)),
        String(Math.max(0, Math.floor(deliveredAt / 1000))),
        String(Math.floor(clock() / 1000)),
        F.cursor,
        F.lastDeliveryAt,
        F.updatedAt,
        lateFrom === undefined ? "" : String(Math.floor(lateFrom)),
        F.lateFrom,
      ],
    );

  return {
    async get(id) {
      return (await read(id)).chat;
    },

    async getMany(ids) {
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.chat(id));
      const replies = (await pipeline.exec()) ?? [];
      return ids.map((id, i) => {
        const [err, hash] = replies[i] ?? [new Error("no reply")];
        if (err) throw err;
        return decode(id, hash as Record<string, string>, builtIn);
      });
    },

    async getSchedules(ids) {
      if (ids.length === 0) return [];
      const fields = SCHEDULE_FIELDS;
      const values = (await runScript(
        redis,
        HMGET_MANY,
        ids.map((id) => keys.chat(id)),
        fields,
      )) as (string | null)[];
      return ids.map((id, i) => decodeSchedule(id, values.slice(i * 4, i * 4 + 4)));
    },

    scheduleFields: SCHEDULE_FIELDS,

    decodeSchedule,

    async ensure(id, init) {
      const chat = await mutate(id, (current, now) => {
        if (current) return undefined;
        const title = cleanTitle(init.title);
        return {
          ...builtIn,
          times: [...builtIn.times],
          topics: [],
          id,
          kind: init.kind,
          ...(title !== undefined ? { title } : {}),
          ...(init.threadId !== undefined ? { threadId: init.threadId } : {}),
          status: "paused",
          cursor: 0,
          createdAt: now,
          updatedAt: now,
          managers: [],
        };
      });
      if (!chat) throw new Error(`chat ${id} could not be created`);
      return chat;
    },

    async updateSettings(id, patch) {
      const checked = validateSettingsPatch(patch, { topicIds: options.topicIds });
      if (!checked.ok) return checked;
      const chat = await mutate(id, (current) => {
        if (!current) throw new Error(`chat ${id} does not exist; ensure() it first`);
        return applyPatch(current, checked.value);
      });
      if (!chat) throw new Error(`chat ${id} does not exist; ensure() it first`);
      return { ok: true, chat };
    },

    async setStatus(id, status) {
      if (!CHAT_STATUSES.includes(status)) throw new TypeError(`${status} is not a chat status`);
      return mutate(id, (current) => (current ? { ...current, status } : undefined));
    },

    async setCursor(id, cursor, deliveredAt, lateFrom) {
      await runCall(redis, setCursorCall(id, cursor, deliveredAt, lateFrom));
    },

    setCursorCall,

    async setTitle(id, title) {
      const clean = cleanTitle(title);
      return mutate(id, (current) => {
        if (!current || current.title === clean) return undefined;
        const { title: _old, ...rest } = current;
        return clean === undefined ? rest : { ...rest, title: clean };
      });
    },

    async addManager(chatId, userId) {
      return mutate(chatId, (current) => {
        if (!current || current.managers.includes(userId)) return undefined;
        return { ...current, managers: [...current.managers, userId].sort((a, b) => a - b) };
      });
    },

    async removeManager(chatId, userId) {
      return mutate(chatId, (current) => {
        if (!current?.managers.includes(userId)) return undefined;
        return { ...current, managers: current.managers.filter((m) => m !== userId) };
      });
    },

    async listManagedBy(userId) {
      const ids = await redis.smembers(keys.chatsManagedBy(userId));
      const chats = await Promise.all(ids.map((id) => read(Number(id))));
      return chats
        .map((stored) => stored.chat)
        .filter((chat): chat is Chat => chat?.managers.includes(userId) === true)
        .sort((a, b) => (a.title ?? "").localeCompare(b.title ?? "") || a.id - b.id);
    },

    async migrate(oldId, newId) {
      if (oldId === newId) return (await read(newId)).chat;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const [from, to, due] = await Promise.all([
          read(oldId),
          read(newId),
          redis.zscore(keys.schedule(), String(oldId)),
        ]);
        if (!from.chat) return to.chat;
        const now = clock();
        const moved = mergeInto(from.chat, to.chat, newId);
        const saved = stamped(moved, now);
        const ok = await commit((tx) => {
          tx.check(keys.chat(oldId), from.fields);
          tx.check(keys.chat(newId), to.fields);
          tx.op("DEL", keys.chat(oldId));
          tx.op("ZREM", keys.schedule(), String(oldId));
          writeManagers(tx, from.chat, undefined);
          writeManagers(tx, to.chat, undefined);
          writeChat(tx, saved);
          writeManagers(tx, undefined, saved);
          if (saved.status !== "active") tx.op("ZREM", keys.schedule(), String(newId));
          else if (due !== null) tx.op("ZADD", keys.schedule(), due, String(newId));
          else writeSchedule(tx, saved, "add", now);
        });
        if (ok) return saved;
      }
      throw new Error(`chat ${oldId} kept changing while moving it to ${newId}; gave up`);
    },

    async reschedule(id, at) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { chat, fields } = await read(id);
        const active = chat?.status === "active";
        const due = chat && active ? nextDueAt(chat, at ?? clock()) : undefined;
        const ok = await commit((tx) => {
          tx.check(keys.chat(id), fields);
          if (due === undefined) tx.op("ZREM", keys.schedule(), String(id));
          else tx.op("ZADD", keys.schedule(), due, String(id));
        });
        if (ok) return due;
      }
      throw new Error(`chat ${id} kept changing while being rescheduled; gave up`);
    },

    async remove(id) {
      return (await mutate(id, () => null)) !== undefined;
    },
  };
}

function scheduleChange(before: Chat | undefined, after: Chat): ScheduleChange {
  if (after.status !== "active") return "remove";
  if (
    before?.status !== "active" ||
    before.tz !== after.tz ||
    before.times.join() !== after.times.join()
  ) {
    return "add";
  }
  return "ensure";
}

function applyPatch(chat: Chat, patch: SettingsPatch): Chat {
  const { quiet, threadId, news, ...rest } = patch;
  const next: Chat = { ...chat, ...rest };
  if (news === null) delete next.news;
  else if (news !== undefined) next.news = news;
  if (quiet === null) delete next.quiet;
  else if (quiet !== undefined) next.quiet = quiet;
  if (threadId === null) delete next.threadId;
  else if (threadId !== undefined) next.threadId = threadId;
  return next;
}

/** The old group's record wins (it holds what the admins chose); cursors and managers combine. */
function mergeInto(from: Chat, to: Chat | undefined, newId: number): Chat {
  const title = from.title ?? to?.title;
  const last = Math.max(from.lastDeliveryAt ?? 0, to?.lastDeliveryAt ?? 0);
  const { title: _t, lastDeliveryAt: _l, ...rest } = from;
  return {
    ...rest,
    id: newId,
    kind: from.kind === "group" ? "supergroup" : from.kind,
    ...(title !== undefined ? { title } : {}),
    ...(last > 0 ? { lastDeliveryAt: last } : {}),
    cursor: Math.max(from.cursor, to?.cursor ?? 0),
    createdAt: Math.min(from.createdAt, to?.createdAt ?? from.createdAt),
    managers: [...new Set([...from.managers, ...(to?.managers ?? [])])].sort((a, b) => a - b),
  };
}

/** Record times are kept to the second (a 4-byte integer in the hash); the cursor keeps its ms. */
function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function stamped(chat: Chat, now: number): Chat {
  const { lastDeliveryAt, ...rest } = chat;
  return {
    ...rest,
    createdAt: toSecond(chat.createdAt),
    updatedAt: toSecond(now),
    ...(lastDeliveryAt !== undefined ? { lastDeliveryAt: toSecond(lastDeliveryAt) } : {}),
  };
}

function cleanTitle(title: string | undefined): string | undefined {
  const clean = title?.trim();
  return clean ? clean : undefined;
}

function encode(chat: Chat, builtIn: ChatSettings): string[] {
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

function decode(id: number, hash: Record<string, string>, builtIn: ChatSettings): Chat | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  const kind = decodeCode(KIND_CODES, hash[F.kind]) ?? "private";
  const status = decodeCode(STATUS_CODES, hash[F.status]) ?? "active";
  const title = unchunk(hash, F.title);
  const times = hash[F.times]?.split(",").map((t) => `${t.slice(0, 2)}:${t.slice(2)}`);
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
    times: times ?? [...DEFAULT_TIMES],
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
