import type {
  Chat,
  ChatMember,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  User,
  UserFromGetMe,
} from "grammy/types";
import {
  type AdminRights,
  channel,
  chatMember,
  group,
  type MemberStatus,
  privateChat,
  supergroup,
  user,
} from "../updates.ts";
import { badRequest, forbidden, migrated } from "./errors.ts";

export type ChatType = Chat["type"];

/** A message the bot sent, as the fake holds it now (after any edits). */
export interface SentMessage {
  chat_id: number;
  message_id: number;
  message_thread_id?: number;
  /** The plain text after parsing, as users see it. */
  text: string;
  /** The `text` parameter exactly as the bot sent it. */
  html: string;
  parse_mode?: string;
  entities: MessageEntity[];
  reply_markup?: InlineKeyboardMarkup | Record<string, unknown>;
  /** Every other parameter of the sending call (link_preview_options, disable_notification, ...). */
  options: Record<string, unknown>;
  /** The Message object as getUpdates/edits would show it now. */
  message: Message;
  /** performance.now() when the fake accepted the call. */
  receivedAt: number;
  /** Earlier versions, oldest first, each replaced by an edit. */
  history: Array<{ text: string; html: string; entities: MessageEntity[]; reply_markup?: unknown }>;
  deleted: boolean;
}

export interface StoredMessage {
  message: Message;
  sent?: SentMessage;
  deleted: boolean;
}

export interface ChatRecord {
  chat: Chat;
  members: Map<number, ChatMember>;
  messages: Map<number, StoredMessage>;
  topics: Map<number, string>;
  lastMessageId: number;
  removed: boolean;
  migratedTo?: number;
  description?: string;
}

export type MemberSpec =
  | User
  | number
  | { user: User | number; status: MemberStatus; rights?: AdminRights };

export interface AddChatOptions {
  type: ChatType;
  id?: number;
  title?: string;
  username?: string;
  is_forum?: boolean;
  /** For a private chat: the user on the other side (a new one when omitted). */
  user?: User | number;
  /** Users in a group, supergroup or channel; plain users join as "member". */
  members?: MemberSpec[];
  /** The bot's own status: "member" in groups and "administrator" in channels by default. */
  botStatus?: MemberStatus;
  botRights?: AdminRights;
}

/** The users, chats, memberships and messages the fake Bot API knows about. */
export class World {
  readonly users = new Map<number, User>();
  readonly deactivated = new Set<number>();
  readonly chats = new Map<number, ChatRecord>();

  constructor(readonly bot: UserFromGetMe) {
    this.users.set(bot.id, botAsUser(bot));
  }

  get botUser(): User {
    return botAsUser(this.bot);
  }

  addUser(fields: Partial<User> = {}): User {
    const u = user(fields);
    this.users.set(u.id, u);
    return u;
  }

  /** The known user for `u`; an unknown User object or id is added on the fly. */
  userOf(u: User | number): User {
    const id = typeof u === "number" ? u : u.id;
    const known = this.users.get(id);
    if (known) return known;
    return this.addUser(typeof u === "number" ? { id } : u);
  }

  addChat(options: AddChatOptions): ChatRecord {
    let chat: Chat;
    if (options.type === "private") {
      const other = this.userOf(options.user ?? options.id ?? this.addUser());
      chat = privateChat(other);
    } else if (options.type === "group") {
      chat = group({ id: options.id, title: options.title });
    } else if (options.type === "supergroup") {
      chat = supergroup(options);
    } else {
      chat = channel(options);
    }
    if (this.chats.has(chat.id)) throw new Error(`chat ${chat.id} already exists`);
    const record: ChatRecord = {
      chat,
      members: new Map(),
      messages: new Map(),
      topics: new Map(),
      lastMessageId: 0,
      removed: false,
    };
    this.chats.set(chat.id, record);
    if (chat.type === "private") {
      record.members.set(chat.id, chatMember(this.userOf(chat.id), "member"));
    } else {
      for (const spec of options.members ?? []) {
        if (typeof spec === "object" && "status" in spec) {
          this.setMember(chat.id, spec.user, spec.status, spec.rights);
        } else {
          this.setMember(chat.id, spec, "member");
        }
      }
    }
    const botDefault: MemberStatus = chat.type === "channel" ? "administrator" : "member";
    this.setMember(chat.id, this.bot.id, options.botStatus ?? botDefault, options.botRights);
    return record;
  }

