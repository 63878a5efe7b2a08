import type { SendPartsResult } from "./send-parts.ts";

/** What a job for one chat did. */
export type ChatOutcome =
  | { outcome: "delivered"; chatId: number; sent: number; skipped: number }
  | { outcome: "stopped"; chatId: number; reason: "blocked" | "chat-gone" }
  | { outcome: "skipped"; reason: string };

/** What a finished job did, kept as its BullMQ return value. */
export type DeliveryOutcome =
  | ChatOutcome
  | {
      outcome: "batch";
      dueMs: number;
      chats: number;
      delivered: number;
      stopped: number;
      skipped: number;
    };

/** A job that must wait for the rate gate longer than it should hold a worker slot. */
export type Deferred = { outcome: "deferred"; deferMs: number };

/** What a job for one chat did, from what sending its parts came to. */
export function outcomeOf(result: SendPartsResult): ChatOutcome | Deferred {
  if (result.status === "deferred") return { outcome: "deferred", deferMs: result.deferMs };
  if (result.status === "stopped") {
    return { outcome: "stopped", chatId: result.chatId, reason: result.reason };
  }
  return {
    outcome: "delivered",
    chatId: result.chatId,
    sent: result.sent,
    skipped: result.skipped,
  };
}
