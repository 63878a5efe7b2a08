import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import { luaScript, type ScriptBatch, scriptCall } from "../redis/lua-script.ts";

const COUNTER_NAMES = [
  "sent",
  "retried",
  "rateLimitedSeconds",
  "blocked",
  "left",
  "migrated",
  "badMessages",
  "failed",
] as const;

/**
 * sent: messages delivered; retried: attempts that failed and will run again;
 * rateLimitedSeconds: seconds Telegram's 429s made every send wait; blocked / left:
 * chats that stopped receiving (403 / chat not found); migrated: groups moved to
 * their supergroup; badMessages: parts Telegram refused and that were skipped;
 * failed: jobs that gave up.
 */
type CounterName = (typeof COUNTER_NAMES)[number];

type DeliveryCounts = Record<CounterName, number>;

export interface DeliveryCounters {
  /**
   * Adds `by` (rounded) to a counter; given a `batch`, the increment goes out
   * with the batch's other writes, in the same atomic command (a delivered
   * part is counted together with its record, send-parts.ts).
   */
  increment(name: CounterName, by?: number, batch?: ScriptBatch): Promise<void>;
  /** Every counter, 0 for those never incremented; for /stats and metrics. */
  readCounters(): Promise<DeliveryCounts>;
}

/** HINCRBY of the field ARGV[1] by ARGV[2], as a script so that it can join a ScriptBatch. */
const INCREMENT = luaScript(`
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

/**
 * Delivery totals in one Redis hash, shared by every worker process, so /stats
 * shows the whole deployment and the numbers survive restarts. The only
 * writer of that hash.
 */
export function createDeliveryCounters(redis: Redis, keys: Keys): DeliveryCounters {
  const key = keys.deliveryCounters();
  return {
    async increment(name, by = 1, batch) {
      if (by === 0) return;
      if (batch) batch.add(scriptCall(INCREMENT, [key], [name, Math.round(by)]));
      else await redis.hincrby(key, name, Math.round(by));
    },
    async readCounters() {
      const values = await redis.hmget(key, ...COUNTER_NAMES);
      const counts = {} as DeliveryCounts;
      COUNTER_NAMES.forEach((name, i) => {
        counts[name] = Number(values[i] ?? 0);
      });
      return counts;
    },
  };
}
