import type {
  CallbackQuery,
  Chat,
  ChatMember,
  ChatMemberAdministrator,
  InlineQuery,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";

/**
 * Builders of the Update objects Telegram sends, in one place: in-process
 * tests hand them to `bot.handleUpdate`, and the fake Bot API server queues
 * the same objects for `getUpdates`.
 */

export const BOT_ID = 1000;
export const BOT_USERNAME = "frontline_digest_bot";
const GROUP_ANONYMOUS_BOT: User = {
  id: 1087968824,
  is_bot: true,
  first_name: "Group",
  username: "GroupAnonymousBot",
};
const CHANNEL_BOT: User = {
  id: 136817688,
  is_bot: true,
  first_name: "Channel",
  username: "Channel_Bot",
};

export type MemberStatus = ChatMember["status"];
export type AdminRights = Partial<Omit<ChatMemberAdministrator, "status" | "user">>;

let counter = 0;

/** A number never returned before in this process, for ids that only need to be distinct. */
export function nextId(): number {
  counter += 1;
  return counter;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** The bot's own user as getMe returns it (id 1000, @frontline_digest_bot), with `fields` overriding. */
export function botUser(fields: Partial<UserFromGetMe> = {}): UserFromGetMe {
  return {
    id: BOT_ID,
    is_bot: true,
    first_name: "Frontline Digest",
    username: BOT_USERNAME,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
    ...fields,
  };
}

/** A human user; the id defaults to a fresh one (10 000 and up). */
export function user(fields: Partial<User> = {}): User {
  const id = fields.id ?? 10_000 + nextId();
  return { id, is_bot: false, first_name: `Reader ${id}`, language_code: "en", ...fields };
}

/** The private chat between `u` and the bot: its id is the user's id. */
export function privateChat(u: User): Chat.PrivateChat {
  const chat: Chat.PrivateChat = { id: u.id, type: "private", first_name: u.first_name };
  if (u.last_name) chat.last_name = u.last_name;
  if (u.username) chat.username = u.username;
  return chat;
}

/** A basic group; ids are negative. */
export function group(fields: { id?: number; title?: string } = {}): Chat.GroupChat {
  const id = fields.id ?? -(900_000 + nextId());
  return { id, type: "group", title: fields.title ?? `Group ${-id}` };
}

/** A supergroup, optionally a forum; ids look like -100xxxxxxxxxx. */
export function supergroup(
  fields: { id?: number; title?: string; username?: string; is_forum?: boolean } = {},
): Chat.SupergroupChat {
  const id = fields.id ?? -(1_002_000_000_000 + nextId());
  const chat: Chat.SupergroupChat = {
    id,
    type: "supergroup",
    title: fields.title ?? `Supergroup ${-id}`,
  };
  if (fields.username) chat.username = fields.username;
  if (fields.is_forum) chat.is_forum = true;
  return chat;
}

/** A channel; ids look like -100xxxxxxxxxx. */
export function channel(
  fields: { id?: number; title?: string; username?: string } = {},
): Chat.ChannelChat {
  const id = fields.id ?? -(1_003_000_000_000 + nextId());
  const chat: Chat.ChannelChat = { id, type: "channel", title: fields.title ?? `Channel ${-id}` };
  if (fields.username) chat.username = fields.username;
  return chat;
}

/** A ChatMember object of `status` for `u`; administrators get every right unless `rights` says otherwise. */
export function chatMember(u: User, status: MemberStatus, rights: AdminRights = {}): ChatMember {
  switch (status) {
    case "creator":
      return { status, user: u, is_anonymous: false };
    case "administrator":
      return {
        status,
        user: u,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_post_messages: true,
        can_edit_messages: true,
        can_pin_messages: true,
        can_manage_topics: true,
        can_send_welcome_messages: false,
        ...rights,
      };
    case "member":
      return { status, user: u };
    case "restricted":
      return {
        status,
        user: u,
        is_member: true,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_react_to_messages: false,
        can_change_info: false,
        can_invite_users: false,
        can_edit_tag: false,
        can_pin_messages: false,
        can_manage_topics: false,
        until_date: 0,
      };
    case "left":
      return { status, user: u };
    case "kicked":
      return { status, user: u, until_date: 0 };
  }
}

/**
 * The bot_command entities Telegram marks in a user's text: "/name" or
 * "/name@bot" (1–64 and 3–32 chars of [A-Za-z0-9_]) not glued to a word, "/", "<" or ">".
 */
export function commandEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const pattern =
    /(?<![\p{L}\p{N}_/<>])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\p{L}\p{N}_/<>@])/gu;
  for (const match of text.matchAll(pattern)) {
    entities.push({ type: "bot_command", offset: match.index, length: match[0].length });
  }
  return entities;
}

export interface MessageOptions {
  messageId?: number;
  date?: number;
  threadId?: number;
  isTopicMessage?: boolean;
  senderChat?: Chat;
  replyTo?: Message;
  entities?: MessageEntity[];
}

export interface UpdateOptions {
  updateId?: number;
}

/** A text message as Telegram delivers it, with bot_command entities detected unless `entities` is given. */
export function textMessage(
  chat: Chat,
  from: User | undefined,
  text: string,
  options: MessageOptions = {},
): Message {
  const message: Record<string, unknown> = {
    message_id: options.messageId ?? nextId(),
    date: options.date ?? now(),
    chat,
  };
  const sender = from ?? senderFor(chat, options.senderChat);
  if (sender) message.from = sender;
  if (options.senderChat) message.sender_chat = options.senderChat;
  if (options.threadId !== undefined) {
    message.message_thread_id = options.threadId;
    if (options.isTopicMessage ?? chat.is_forum) message.is_topic_message = true;
  }
  if (options.replyTo) message.reply_to_message = options.replyTo;
  message.text = text;
  const entities = options.entities ?? commandEntities(text);
  if (entities.length > 0) message.entities = entities;
  return message as unknown as Message;
}

