import { GrammyError, type MiddlewareFn } from "grammy";
import type { Chat } from "../../chats/chat.ts";
import type { BotContext, BotDeps } from "../context.ts";
import { isChatAdmin } from "../guards.ts";
import { Dialog } from "./dialog.ts";
import {
  type BotConversation,
  type ConversationContext,
  enterConversation,
  installConversation,
} from "./kit.ts";
import { type Step, SubscribeSteps, type SubscribeTarget } from "./subscribe-steps.ts";

const SUBSCRIBE = "subscribe";

/** `targetChatId`: subscribe that chat (a linked channel) from this one; default: this chat. */
export interface SubscribeArgs {
  targetChatId?: number;
}

/** The user who opened the conversation, or, for an anonymous chat admin, every chat admin of the group. */
type Owner = { user: number } | { admins: number };

/**
 * Starts /subscribe in this chat, replacing any conversation in progress
 * there. `args.targetChatId` subscribes another chat (a linked channel) from
 * this private chat.
 */
export function enterSubscribe(ctx: BotContext, args?: SubscribeArgs): Promise<void> {
  return enterConversation(ctx, SUBSCRIBE, args);
}

/**
 * The /subscribe conversation, installed after the conversations plugin. A
 * question left unanswered for `deps.conversationIdleMs` ends the
 * conversation at the user's next message, with a reply saying so.
 */
export function createSubscribeConversation(deps: BotDeps): MiddlewareFn<BotContext> {
  return installConversation<SubscribeArgs | undefined>(
    deps,
    SUBSCRIBE,
    (conv, first, args, _deps, idleMs) => subscribe(conv, first, args ?? {}, deps, idleMs),
  );
}

/** Whether `userId` is a chat admin of `chatId`; an API refusal (left, no rights) reads as no. */
async function chatAdmin(c: ConversationContext, chatId: number, userId: number) {
  try {
    return await isChatAdmin(c, chatId, userId);
  } catch (err) {
    if (err instanceof GrammyError) return false;
    throw err;
  }
}

function ownerCheck(owner: Owner): (c: ConversationContext) => Promise<boolean> {
  return async (c) => {
    if ("user" in owner) return c.from?.id === owner.user && c.senderChat === undefined;
    if (c.senderChat?.id === owner.admins) return true;
    if (!c.from || c.from.is_bot) return false;
    return chatAdmin(c, owner.admins, c.from.id);
  };
}

/** In a group, only replies to the bot and mentions of it are answers; the rest is chatter. */
function addressedToBot(c: ConversationContext): boolean {
  if (c.chat?.type !== "group" && c.chat?.type !== "supergroup") return true;
  const message = c.message;
  if (message?.reply_to_message?.from?.id === c.me.id) return true;
  const text = message?.text ?? message?.caption ?? "";
  return text.toLowerCase().includes(`@${c.me.username.toLowerCase()}`);
}

/**
 * Topics -> times -> time zone -> confirmation, in one message edited step
 * by step (a typed answer moves the menu below it). Confirming writes the
 * chat's settings and makes it active; the cursor is left alone: a chat whose
 * cursor is 0 gets the last 24 hours in its first digest (digestWindowStart),
 * and a returning subscriber continues from its cursor, at most 48 hours
 * back, so no first digest is empty for want of a cursor and none claims a
 * delivery that never happened.
 */
async function subscribe(
  conversation: BotConversation,
  first: ConversationContext,
  args: SubscribeArgs,
  deps: BotDeps,
  idleMs: number,
): Promise<void> {
  const chat = first.chat;
  if (!chat) return;
  const inGroup = chat.type === "group" || chat.type === "supergroup";
  const owner: Owner =
    inGroup && first.senderChat?.id === chat.id
      ? { admins: chat.id }
      : { user: first.from?.id ?? 0 };
  const targetId = args.targetChatId ?? chat.id;
  const target: SubscribeTarget = {
    id: targetId,
    forTarget: targetId !== chat.id,
    inGroup,
    kind: chat.type,
    title: "title" in chat ? chat.title : undefined,
    thread: first.msg?.is_topic_message ? first.msg.message_thread_id : undefined,
    mayStillManage: (c) => mayStillManage(c, owner, target),
  };
  const dialog = new Dialog(conversation, first, deps, idleMs, {
    command: SUBSCRIBE,
    prefix: "sub:",
    texts: {
      timedOut: "subscribe-timed-out",
      cancelled: "subscribe-cancelled",
      left: "subscribe-left",
      staleButton: "subscribe-stale-button",
      notYours: "subscribe-not-yours",
    },
    owns: ownerCheck(owner),
    addressed: addressedToBot,
  });
  const existing: Chat | null = await conversation.external(
    async () => (await deps.chats.get(targetId)) ?? null,
  );
  const steps = new SubscribeSteps(dialog, deps, target, existing);
  let step: Step = "topics";
  for (;;) {
    if (step === "topics") step = await steps.topics();
    else if (step === "schedule") step = await steps.schedule();
    else if (step === "times") step = await steps.times();
    else if (step === "zone") step = await steps.zone();
    else if (step === "zone-typed") step = await steps.zoneTyped();
    else if (await steps.confirm()) return;
    else step = "topics";
  }
}

/** Rights can change while the menu is open: a user who started it must still manage the chat to save. */
async function mayStillManage(
  c: ConversationContext,
  owner: Owner,
  target: SubscribeTarget,
): Promise<boolean> {
  if ("admins" in owner) return true;
  const managed = target.forTarget ? target.id : target.inGroup ? c.chat?.id : undefined;
  if (managed === undefined) return true;
  return chatAdmin(c, managed, owner.user);
}
