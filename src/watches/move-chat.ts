import type { Redis } from "ioredis";
import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import type { Keys } from "../redis/keys.ts";
import { createWatchStore } from "./watch-store.ts";

export interface MoveChatDeps {
  chats: Pick<ChatStore, "migrate">;
  redis: Redis;
  keys: Keys;
}

/**
 * A group became a supergroup under a new id: its subscription (settings,
 * status, cursor, schedule) and its watches move there. Both moves are
 * idempotent, so whoever hears of the upgrade first — the bot from Telegram's
 * service message, or a delivery refused with `migrate_to_chat_id` — moves
 * it, and the other finds nothing left to move.
 */
export async function moveChat(
  deps: MoveChatDeps,
  oldId: number,
  newId: number,
): Promise<Chat | undefined> {
  const moved = await deps.chats.migrate(oldId, newId);
  await createWatchStore(deps.redis, deps.keys).migrate(oldId, newId);
  return moved;
}
