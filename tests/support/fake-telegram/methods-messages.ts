import type { Message, MessageEntity } from "grammy/types";
import { badRequest, NOT_MODIFIED } from "./errors.ts";
import type { FakeTelegram } from "./fake.ts";
import type { Params } from "./params.ts";
import type { ChatRecord, SentMessage, StoredMessage } from "./state.ts";
import { type FormattedText, messageText, sameJson, validateReplyMarkup } from "./text.ts";
import type { CallContext, Handler } from "./types.ts";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

const OWN_FIELDS = new Set([
  "chat_id",
  "text",
  "parse_mode",
  "entities",
  "reply_markup",
  "message_thread_id",
]);

function replyMarkup(p: Params): Record<string, unknown> | undefined {
  const markup = p.json<Record<string, unknown>>(
    "reply_markup",
    "can't parse reply keyboard markup JSON object",
  );
  if (markup !== undefined) validateReplyMarkup(markup);
  return markup;
}

function checkThread(record: ChatRecord, threadId: number | undefined): void {
  if (threadId === undefined || record.chat.type !== "supergroup") return;
  const known = record.chat.is_forum ? record.topics.has(threadId) : record.messages.has(threadId);
  if (!known) throw badRequest("message thread not found");
}

function replyTarget(record: ChatRecord, p: Params): Message | undefined {
  const parameters = p.json<{ message_id?: number; allow_sending_without_reply?: boolean }>(
    "reply_parameters",
  );
  const messageId = parameters?.message_id ?? p.int("reply_to_message_id");
  if (messageId === undefined) return undefined;
  const target = record.messages.get(messageId);
  if (target && !target.deleted) return target.message;
  const allowMissing =
    parameters?.allow_sending_without_reply ?? p.bool("allow_sending_without_reply");
  if (allowMissing) return undefined;
  throw badRequest("message to be replied not found");
}

function withKnownUsers(fake: FakeTelegram, entities: MessageEntity[]): MessageEntity[] {
  return entities.map((e) =>
    e.type === "text_mention" ? { ...e, user: fake.world.userOf(e.user.id) } : e,
  );
}

function applyContent(
  message: Message,
  formatted: FormattedText,
  markup: Record<string, unknown> | undefined,
): Message {
  const next = { ...message, text: formatted.text } as Record<string, unknown>;
  if (formatted.entities.length > 0) next.entities = formatted.entities;
  else delete next.entities;
  if (markup && "inline_keyboard" in markup) next.reply_markup = markup;
  else delete next.reply_markup;
  return next as unknown as Message;
}

const sendMessage: Handler = (fake, p, ctx) => {
  const record = fake.world.resolve(p.raw.chat_id);
  fake.world.assertCanSend(record);
  const threadId = p.int("message_thread_id");
  checkThread(record, threadId);
  const formatted = messageText(p);
  formatted.entities = withKnownUsers(fake, formatted.entities);
  const markup = replyMarkup(p);
  const replyTo = replyTarget(record, p);
  fake.admitSend(ctx.call, record);

  const chat = record.chat;
  const base: Record<string, unknown> = {
    message_id: fake.world.nextMessageId(record),
    date: Math.floor(Date.now() / 1000),
    chat,
  };
  if (chat.type === "channel") base.sender_chat = chat;
  else base.from = fake.world.botUser;
  if (threadId !== undefined && chat.type === "supergroup") {
    base.message_thread_id = threadId;
    if (chat.is_forum) base.is_topic_message = true;
  }
  if (replyTo) base.reply_to_message = replyTo;
  const message = applyContent(base as unknown as Message, formatted, markup);

  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p.raw)) if (!OWN_FIELDS.has(key)) options[key] = value;
  const sent: SentMessage = {
    chat_id: chat.id,
    message_id: message.message_id,
    text: formatted.text,
    html: p.string("text") ?? "",
    entities: formatted.entities,
    options,
    message,
    receivedAt: ctx.call.at,
    history: [],
    deleted: false,
  };
  if (threadId !== undefined) sent.message_thread_id = threadId;
  const parseMode = p.string("parse_mode");
  if (parseMode) sent.parse_mode = parseMode;
  if (markup) sent.reply_markup = markup;
  record.messages.set(message.message_id, { message, sent, deleted: false });
  fake.recordSent(sent);
  return message;
};