  /** The record of a chat the test refers to; throws for a chat the fake never heard of. */
  record(chat: Chat | number): ChatRecord {
    const id = typeof chat === "number" ? chat : chat.id;
    const record = this.chats.get(id);
    if (!record) throw new Error(`the fake knows no chat ${id}`);
    return record;
  }

  /** The chat a Bot API call names in `chat_id`, or Telegram's error for it. */
  resolve(raw: unknown): ChatRecord {
    if (raw === undefined || raw === null || raw === "") throw badRequest("chat_id is empty");
    let record: ChatRecord | undefined;
    if (typeof raw === "string" && raw.startsWith("@")) {
      const name = raw.slice(1).toLowerCase();
      record = [...this.chats.values()].find(
        (r) =>
          !r.removed &&
          r.migratedTo === undefined &&
          r.chat.type !== "private" &&
          r.chat.username?.toLowerCase() === name,
      );
    } else {
      const id = typeof raw === "number" ? raw : Number(raw);
      if (Number.isSafeInteger(id)) record = this.chats.get(id);
    }
    if (!record || record.removed) throw badRequest("chat not found");
    if (record.migratedTo !== undefined) throw migrated(record.migratedTo);
    return record;
  }

  /** The chat id a call's `chat_id` refers to, without raising errors (for fault matching). */
  peekChatId(raw: unknown): number | undefined {
    if (typeof raw === "string" && raw.startsWith("@")) {
      const name = raw.slice(1).toLowerCase();
      return [...this.chats.values()].find((r) => r.chat.username?.toLowerCase() === name)?.chat.id;
    }
    const id = typeof raw === "number" ? raw : Number(raw);
    return raw !== undefined && raw !== "" && Number.isSafeInteger(id) ? id : undefined;
  }

  setMember(chatId: number, who: User | number, status: MemberStatus, rights?: AdminRights): void {
    const record = this.record(chatId);
    const u = this.userOf(who);
    record.members.set(u.id, chatMember(u, status, rights));
  }

  /** The member object of `userId` in the chat; "left" for a known user who isn't in it. */
  memberOf(record: ChatRecord, userId: number): ChatMember {
    return record.members.get(userId) ?? chatMember(this.userOf(userId), "left");
  }

  botStatus(record: ChatRecord): MemberStatus {
    return this.memberOf(record, this.bot.id).status;
  }

  nextMessageId(record: ChatRecord): number {
    record.lastMessageId += 1;
    return record.lastMessageId;
  }

  /** Opens a forum topic in a forum supergroup and returns its message_thread_id. */
  addTopic(chatId: number, name: string): number {
    const record = this.record(chatId);
    if (record.chat.type !== "supergroup" || !record.chat.is_forum) {
      throw new Error(`chat ${chatId} is not a forum`);
    }
    const threadId = this.nextMessageId(record);
    record.topics.set(threadId, name);
    return threadId;
  }

  /** Turns group `oldId` into a new supergroup with the same title and members. */
  migrate(oldId: number, newId?: number): ChatRecord {
    const old = this.record(oldId);
    if (old.chat.type !== "group") throw new Error(`chat ${oldId} is not a basic group`);
    const record = this.addChat({ type: "supergroup", id: newId, title: old.chat.title });
    record.members = new Map(old.members);
    old.migratedTo = record.chat.id;
    return record;
  }

  /** Throws Telegram's answer when the bot may not post in the chat right now. */
  assertCanSend(record: ChatRecord): void {
    const chat = record.chat;
    const status = this.botStatus(record);
    if (chat.type === "private") {
      if (this.deactivated.has(chat.id)) throw forbidden("user is deactivated");
      if (status === "kicked") throw forbidden("bot was blocked by the user");
      return;
    }
    const kind =
      chat.type === "group" ? "group" : chat.type === "supergroup" ? "supergroup" : "channel";
    if (status === "kicked") throw forbidden(`bot was kicked from the ${kind} chat`);
    if (status === "left") throw forbidden(`bot is not a member of the ${kind} chat`);
    const member = this.memberOf(record, this.bot.id);
    if (chat.type === "channel") {
      const canPost =
        member.status === "creator" ||
        (member.status === "administrator" && member.can_post_messages);
      if (!canPost) throw badRequest("need administrator rights in the channel chat");
      return;
    }
    if (member.status === "restricted" && !member.can_send_messages) {
      throw badRequest("not enough rights to send text messages to the chat");
    }
  }
}

function botAsUser(bot: UserFromGetMe): User {
  return { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username };
}
