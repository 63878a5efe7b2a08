import type { Chat, InlineKeyboardMarkup, Message, Update, User } from "grammy/types";
import {
  callbackUpdate,
  chatMember,
  forwardedFromChannelUpdate,
  type MemberStatus,
  messageUpdate,
  migrationUpdates,
  myChatMemberUpdate,
  textMessage,
} from "../updates.ts";
import type { FakeTelegram } from "./fake.ts";
import type { ChatRecord, SentMessage } from "./state.ts";
import { updateType } from "./update-queue.ts";

export interface SendTextOptions {
  /** Forum topic (or reply thread) the message is in. */
  threadId?: number;
  /** Posted on behalf of a chat (anonymous admin, linked channel). */
  senderChat?: Chat;
  /** The message this one replies to. */
  replyTo?: Message | SentMessage;
}

export interface MigrationResult {
  /** The new supergroup. */
  chat: Chat.SupergroupChat;
  /** The service messages: migrate_to_chat_id in the old group, migrate_from_chat_id in the new one. */
  updates: [Update, Update];
}

function chatRecord(fake: FakeTelegram, chat: Chat | number, from?: User): ChatRecord {
  const id = typeof chat === "number" ? chat : chat.id;
  const known = fake.world.chats.get(id);
  if (known) return known;
  if (typeof chat === "number") {
    if (from && id === from.id) return fake.world.addChat({ type: "private", user: from });
    throw new Error(`the fake knows no chat ${id}`);
  }
  if (chat.type === "private")
    return fake.world.addChat({ type: "private", user: fake.world.userOf(from ?? id) });
  return fake.world.addChat({
    type: chat.type,
    id: chat.id,
    title: chat.title,
    username: chat.username,
    is_forum: chat.is_forum,
  });
}

function asMessage(message: Message | SentMessage): Message {
  return "message" in message && "receivedAt" in message ? message.message : (message as Message);
}

function botSees(fake: FakeTelegram, record: ChatRecord, message: Message): boolean {
  const chat = record.chat;
  const bot = fake.world.memberOf(record, fake.world.bot.id);
  if (chat.type === "private") return bot.status !== "kicked";
  if (bot.status === "left" || bot.status === "kicked") return false;
  if (chat.type === "channel") return bot.status === "administrator" || bot.status === "creator";
  if (!fake.privacyMode || bot.status === "administrator" || bot.status === "creator") return true;
  const text = message.text ?? "";
  const username = fake.bot.username.toLowerCase();
  const commands = (message.entities ?? []).filter((e) => e.type === "bot_command");
  const forThisBot = commands.some((e) => {
    const at = text.slice(e.offset, e.offset + e.length).split("@")[1];
    return at === undefined || at.toLowerCase() === username;
  });
  const replyToBot = message.reply_to_message?.from?.id === fake.bot.id;
  const mentioned = text.toLowerCase().includes(`@${username}`);
  return forThisBot || replyToBot || mentioned;
}

function deliver(fake: FakeTelegram, record: ChatRecord, update: Update, message: Message): Update {
  if (botSees(fake, record, message)) return fake.queue.push(update);
  fake.withheld.push(update);
  return update;
}

/** A user writes `text` in `chat`; the bot gets it unless privacy mode or its status hides it. */
export function sendText(
  fake: FakeTelegram,
  chat: Chat | number,
  from: User | number,
  text: string,
  options: SendTextOptions,
): Update {
  const sender = fake.world.userOf(from);
  const record = chatRecord(fake, chat, sender);
  if (record.chat.type !== "private" && !record.members.has(sender.id)) {
    fake.world.setMember(record.chat.id, sender.id, "member");
  }
  const threadId = options.threadId;
  if (threadId !== undefined && record.chat.is_forum && !record.topics.has(threadId)) {
    throw new Error(`chat ${record.chat.id} has no topic ${threadId}`);
  }
  const message = textMessage(record.chat, sender, text, {
    messageId: fake.world.nextMessageId(record),
    threadId,
    senderChat: options.senderChat,
    replyTo: options.replyTo ? asMessage(options.replyTo) : undefined,
  });
  record.messages.set(message.message_id, { message, deleted: false });
  return deliver(fake, record, messageUpdate(message), message);
}

