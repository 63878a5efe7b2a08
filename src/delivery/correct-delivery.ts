import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { ChatStore } from "../chats/chat-store.ts";
import { filingIds, linkedArticleIds } from "../corrections/message-links.ts";
import { patchMessage } from "../corrections/patch.ts";
import { sentMessagesOn } from "../corrections/sent-messages.ts";
import type { Translate } from "../digest/labels.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import type { ScriptBatch } from "../redis/lua-script.ts";
import { isMessageGone, isNotModified } from "../telegram/helpers.ts";
import type { DeliveryCounters } from "./counters.ts";
import type { CorrectJobData } from "./queue.ts";
import type { RateGate } from "./rate-gate.ts";
import type { SlotAhead } from "./slot-ahead.ts";
import { classifyTelegramError } from "./telegram-errors.ts";
import type { WatchOutcome } from "./watch-delivery.ts";

export interface CorrectDeliveryDeps {
  api: Api;
  redis: Redis;
  keys: Keys;
  gate: RateGate;
  chats: Pick<ChatStore, "get" | "setStatus">;
  counters: DeliveryCounters;
  translate: Translate;
  logger: Logger;
  clock: () => number;
}

/**
 * Edits one sent message to follow a correction: its text as last sent
 * (corrections/sent-messages.ts) is patched (corrections/patch.ts) and sent
 * with editMessageText through the rate gate. "Not modified" and "message to
 * edit not found" end the job quietly; a blocked or vanished chat stops being
 * served, as for any send; a 429 or a transient failure is thrown for the
 * worker to handle as it does for sends.
 */
export async function deliverCorrection(
  deps: CorrectDeliveryDeps,
  data: CorrectJobData,
  slotAhead: SlotAhead,
): Promise<WatchOutcome> {
  const { chatId, messageId } = data;
  const sent = sentMessagesOn(deps.redis, deps.keys);
  const [chat, entries] = await Promise.all([
    deps.chats.get(chatId),
    sent.showing(filingIds(data.articleId, data.correction.before.link), deps.clock()),
  ]);
  const entry = entries.find((e) => e.chatId === chatId && e.messageId === messageId);
  if (!entry) return { outcome: "skipped", reason: "message no longer correctable" };
  if (chat && (chat.status === "left" || chat.status === "blocked")) {
    return { outcome: "skipped", reason: "chat cannot receive" };
  }
  const html = await sent.body(entry.bodyHash);
  if (html === undefined) return { outcome: "skipped", reason: "message text expired" };
  const lang = chat?.lang ?? "en";
  const patched = patchMessage(html, data.correction, deps.translate(lang, "correction-withdrawn"));
  if (patched === html) return { outcome: "skipped", reason: "article not found in the message" };

  const taken = await slotAhead.claim(chatId, chatId < 0);
  if ("deferMs" in taken) return { outcome: "deferred", deferMs: taken.deferMs };
  try {
    await deps.api.editMessageText(chatId, messageId, patched, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: !(chat?.previews ?? false) },
    });
  } catch (err) {
    const failure = classifyTelegramError(err);
    if (failure.kind === "rate-limited") await deps.gate.pause((failure.retryAfterSec ?? 1) * 1000);
    await deps.gate.release(taken.ticket);
    const context = { chatId, messageId, article: data.articleId, kind: failure.kind };
    if (isNotModified(err)) {
      await sent.replace(entry, patched, linkedArticleIds(patched), linkedArticleIds(html));
      return { outcome: "skipped", reason: "message already shows it" };
    }
    if (isMessageGone(err)) {
      return { outcome: "skipped", reason: "message gone" };
    }
    if (failure.kind === "blocked" || failure.kind === "chat-gone") {
      const status = failure.kind === "blocked" ? "blocked" : "left";
      await deps.chats.setStatus(chatId, status);
      await deps.counters.increment(status);
      deps.logger.info({ ...context, reason: failure.message }, `chat ${status}, delivery stopped`);
      return { outcome: "stopped", chatId, reason: failure.kind };
    }
    if (failure.kind === "bad-message") {
      deps.logger.error({ ...context, reason: failure.message }, "Telegram refused a correction");
      return { outcome: "skipped", reason: "correction refused" };
    }
    throw failure;
  }
  await deps.gate.release(taken.ticket);
  await sent.replace(entry, patched, linkedArticleIds(patched), linkedArticleIds(html));
  return { outcome: "delivered", chatId, sent: 1, skipped: 0 };
}

/**
 * The worker's record of each part it sends, for corrections to find
 * (sent-messages.ts), its entry going out with the part's other bookkeeping.
 */
export function recordSentOn(
  redis: Redis,
  keys: Keys,
  clock: () => number,
): (chatId: number, messageId: number, html: string, batch: ScriptBatch) => Promise<void> {
  const sent = sentMessagesOn(redis, keys);
  return (chatId, messageId, html, batch) => sent.record(chatId, messageId, html, clock(), batch);
}
