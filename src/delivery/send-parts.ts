import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import { ScriptBatch } from "../redis/lua-script.ts";
import { moveChat } from "../watches/move-chat.ts";
import type { DeliveryCounters } from "./counters.ts";
import type { DeliveryLog, DeliveryRecord } from "./delivery-log.ts";
import type { RateGate } from "./rate-gate.ts";
import type { SlotAhead } from "./slot-ahead.ts";
import { classifyTelegramError } from "./telegram-errors.ts";

/** A group can move to a supergroup once; more hops in one job mean something is wrong. */
const MAX_MIGRATIONS = 3;

/**
 * Whether newly composed parts are stored before the first is sent: only
 * when there are several, for a retry must then send the rest as first
 * composed, or articles could be skipped or repeated across parts. A job of
 * one part is composed again when retried, which can only add what arrived
 * meanwhile, and it saves writing (then dropping) a copy of every chat's
 * text, about 2 KB a chat.
 */
function keepsParts(parts: string[]): boolean {
  return parts.length > 1;
}

export interface SendPartsDeps {
  api: Api;
  /** where a part's bookkeeping (slot, record, count, onDelivered) goes, as one command */
  redis: Redis;
  gate: RateGate;
  deliveryLog: DeliveryLog;
  keys: Keys;
  chats: Pick<ChatStore, "migrate" | "setStatus">;
  counters: DeliveryCounters;
  logger: Logger;
  /** send with allow_paid_broadcast (beyond 30 messages/s, paid in Stars) */
  paidBroadcast: boolean;
  /**
   * keeps what a sent part says, for corrections to follow it
   * (corrections/sent-messages.ts), adding its write to the part's `batch`
   */
  recordSent?(
    chatId: number,
    messageId: number,
    html: string,
    batch: ScriptBatch,
  ): Promise<unknown>;
}

export interface SendPartsInput {
  jobId: string;
  chat: Pick<Chat, "id" | "kind" | "threadId" | "previews">;
  parts: string[];
  record: DeliveryRecord;
  /** disable_notification, e.g. in the chat's quiet hours */
  silent: boolean;
  signal?: AbortSignal;
  /**
   * The write that must happen once every part is sent or skipped (a
   * digest's cursor, a flash's mark), given where the parts went. It goes
   * into `batch`, to run in one script with the record's finishing write and
   * the slot's release.
   */
  onDelivered?(chatId: number, batch: ScriptBatch): unknown;
  /**
   * Stores newly composed parts so a retry sends the same text; called only
   * when there are several (see keepsParts). It is awaited together with the
   * first slot, so the copy is kept before anything is sent.
   */
  saveParts?(): Promise<unknown>;
  /** the slot taken while the job was read, claimed for the first part sent */
  slotAhead?: SlotAhead;
}

export type SendPartsResult =
  /** every part was sent or skipped; `chatId` is where they went */
  | { status: "delivered"; chatId: number; sent: number; skipped: number }
  /** the chat can no longer receive (403 or chat not found); its status was changed */
  | { status: "stopped"; chatId: number; reason: "blocked" | "chat-gone" }
  /** the rate gate would make this chat wait `deferMs`; nothing more was sent */
  | { status: "deferred"; chatId: number; deferMs: number };

/**
 * Sends the parts not yet recorded as sent, in order, each through the rate
 * gate, recording each one as soon as Telegram accepts it, and finishes the
 * job's record when the chat has them all (or can no longer receive). Follows
 * a group's move to its supergroup (the rest go to the new id, the chat store
 * is migrated), skips a part Telegram refuses as malformed (logged as a
 * render bug), and marks a chat blocked or left when it can no longer
 * receive. Throws the classified TelegramDeliveryError for rate limits,
 * transient and unknown failures: the caller retries, and recorded parts are
 * not resent.
 */
export async function sendParts(
  deps: SendPartsDeps,
  input: SendPartsInput,
): Promise<SendPartsResult> {
  const { api, redis, gate, deliveryLog, chats, counters, logger } = deps;
  const { jobId, chat, parts, record } = input;
  const group = chat.kind !== "private";
  let chatId = record.target ?? chat.id;
  let sent = 0;
  let skipped = 0;
  let migrations = 0;
  let finished = false;
  let saving = keepsParts(parts) ? input.saveParts?.() : undefined;
  let ahead = input.slotAhead;

  for (let index = 0; index < parts.length; index++) {
    if (record.sent.has(index)) continue;
    const text = parts[index] as string;
    const last = index === parts.length - 1;
    for (;;) {
      const slot = ahead ? ahead.claim(chatId, group) : gate.take(chatId, group, input.signal);
      const [taken] = await Promise.all([slot, saving]);
      ahead = undefined;
      saving = undefined;
      if ("deferMs" in taken) return { status: "deferred", chatId, deferMs: taken.deferMs };
      let messageId: number;
      try {
        const message = await api.sendMessage(chatId, text, {
          parse_mode: "HTML",
          link_preview_options: { is_disabled: !chat.previews },
          ...(chat.threadId === undefined ? {} : { message_thread_id: chat.threadId }),
          ...(input.silent ? { disable_notification: true } : {}),
          ...(deps.paidBroadcast ? { allow_paid_broadcast: true } : {}),
        });
        messageId = message.message_id;
      } catch (err) {
        const failure = classifyTelegramError(err);
        // Stop every other send before this one's slot is handed back.
        if (failure.kind === "rate-limited") await gate.pause((failure.retryAfterSec ?? 1) * 1000);
        await gate.release(taken.ticket);
        const context = { chatId, jobId, part: index, code: failure.code, kind: failure.kind };
        if (failure.kind === "migrated" && failure.newChatId !== undefined) {
          if (++migrations > MAX_MIGRATIONS) throw failure;
          await moveChat(deps, chatId, failure.newChatId);
          await deliveryLog.setTarget(jobId, failure.newChatId);
          await counters.increment("migrated");
          logger.info({ ...context, newChatId: failure.newChatId }, "group moved to a supergroup");
          chatId = failure.newChatId;
          continue;
        }
        if (failure.kind === "blocked" || failure.kind === "chat-gone") {
          const status = failure.kind === "blocked" ? "blocked" : "left";
          await chats.setStatus(chatId, status);
          await counters.increment(status);
          await deliveryLog.finish(jobId);
          logger.info({ ...context, reason: failure.message }, `chat ${status}, delivery stopped`);
          return { status: "stopped", chatId, reason: failure.kind };
        }
        if (failure.kind === "bad-message") {
          logger.error(
            { ...context, reason: failure.message, text },
            "Telegram refused a rendered part; skipped it",
          );
          await deliveryLog.markPart(jobId, index, 0);
          await counters.increment("badMessages");
          skipped += 1;
          break;
        }
        throw failure;
      }
      // the slot, the record (finished with the last part), the count and what follows delivery, in one go
      const batch = new ScriptBatch();
      await gate.release(taken.ticket, batch);
      await deliveryLog.markPart(jobId, index, messageId, { finish: last }, batch);
      await counters.increment("sent", 1, batch);
      if (last) await input.onDelivered?.(chatId, batch);
      const recorded = deps.recordSent?.(chatId, messageId, text, batch);
      await Promise.all([batch.run(redis), recorded]);
      finished = last;
      sent += 1;
      break;
    }
  }
  if (!finished) {
    const batch = new ScriptBatch();
    await deliveryLog.finish(jobId, batch);
    await input.onDelivered?.(chatId, batch);
    await batch.run(redis);
  }
  return { status: "delivered", chatId, sent, skipped };
}
