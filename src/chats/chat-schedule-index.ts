import type { Redis } from "ioredis";
import type { GuardedWrite } from "../redis/guarded-write.ts";
import type { Keys } from "../redis/keys.ts";
import { luaScript, runScript } from "../redis/lua-script.ts";
import type { Chat, ChatSchedule, ChatSettings } from "./chat.ts";
import type { ScheduleChange } from "./chat-changes.ts";
import { decodeSchedule, SCHEDULE_FIELDS } from "./chat-record.ts";
import { nextDueAt } from "./next-due.ts";

/**
 * HMGET of the four fields ARGV from every key, as one flat list: one command
 * for thousands of chats, where a pipeline of HMGETs costs a command each
 * on both sides.
 */
const HMGET_MANY = luaScript(`
local out = {}
for i = 1, #KEYS do
  local values = redis.call('HMGET', KEYS[i], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
  for j = 1, 4 do out[#out + 1] = values[j] end
end
return out
`);

/** What scheduling needs of many chats, in the order of `ids` (ChatStore.getSchedules). */
export async function readSchedules(
  redis: Redis,
  keys: Keys,
  ids: number[],
  builtIn: ChatSettings,
): Promise<(ChatSchedule | undefined)[]> {
  if (ids.length === 0) return [];
  const values = (await runScript(
    redis,
    HMGET_MANY,
    ids.map((id) => keys.chat(id)),
    [...SCHEDULE_FIELDS],
  )) as (string | null)[];
  const width = SCHEDULE_FIELDS.length;
  return ids.map((id, i) => decodeSchedule(id, values.slice(i * width, (i + 1) * width), builtIn));
}

/** Queues the chat's move in the `schedule` zset (chat id -> next due ms). */
export function writeSchedule(
  tx: GuardedWrite,
  keys: Keys,
  chat: Chat,
  change: ScheduleChange,
  now: number,
): void {
  const member = String(chat.id);
  if (change === "remove") tx.zrem(keys.schedule(), member);
  if (change === "add") tx.zadd(keys.schedule(), nextDueAt(chat, now), member);
  if (change === "ensure") tx.zadd(keys.schedule(), nextDueAt(chat, now), member, true);
}
