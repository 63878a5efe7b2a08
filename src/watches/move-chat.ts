import type { Redis } from "ioredis";
import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import { enqueueWatch, type WatchQueue } from "../delivery/queue.ts";
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
 * A group became a supergroup under a new id: its subscription (settings,
 * status, cursor, schedule), its watches and their pending matches move
 * there (with `queue`, the matches' message is planned and enqueued; a
 * delivery leaves it out, its own job being the old id's, and the matches
 * wait for the supergroup's next match, so none is sent twice). Each move
 * is idempotent, so whoever hears of the upgrade first — the bot from
 * Telegram's service message, or a delivery refused with
 * `migrate_to_chat_id` — moves it, and the other finds nothing left to move.
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
