import type { Keys } from "../redis/keys.ts";
import { luaScript, type ScriptCall, scriptCall } from "../redis/lua-script.ts";
import { F } from "./chat-record.ts";

/**
 * setCursor in one step: cursor (ms) and last delivery (s) only move forward,
 * the update time is stamped when anything moved. Both only grow, so no
 * compare-and-set is needed, and neither touches the schedule. The late-news
 * mark (lateFrom, ms) is set, or dropped when ARGV[7] is empty, only by the
 * delivery composed last, so an older job finishing late cannot bring back
 * news a newer digest offered. A missing chat is left missing.
 * ARGV: cursor ms, delivered s, now s, field names c d u, lateFrom ms or '',
 * its field name e.
 */
const SET_CURSOR = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local stored = redis.call('HMGET', KEYS[1], ARGV[4], ARGV[5], ARGV[8])
local changes = {}
if tonumber(ARGV[1]) > tonumber(stored[1] or '0') then
  changes[#changes + 1] = ARGV[4]
  changes[#changes + 1] = ARGV[1]
end
local delivered, last = tonumber(ARGV[2]), tonumber(stored[2] or '-1')
if delivered > last then
  changes[#changes + 1] = ARGV[5]
  changes[#changes + 1] = ARGV[2]
end
local newest = delivered >= last
local dropLate = newest and ARGV[7] == '' and stored[3] ~= false
if newest and ARGV[7] ~= '' and ARGV[7] ~= stored[3] then
  changes[#changes + 1] = ARGV[8]
  changes[#changes + 1] = ARGV[7]
end
if #changes == 0 and not dropLate then return 0 end
if dropLate then redis.call('HDEL', KEYS[1], ARGV[8]) end
changes[#changes + 1] = ARGV[6]
changes[#changes + 1] = ARGV[3]
redis.call('HSET', KEYS[1], unpack(changes))
return 1
`);

/** The write of ChatStore.setCursor for one delivered digest, stamped at `now`. */
export function cursorWrite(
  keys: Keys,
  delivery: { id: number; cursor: number; deliveredAt: number; lateFrom?: number | undefined },
  now: number,
): ScriptCall {
  const { id, cursor, deliveredAt, lateFrom } = delivery;
  return scriptCall(
    SET_CURSOR,
    [keys.chat(id)],
    [
      String(Math.floor(cursor)),
      String(Math.max(0, Math.floor(deliveredAt / 1000))),
      String(Math.floor(now / 1000)),
      F.cursor,
      F.lastDeliveryAt,
      F.updatedAt,
      lateFrom === undefined ? "" : String(Math.floor(lateFrom)),
      F.lateFrom,
    ],
  );
}
