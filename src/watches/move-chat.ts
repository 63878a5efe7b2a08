import type { Redis } from "ioredis";
import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import { enqueueWatch } from "../delivery/queue.ts";
import type { Keys } from "../redis/keys.ts";
import { createWatchHits } from "./watch-hits.ts";
import { createWatchStore } from "./watch-store.ts";

export interface MoveChatDeps {
  chats: Pick<ChatStore, "migrate">;
  redis: Redis;
  keys: Keys;
  clock?: () => number;
}

/**
 * Where the supergroup's watch message is enqueued when matches wait for it.
 * Left out while a job of the old id is sending (delivery): the matches then
 * wait for the supergroup's next match, so none is sent twice.
 */
export type WatchQueue = Parameters<typeof enqueueWatch>[0];

/**
 * A group became a supergroup under a new id: its subscription (settings,
 * status, cursor, schedule), its watches and their pending matches move
 * there (with `queue`, the matches' message is planned and enqueued). Each
 * move is idempotent, so whoever hears of the upgrade first — the bot from Telegram's
 * service message, or a delivery refused with `migrate_to_chat_id` — moves
 * it, and the other finds nothing left to move.
 */
export async function moveChat(
  deps: MoveChatDeps,
  oldId: number,
  newId: number,
  queue?: WatchQueue,
): Promise<Chat | undefined> {
  const moved = await deps.chats.migrate(oldId, newId);
  await createWatchStore(deps.redis, deps.keys).migrate(oldId, newId);
  const now = deps.clock?.() ?? Date.now();
  const hits = createWatchHits(deps.redis, deps.keys);
  const at = await hits.migrate(oldId, newId, now, queue !== undefined);
  if (at !== undefined && queue) await enqueueWatch(queue, newId, at, now);
  return moved;
}
