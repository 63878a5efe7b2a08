import type { Redis } from "ioredis";
import type { Language } from "../config.ts";
import { GuardedWrite } from "../redis/guarded-write.ts";
import type { Keys } from "../redis/keys.ts";
import { runWrite, type ScriptBatch } from "../redis/lua-script.ts";
import {
  CHAT_STATUSES,
  type Chat,
  type ChatKind,
  type ChatSchedule,
  type ChatSettings,
  type ChatStatus,
  defaultSettings,
} from "./chat.ts";
import {
  applyPatch,
  cleanTitle,
  mergeInto,
  newChat,
  scheduleChange,
  stamped,
} from "./chat-changes.ts";
import { cursorWrite } from "./chat-cursor.ts";
import { decode, decodeSchedule, encode, SCHEDULE_FIELDS } from "./chat-record.ts";
import { readSchedules, writeSchedule } from "./chat-schedule-index.ts";
import { nextDueAt } from "./next-due.ts";
import { type SettingError, validateSettingsPatch } from "./settings.ts";

export type { ChatSchedule } from "./chat.ts";

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
   * With `batch`, the write goes out with the batch's other writes.
   */
  setCursor(
    id: number,
    cursor: number,
    deliveredAt: number,
    lateFrom?: number,
    batch?: ScriptBatch,
  ): Promise<void>;
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
  clock?: () => number;
}

const MAX_ATTEMPTS = 20;

interface Stored {
  chat: Chat | undefined;
  /** the hash as read, flattened: what a commit expects to find unchanged */
  fields: string[];
}

/**
 * The chats the bot knows, their settings and delivery state, in one small
 * hash per chat plus the `schedule` zset (chat id -> next due ms) that the
 * scheduler polls. Every write is one atomic compare-and-set (GuardedWrite),
 * so the hash and the schedule never disagree: active chats are scheduled,
 * others are not.
 */
export function createChatStore(redis: Redis, keys: Keys, options: ChatStoreOptions): ChatStore {
  return new RedisChatStore(redis, keys, options);
}

/**
 * The store's methods are own properties (arrow functions), as in a store
 * built from an object literal: a caller may spread the store to override one
 * method (digest/without-flashed.ts) or pass a method on its own.
 */
