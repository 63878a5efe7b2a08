import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import { isQuietAt } from "../chats/next-due.ts";
import type { DeliveryRecord } from "./delivery-log.ts";
import {
  type SendPartsDeps,
  type SendPartsInput,
  type SendPartsResult,
  sendParts,
} from "./send-parts.ts";

/** What a job for one chat (a digest or a flash) reads and sends with. */
export interface ChatJobDeps extends SendPartsDeps {
  chats: ChatStore;
  clock: () => number;
  /** aborted when the worker closes: waits at the rate gate end */
  signal: AbortSignal;
}

export interface JobStart {
  record: DeliveryRecord;
  /** where the parts go now, when that chat is active */
  chat: Chat | undefined;
  /** the articles that chat got as flashes */
  flashed: string[];
}

/**
 * The job's record, its chat (where the parts go now) when that chat is
 * active, and the articles that chat got as flashes, read together.
 */
export async function startChatJob(
  deps: ChatJobDeps,
  jobId: string,
  data: { chatId: number },
): Promise<JobStart> {
  const { deliveryLog } = deps;
  const read = (chatId: number) =>
    Promise.all([deps.chats.get(chatId), deliveryLog.flashedTo(chatId)]);
  const [record, [first, flashed]] = await Promise.all([
    deliveryLog.read(jobId),
    read(data.chatId),
  ]);
  const to = record.target ?? data.chatId;
  const [chat, flashedThere] = to === data.chatId ? [first, flashed] : await read(to);
  return { record, chat: chat?.status === "active" ? chat : undefined, flashed: flashedThere };
}

/** Sends a job's parts to its chat, silently in the chat's quiet hours (send-parts.ts). */
export function sendChatParts(
  deps: ChatJobDeps,
  jobId: string,
  chat: Chat,
  parts: string[],
  record: DeliveryRecord,
  after: Pick<SendPartsInput, "onDelivered" | "saveParts" | "slotAhead">,
): Promise<SendPartsResult> {
  return sendParts(deps, {
    jobId,
    chat,
    parts,
    record,
    silent: isQuietAt(chat, deps.clock()),
    signal: deps.signal,
    ...after,
  });
}