/** A press of the button with callback_data `data` under a message the bot sent and still shows. */
export function pressButton(
  fake: FakeTelegram,
  target: Message | SentMessage,
  from: User | number,
  data: string,
): Update {
  const original = asMessage(target);
  const record = fake.world.record(original.chat.id);
  const stored = record.messages.get(original.message_id);
  if (!stored?.sent || stored.deleted) {
    throw new Error(
      `message ${original.message_id} in chat ${original.chat.id} is not one the bot sent`,
    );
  }
  const keyboard = (stored.sent.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard;
  const hasButton = keyboard?.some((row) =>
    row.some((b) => "callback_data" in b && b.callback_data === data),
  );
  if (!hasButton) throw new Error(`the message shows no button with callback_data "${data}"`);
  const update = fake.queue.push(callbackUpdate(stored.message, fake.world.userOf(from), data));
  if (update.callback_query) fake.openCallbackQueries.add(update.callback_query.id);
  return update;
}

/** The bot's own status in `chat` changes from `oldStatus` to `newStatus`, done by `from`. */
export function myChatMember(
  fake: FakeTelegram,
  chat: Chat | number,
  from: User | number,
  oldStatus: MemberStatus,
  newStatus: MemberStatus,
): Update {
  const actor = fake.world.userOf(from);
  const record = chatRecord(fake, chat, actor);
  const bot = fake.world.botUser;
  fake.world.setMember(record.chat.id, bot.id, newStatus);
  const update = myChatMemberUpdate(
    record.chat,
    actor,
    chatMember(bot, oldStatus),
    fake.world.memberOf(record, bot.id),
    { bot },
  );
  return fake.queue.push(update);
}

/** A post in channel `chat` (commands get their bot_command entities), delivered when the bot administers the channel. */
export function channelPost(fake: FakeTelegram, chat: Chat | number, text: string): Update {
  const record = chatRecord(fake, chat);
  if (record.chat.type !== "channel") throw new Error(`chat ${record.chat.id} is not a channel`);
  const message = textMessage(record.chat, undefined, text, {
    messageId: fake.world.nextMessageId(record),
    senderChat: record.chat,
  });
  record.messages.set(message.message_id, { message, deleted: false });
  return deliver(fake, record, messageUpdate(message), message);
}

/** A user forwards a post of `channelChat` into their private chat with the bot. */
export function forwardFromChannel(
  fake: FakeTelegram,
  privateChat: Chat | number,
  from: User | number,
  channelChat: Chat | number,
  text: string,
): Update {
  const sender = fake.world.userOf(from);
  const record = chatRecord(fake, privateChat, sender);
  if (record.chat.type !== "private") throw new Error(`chat ${record.chat.id} is not private`);
  const source =
    typeof channelChat === "number" ? fake.world.record(channelChat).chat : channelChat;
  if (source.type !== "channel") throw new Error(`chat ${source.id} is not a channel`);
  const sourceRecord = fake.world.chats.get(source.id);
  const update = forwardedFromChannelUpdate(record.chat, sender, source, text, {
    messageId: fake.world.nextMessageId(record),
    originMessageId: sourceRecord ? fake.world.nextMessageId(sourceRecord) : undefined,
  });
  const message = update.message as Message;
  record.messages.set(message.message_id, { message, deleted: false });
  return deliver(fake, record, update, message);
}

/** Queues `update` as is, apart from a fresh update_id; callback queries become answerable. */
export function pushUpdate(fake: FakeTelegram, update: Update | Omit<Update, "update_id">): Update {
  const queued = fake.queue.push({ update_id: 0, ...update } as Update);
  if (updateType(queued) === "callback_query" && queued.callback_query) {
    fake.openCallbackQueries.add(queued.callback_query.id);
  }
  return queued;
}

/**
 * Upgrades a basic group to a supergroup (new id, same title and members);
 * calls naming the old id then get the 400 with migrate_to_chat_id. The
 * service-message updates are returned, and queued when `enqueue` is true.
 */
export function migrateChat(
  fake: FakeTelegram,
  oldId: number,
  newId: number | undefined,
  options: { enqueue?: boolean; by?: User | number },
): MigrationResult {
  const old = fake.world.record(oldId);
  if (old.chat.type !== "group") throw new Error(`chat ${oldId} is not a basic group`);
  const members = [...old.members.values()];
  const creator = members.find((m) => m.status === "creator")?.user;
  const someone = members.find((m) => m.user.id !== fake.bot.id)?.user;
  const by = fake.world.userOf(options.by ?? creator ?? someone ?? fake.world.addUser());
  const record = fake.world.migrate(oldId, newId);
  const newChat = record.chat as Chat.SupergroupChat;
  const built = migrationUpdates(old.chat, newChat, by, {
    oldMessageId: fake.world.nextMessageId(old),
    newMessageId: fake.world.nextMessageId(record),
  });
  for (const [update, chatRec] of [
    [built[0], old],
    [built[1], record],
  ] as const) {
    const message = update.message as Message;
    chatRec.messages.set(message.message_id, { message, deleted: false });
  }
  const updates: [Update, Update] = options.enqueue
    ? [fake.queue.push(built[0]), fake.queue.push(built[1])]
    : built;
  return { chat: newChat, updates };
}