class RedisChatStore implements ChatStore {
  private readonly clock: () => number;
  private readonly builtIn: ChatSettings;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly options: ChatStoreOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.builtIn = defaultSettings(options.defaults);
  }

  readonly get = async (id: number): Promise<Chat | undefined> => {
    return (await this.read(id)).chat;
  };

  readonly getMany = async (ids: number[]): Promise<(Chat | undefined)[]> => {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.chat(id));
    const replies = (await pipeline.exec()) ?? [];
    return ids.map((id, i) => {
      const [err, hash] = replies[i] ?? [new Error("no reply")];
      if (err) throw err;
      return decode(id, hash as Record<string, string>, this.builtIn);
    });
  };

  readonly getSchedules = (ids: number[]): Promise<(ChatSchedule | undefined)[]> => {
    return readSchedules(this.redis, this.keys, ids, this.builtIn);
  };

  readonly scheduleFields = SCHEDULE_FIELDS;

  readonly decodeSchedule = (
    id: number,
    values: readonly (string | null)[],
  ): ChatSchedule | undefined => decodeSchedule(id, values, this.builtIn);

  readonly ensure = async (
    id: number,
    init: { kind: ChatKind; title?: string; threadId?: number },
  ): Promise<Chat> => {
    const chat = await this.mutate(id, (current, now) =>
      current ? undefined : newChat(id, init, this.builtIn, now),
    );
    if (!chat) throw new Error(`chat ${id} could not be created`);
    return chat;
  };

  readonly updateSettings = async (
    id: number,
    patch: unknown,
  ): Promise<{ ok: true; chat: Chat } | { ok: false; errors: SettingError[] }> => {
    const checked = validateSettingsPatch(patch, { topicIds: this.options.topicIds });
    if (!checked.ok) return checked;
    const chat = await this.mutate(id, (current) => {
      if (!current) throw new Error(`chat ${id} does not exist; ensure() it first`);
      return applyPatch(current, checked.value);
    });
    if (!chat) throw new Error(`chat ${id} does not exist; ensure() it first`);
    return { ok: true, chat };
  };

  readonly setStatus = async (id: number, status: ChatStatus): Promise<Chat | undefined> => {
    if (!CHAT_STATUSES.includes(status)) throw new TypeError(`${status} is not a chat status`);
    return this.mutate(id, (current) => (current ? { ...current, status } : undefined));
  };

  readonly setCursor = async (
    id: number,
    cursor: number,
    deliveredAt: number,
    lateFrom?: number,
    batch?: ScriptBatch,
  ): Promise<void> => {
    const write = cursorWrite(this.keys, { id, cursor, deliveredAt, lateFrom }, this.clock());
    await runWrite(this.redis, write, batch);
  };

  readonly setTitle = async (id: number, title: string | undefined): Promise<Chat | undefined> => {
    const clean = cleanTitle(title);
    return this.mutate(id, (current) => {
      if (!current || current.title === clean) return undefined;
      const { title: _old, ...rest } = current;
      return clean === undefined ? rest : { ...rest, title: clean };
    });
  };

  readonly addManager = async (chatId: number, userId: number): Promise<Chat | undefined> => {
    return this.mutate(chatId, (current) => {
      if (!current || current.managers.includes(userId)) return undefined;
      return { ...current, managers: [...current.managers, userId].sort((a, b) => a - b) };
    });
  };

  readonly removeManager = async (chatId: number, userId: number): Promise<Chat | undefined> => {
    return this.mutate(chatId, (current) => {
      if (!current?.managers.includes(userId)) return undefined;
      return { ...current, managers: current.managers.filter((m) => m !== userId) };
    });
  };

  readonly listManagedBy = async (userId: number): Promise<Chat[]> => {
    const ids = await this.redis.smembers(this.keys.chatsManagedBy(userId));
    const chats = await Promise.all(ids.map((id) => this.read(Number(id))));
    return chats
      .map((stored) => stored.chat)
      .filter((chat): chat is Chat => chat?.managers.includes(userId) === true)
      .sort((a, b) => (a.title ?? "").localeCompare(b.title ?? "") || a.id - b.id);
  };

  readonly migrate = async (oldId: number, newId: number): Promise<Chat | undefined> => {
    if (oldId === newId) return (await this.read(newId)).chat;
    const { keys } = this;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [from, to, due] = await Promise.all([
        this.read(oldId),
        this.read(newId),
        this.redis.zscore(keys.schedule(), String(oldId)),
      ]);
      if (!from.chat) return to.chat;
      const now = this.clock();
      const saved = stamped(mergeInto(from.chat, to.chat, newId), now);
      const tx = new GuardedWrite();
      tx.expect(keys.chat(oldId), from.fields);
      tx.expect(keys.chat(newId), to.fields);
      tx.del(keys.chat(oldId));
      tx.zrem(keys.schedule(), String(oldId));
      this.writeManagers(tx, from.chat, undefined);
      this.writeManagers(tx, to.chat, undefined);
      this.writeChat(tx, saved);
      this.writeManagers(tx, undefined, saved);
      if (saved.status !== "active") tx.zrem(keys.schedule(), String(newId));
      else if (due !== null) tx.zadd(keys.schedule(), due, String(newId));
      else writeSchedule(tx, keys, saved, "add", now);
      if (await tx.run(this.redis)) return saved;
    }
    throw new Error(`chat ${oldId} kept changing while moving it to ${newId}; gave up`);
  };

  readonly reschedule = async (id: number, at?: number): Promise<number | undefined> => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { chat, fields } = await this.read(id);
      const active = chat?.status === "active";
      const due = chat && active ? nextDueAt(chat, at ?? this.clock()) : undefined;
      const tx = new GuardedWrite();
      tx.expect(this.keys.chat(id), fields);
      if (due === undefined) tx.zrem(this.keys.schedule(), String(id));
      else tx.zadd(this.keys.schedule(), due, String(id));
      if (await tx.run(this.redis)) return due;
    }
    throw new Error(`chat ${id} kept changing while being rescheduled; gave up`);
  };

  readonly remove = async (id: number): Promise<boolean> => {
    return (await this.mutate(id, () => null)) !== undefined;
  };

  private async read(id: number): Promise<Stored> {
    const hash = await this.redis.hgetall(this.keys.chat(id));
    return { chat: decode(id, hash, this.builtIn), fields: Object.entries(hash).flat() };
  }

  /**
   * Reads the chat, lets `change` compute its next state, and commits it with
   * the schedule and manager index in step; retries when the chat changed in
   * between. `change` returning undefined means "nothing to write", null
   * "delete the chat".
   */
  private async mutate(
    id: number,
    change: (chat: Chat | undefined, now: number) => Chat | null | undefined,
  ): Promise<Chat | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { chat, fields } = await this.read(id);
      const now = this.clock();
      const next = change(chat, now);
      if (next === undefined) return chat;
      if (next === null && !chat) return undefined;
      const tx = new GuardedWrite();
      tx.expect(this.keys.chat(id), fields);
      const saved = next === null ? undefined : stamped(next, now);
      if (saved) {
        this.writeChat(tx, saved);
        writeSchedule(tx, this.keys, saved, scheduleChange(chat, saved), now);
      } else {
        tx.del(this.keys.chat(id));
        tx.zrem(this.keys.schedule(), String(id));
      }
      this.writeManagers(tx, chat, saved);
      if (await tx.run(this.redis)) return saved ?? chat;
    }
    throw new Error(`chat ${id} kept changing while being updated; gave up`);
  }

  private writeChat(tx: GuardedWrite, chat: Chat): void {
    tx.del(this.keys.chat(chat.id));
    tx.hset(this.keys.chat(chat.id), encode(chat, this.builtIn));
  }

  /** Keeps each user's set of managed chats in step with the chat's managers. */
  private writeManagers(tx: GuardedWrite, before: Chat | undefined, after: Chat | undefined): void {
    const is = new Set(after?.managers ?? []);
    const was = new Set(before?.managers ?? []);
    for (const user of was) {
      if (before && !is.has(user)) tx.srem(this.keys.chatsManagedBy(user), String(before.id));
    }
    for (const user of is) {
      if (after && !was.has(user)) tx.sadd(this.keys.chatsManagedBy(user), String(after.id));
    }
  }
}