function senderFor(chat: Chat, senderChat: Chat | undefined): User | undefined {
  if (!senderChat || chat.type === "channel") return undefined;
  return senderChat.id === chat.id ? GROUP_ANONYMOUS_BOT : CHANNEL_BOT;
}

/** A `message` update carrying `message` (or a `channel_post` update when it was posted in a channel). */
export function messageUpdate(message: Message, options: UpdateOptions = {}): Update {
  const key = message.chat.type === "channel" ? "channel_post" : "message";
  return { update_id: options.updateId ?? nextId(), [key]: message } as Update;
}

/** A text message from `from` in `chat`, as a `message` update. */
export function textUpdate(
  chat: Chat,
  from: User,
  text: string,
  options: MessageOptions & UpdateOptions = {},
): Update {
  return messageUpdate(textMessage(chat, from, text, options), options);
}

/** A command such as "/latest 5" from `from` in `chat`, with its bot_command entity at offset 0. */
export function commandUpdate(
  chat: Chat,
  from: User,
  command: string,
  options: MessageOptions & UpdateOptions = {},
): Update {
  if (!command.startsWith("/")) throw new Error(`a command starts with "/": ${command}`);
  return textUpdate(chat, from, command, options);
}

/** A post in a channel (no `from`; `sender_chat` is the channel), as a `channel_post` update. */
export function channelPostUpdate(
  chat: Chat.ChannelChat,
  text: string,
  options: MessageOptions & UpdateOptions = {},
): Update {
  return messageUpdate(
    textMessage(chat, undefined, text, { senderChat: chat, ...options }),
    options,
  );
}

/** A message `from` forwards into `chat` from a post of `source`, with a channel forward_origin. */
export function forwardedFromChannelUpdate(
  chat: Chat.PrivateChat,
  from: User,
  source: Chat.ChannelChat,
  text: string,
  options: MessageOptions & UpdateOptions & { originMessageId?: number; originDate?: number } = {},
): Update {
  const message = textMessage(chat, from, text, { ...options, entities: options.entities ?? [] });
  Object.assign(message, {
    forward_origin: {
      type: "channel",
      chat: source,
      message_id: options.originMessageId ?? nextId(),
      date: options.originDate ?? message.date,
    },
  });
  return messageUpdate(message, options);
}

/** A press on an inline button with `data` under `message` (a message the bot sent). */
export function callbackUpdate(
  message: Message,
  from: User,
  data: string,
  options: UpdateOptions & { id?: string; chatInstance?: string } = {},
): Update {
  const query: CallbackQuery = {
    id: options.id ?? String(4_000_000_000_000 + nextId()),
    from,
    message,
    chat_instance: options.chatInstance ?? chatInstance(message.chat.id),
    data,
  };
  return { update_id: options.updateId ?? nextId(), callback_query: query };
}

/** A user typing `@bot query` in some chat, as an `inline_query` update. */
export function inlineQueryUpdate(
  from: User,
  query: string,
  options: UpdateOptions & {
    id?: string;
    offset?: string;
    chatType?: InlineQuery["chat_type"];
  } = {},
): Update {
  const inline: InlineQuery = {
    id: options.id ?? String(5_000_000_000_000 + nextId()),
    from,
    query,
    offset: options.offset ?? "",
    chat_type: options.chatType ?? "sender",
  };
  return { update_id: options.updateId ?? nextId(), inline_query: inline };
}

/** Telegram's opaque, stable per-chat `chat_instance` of callback queries. */
export function chatInstance(chatId: number): string {
  return BigInt.asIntN(64, BigInt(chatId) * 2654435761n + 7919n).toString();
}

/**
 * A change of the bot's own membership in `chat` made by `from` (e.g. added
 * to a group, blocked in a private chat), as a `my_chat_member` update.
 */
export function myChatMemberUpdate(
  chat: Chat,
  from: User,
  oldMember: MemberStatus | ChatMember,
  newMember: MemberStatus | ChatMember,
  options: UpdateOptions & { bot?: User; date?: number } = {},
): Update {
  const bot = options.bot ?? botUser();
  const member = (m: MemberStatus | ChatMember) => (typeof m === "string" ? chatMember(bot, m) : m);
  return {
    update_id: options.updateId ?? nextId(),
    my_chat_member: {
      chat,
      from,
      date: options.date ?? now(),
      old_chat_member: member(oldMember),
      new_chat_member: member(newMember),
    },
  };
}

/**
 * The two service messages Telegram sends when a group becomes a supergroup:
 * `migrate_to_chat_id` in the old group, `migrate_from_chat_id` in the new one.
 */
export function migrationUpdates(
  oldChat: Chat.GroupChat,
  newChat: Chat.SupergroupChat,
  from: User,
  options: { oldMessageId?: number; newMessageId?: number; date?: number } = {},
): [Update, Update] {
  const date = options.date ?? now();
  const base = (chat: Chat, messageId: number | undefined) => ({
    message_id: messageId ?? nextId(),
    date,
    chat,
    from,
  });
  return [
    {
      update_id: nextId(),
      message: { ...base(oldChat, options.oldMessageId), migrate_to_chat_id: newChat.id },
    } as Update,
    {
      update_id: nextId(),
      message: { ...base(newChat, options.newMessageId), migrate_from_chat_id: oldChat.id },
    } as Update,
  ];
}
