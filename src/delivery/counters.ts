import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";

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
export type CounterName = (typeof COUNTER_NAMES)[number];

type DeliveryCounts = Record<CounterName, number>;

export interface DeliveryCounters {
  increment(name: CounterName, by?: number): Promise<void>;
  /** Every counter, 0 for those never incremented; for /stats and metrics. */
  readCounters(): Promise<DeliveryCounts>;
}

/**
 * Delivery totals in one Redis hash, shared by every worker process, so /stats
 * shows the whole deployment and the numbers survive restarts.
 */
export function createDeliveryCounters(redis: Redis, keys: Keys): DeliveryCounters {
  const key = keys.deliveryCounters();
  return {
    async increment(name, by = 1) {
      if (by !== 0) await redis.hincrby(key, name, Math.round(by));
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
