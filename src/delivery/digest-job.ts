import { type ChatJobDeps, sendChatParts, startChatJob } from "./chat-job.ts";
import type { ChatDelivery } from "./digest-batch.ts";
import type { ComposeForChat } from "./digest-composer.ts";
import { type ChatOutcome, type Deferred, outcomeOf } from "./job-outcome.ts";
import { type DigestJobData, digestJobId } from "./queue.ts";
import { type SlotAhead, takeSlotAhead } from "./slot-ahead.ts";

export interface DigestJobDeps extends ChatJobDeps {
  /**
   * The chat's digest at send time without the articles it got as flashes,
   * or undefined when nothing is new.
   */
  compose: ComposeForChat;
}

/**
 * One chat's digest: composed when the job first runs (or the parts a
 * previous run stored), sent part by part, and the chat's cursor advanced
 * with the last part, so what arrived after composing comes next time.
 */
export async function deliverDigest(
  deps: DigestJobDeps,
  jobId: string,
  data: Pick<DigestJobData, "chatId">,
  slotAhead: SlotAhead,
): Promise<ChatOutcome | Deferred> {
  const { deliveryLog } = deps;
  const { record, chat, flashed } = await startChatJob(deps, jobId, data);
  if (record.done) return { outcome: "skipped", reason: "already delivered" };
  if (!chat) return { outcome: "skipped", reason: "chat not active" };
  let parts = record.parts;
  let cursor = record.cursor;
  // what had arrived by then is in the digest; the next one offers what came later
  let composedAt = record.composedAt ?? deps.clock();
  let lateFrom = record.lateFrom;
  let saveParts: (() => Promise<void>) | undefined;
  if (parts === undefined || cursor === undefined) {
    composedAt = deps.clock();
    const composed = await deps.compose(chat, { now: composedAt, flashed });
    if (!composed || composed.parts.length === 0) {
      return { outcome: "skipped", reason: "nothing new" };
    }
    ({ parts, cursor, lateFrom } = composed);
    const digest = {
      cursor: composed.cursor,
      composedAt,
      ...(lateFrom === undefined ? {} : { lateFrom }),
    };
    saveParts = () => deliveryLog.saveParts(jobId, composed.parts, digest);
  }
  const delivered = cursor;
  const result = await sendChatParts(deps, jobId, chat, parts, record, {
    saveParts,
    slotAhead,
    onDelivered: (chatId, batch) =>
      deps.chats.setCursor(chatId, delivered, composedAt, lateFrom, batch),
  });
  return outcomeOf(result);
}

/** One chat of a batch, as a digest job of its own (same record id) would deliver it. */
export async function deliverBatchChat(
  deps: DigestJobDeps,
  chatId: number,
  dueMs: number,
): Promise<ChatDelivery> {
  const slotAhead = takeSlotAhead(deps.gate, chatId, deps.signal);
  try {
    const outcome = await deliverDigest(deps, digestJobId(chatId, dueMs), { chatId }, slotAhead);
    return outcome.outcome === "deferred" ? outcome : { outcome: outcome.outcome };
  } finally {
    slotAhead.drop();
  }
}
