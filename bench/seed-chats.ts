import type { Redis } from "ioredis";
import type { Keys } from "../src/redis/keys.ts";

/** the chat hash's field of manager ids (chat-store.ts), comma-joined */
const MANAGERS_FIELD = "g";
const PIPELINE = 5_000;

/**
 * Subscribes `ids` as copies of the chats `templates` (already written by
 * the ChatStore): chat `ids[i]` gets the hash of `templates[i % n]` field
 * for field, its schedule entry at the same due time, and — when the
 * template has managers — as many managers of its own (new user ids), in
 * the chat's hash and in each manager's index set. That is what the store
 * writes for such a chat, without running its read-check-write for each of
 * a million chats, which would take most of an hour here.
 */
export async function copyChats(
  redis: Redis,
  keys: Keys,
  templates: number[],
  ids: number[],
): Promise<void> {
  if (ids.length === 0) return;
  if (templates.length === 0) throw new Error("copyChats needs at least one template chat");
  const read = redis.pipeline();
  for (const id of templates) {
    read.hgetall(keys.chat(id));
    read.zscore(keys.schedule(), String(id));
  }
  const replies = (await read.exec()) ?? [];
  const shapes = templates.map((id, i) => {
    const [err, hash] = replies[2 * i] ?? [];
    const [, score] = replies[2 * i + 1] ?? [];
    if (err) throw err;
    const fields = hash as Record<string, string>;
    if (Object.keys(fields).length === 0) throw new Error(`template chat ${id} is missing`);
    return { fields, due: score === null || score === undefined ? undefined : String(score) };
  });
  let nextUser = 5_100_000_000;
  for (let i = 0; i < ids.length; i += PIPELINE) {
    const write = redis.pipeline();
    for (let n = i; n < Math.min(ids.length, i + PIPELINE); n++) {
      const id = ids[n] as number;
      const shape = shapes[n % shapes.length] as (typeof shapes)[number];
      const fields = { ...shape.fields };
      const managers = fields[MANAGERS_FIELD];
      if (managers) {
        const own = managers.split(",").map(() => nextUser++);
        fields[MANAGERS_FIELD] = own.join(",");
        for (const user of own) write.sadd(keys.chatsManagedBy(user), String(id));
      }
      write.hset(keys.chat(id), fields);
      if (shape.due !== undefined) write.zadd(keys.schedule(), shape.due, String(id));
    }
    await write.exec();
  }
}
