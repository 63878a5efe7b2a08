import { Redis, type RedisOptions } from "ioredis";
import { StartupError } from "../errors.ts";
import { describeRedisUrl } from "./address.ts";
import type { RedisHealth } from "./health.ts";

/** Wait before reconnect attempt `attempt` (1, 2, ...): 100 ms doubling up to 5 s. */
function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 5_000);
}

export interface CreateRedisOptions extends RedisOptions {
  /** reports the connection's state and hears its errors (health.ts) */
  health?: RedisHealth;
}

/**
 * Opens an ioredis connection from a redis://, rediss:// or unix:///path URL.
 * It reconnects for ever with backoff (reconnectDelay). By default
 * `maxRetriesPerRequest: null`, as BullMQ's connections must have: their
 * commands wait through a Redis restart. The stores' connection fails fast
 * instead (storeConnectionOptions). Every connection has an `error` listener
 * (the health monitor's when given), so no ioredis error reaches stderr raw.
 */
export function createRedis(url: string, options: CreateRedisOptions = {}): Redis {
  const { health, ...rest } = options;
  const base: RedisOptions = {
    maxRetriesPerRequest: null,
    lazyConnect: false,
    retryStrategy: reconnectDelay,
    ...rest,
  };
  const client = url.startsWith("unix://")
    ? new Redis({ ...base, path: url.slice("unix://".length) })
    : new Redis(url, base);
  if (health) health.watch(client);
  // Without a monitor the caller learns of failures from its commands.
  else client.on("error", () => undefined);
  return client;
}

/**
 * The stores' connection (bot handlers, scheduler, rate gate): while Redis is
 * unreachable a command fails at once (no offline queue) and a command in
 * flight when the link drops fails at the first reconnect attempt, instead
 * of waiting for Redis to come back. A user then gets "try again" at once,
 * and no write of unknown outcome is replayed later.
 */
export const storeConnectionOptions: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
};

/**
 * Waits until `client` is ready, at most `timeoutMs`. Throws a StartupError
 * naming the server (password masked), the last error and what to check;
 * the client is disconnected then, so nothing keeps retrying.
 */
export async function connectRedis(client: Redis, url: string, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return;
  let lastError: Error | undefined;
  const onError = (err: Error) => {
    lastError = err;
  };
  client.on("error", onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    const ready = await new Promise<boolean>((done) => {
      timer = setTimeout(() => done(false), timeoutMs);
      client.once("ready", () => done(true));
      client.once("end", () => done(false));
    });
    if (ready) return;
  } finally {
    clearTimeout(timer);
    client.off("error", onError);
  }
  client.disconnect();
  const why = lastError ? ` (${lastError.message})` : "";
  throw new StartupError(
    `Cannot reach Redis at ${describeRedisUrl(url)} within ${timeoutMs} ms${why}: check that Redis is running and that REDIS_URL names it (host, port, password).`,
  );
}

/** Closes a connection: QUIT when Redis answers (bounded by `timeoutMs`), else drops it at once. */
export async function closeRedis(client: Redis, timeoutMs = 2_000): Promise<void> {
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((done) => {
    timer = setTimeout(done, timeoutMs);
  });
  await Promise.race([client.quit().catch(() => undefined), late]);
  clearTimeout(timer);
  if ((client.status as string) !== "end") client.disconnect();
}