function editable(fake: FakeTelegram, p: Params): { stored: StoredMessage; sent: SentMessage } {
  if (p.has("inline_message_id") && !p.has("chat_id"))
    throw badRequest("message to edit not found");
  const record = fake.world.resolve(p.raw.chat_id);
  const stored = record.messages.get(p.int("message_id") ?? -1);
  if (!stored || stored.deleted) throw badRequest("message to edit not found");
  if (!stored.sent) throw badRequest("message can't be edited");
  return { stored, sent: stored.sent };
}

function applyEdit(
  stored: StoredMessage,
  sent: SentMessage,
  formatted: FormattedText,
  source: { html: string; parse_mode?: string },
  markup: Record<string, unknown> | undefined,
): Message {
  sent.history.push({
    text: sent.text,
    html: sent.html,
    entities: sent.entities,
    reply_markup: sent.reply_markup,
  });
  sent.text = formatted.text;
  sent.html = source.html;
  if (source.parse_mode) sent.parse_mode = source.parse_mode;
  else delete sent.parse_mode;
  sent.entities = formatted.entities;
  if (markup) sent.reply_markup = markup;
  else delete sent.reply_markup;
  const message = applyContent(stored.message, formatted, markup);
  (message as { edit_date?: number }).edit_date = Math.floor(Date.now() / 1000);
  stored.message = message;
  sent.message = message;
  return message;
}

const editMessageText: Handler = (fake, p) => {
  const { stored, sent } = editable(fake, p);
  const formatted = messageText(p);
  formatted.entities = withKnownUsers(fake, formatted.entities);
  const markup = replyMarkup(p);
  if (
    formatted.text === sent.text &&
    sameJson(formatted.entities, sent.entities) &&
    sameJson(markup, sent.reply_markup)
  ) {
    throw badRequest(NOT_MODIFIED);
  }
  const source = { html: p.string("text") ?? "", parse_mode: p.string("parse_mode") };
  return applyEdit(stored, sent, formatted, source, markup);
};

const editMessageReplyMarkup: Handler = (fake, p) => {
  const { stored, sent } = editable(fake, p);
  const markup = replyMarkup(p);
  if (sameJson(markup, sent.reply_markup)) throw badRequest(NOT_MODIFIED);
  const current = { text: sent.text, entities: sent.entities };
  return applyEdit(stored, sent, current, { html: sent.html, parse_mode: sent.parse_mode }, markup);
};

const deleteMessage: Handler = (fake, p) => {
  const record = fake.world.resolve(p.raw.chat_id);
  const stored = record.messages.get(p.int("message_id") ?? -1);
  if (!stored || stored.deleted) throw badRequest("message to delete not found");
  if (!stored.sent && record.chat.type !== "private") {
    const bot = fake.world.memberOf(record, fake.world.bot.id);
    const canDelete =
      bot.status === "creator" || (bot.status === "administrator" && bot.can_delete_messages);
    if (!canDelete) throw badRequest("message can't be deleted");
  }
  stored.deleted = true;
  if (stored.sent) stored.sent.deleted = true;
  return true;
};

const sendChatAction: Handler = (fake, p, ctx: CallContext) => {
  const record = fake.world.resolve(p.raw.chat_id);
  fake.world.assertCanSend(record);
  const action = p.string("action") ?? "";
  if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  const entry: { chat_id: number; action: string; at: number; message_thread_id?: number } = {
    chat_id: record.chat.id,
    action,
    at: ctx.call.at,
  };
  const threadId = p.int("message_thread_id");
  if (threadId !== undefined) entry.message_thread_id = threadId;
  fake.chatActions.push(entry);
  return true;
};

export const messageMethods: Record<string, Handler> = {
  sendMessage,
  editMessageText,
  editMessageReplyMarkup,
  deleteMessage,
  sendChatAction,
};
