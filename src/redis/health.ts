import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { isRedisConnectionError } from "./connection-errors.ts";

/**
 * Whether Redis answers, as the process's connections see it. Written for
 * this bot rather than taken from a library: it only listens to the events
 * ioredis already emits and turns them into one log line per change.
 */
export interface RedisHealth {
  /** True while every watched connection is ready. */
  isUp(): boolean;
  /**
   * Follows `client`: its `error` events are heard here (never raw on
   * stderr) and its state counts towards isUp(). A client that ends (quit,
   * disconnect) is forgotten. Returns the client.
   */
  watch(client: Redis): Redis;
  /**
   * Listener for a BullMQ Worker's or Queue's `error` event: connection
   * errors are this monitor's to report, anything else is logged as `what`.
   */
  onError(what: string): (err: Error) => void;
}

/**
 * Watches the process's Redis connections and logs "redis connection lost"
 * (warn) when the first of them drops after all were up, and "redis
 * connection back" (info) once all are ready again: one line per state
 * change however many connections and reconnect attempts there are.
 * `address` names the server in those lines (password masked).
 */
export function createRedisHealth(options: { logger: Logger; address: string }): RedisHealth {
  const { logger, address } = options;
  const clients = new Set<Redis>();
  let up = false;
  let downSince = 0;
  let lastError: string | undefined;
  let pending = false;

  const allReady = () =>
    clients.size > 0 && [...clients].every((client) => client.status === "ready");

  // Decided a tick after the event, when a closing client's status says
  // whether it is reconnecting (an outage) or ending (a quit at shutdown).
  function update(): void {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      for (const client of clients) if (client.status === "end") clients.delete(client);
      const now = allReady();
      if (now === up || clients.size === 0) return;
      up = now;
      if (!up) {
        downSince = Date.now();
        logger.warn({ redis: address, reason: lastError }, "redis connection lost");
      } else if (downSince > 0) {
        logger.info({ redis: address, downMs: Date.now() - downSince }, "redis connection back");
        lastError = undefined;
      }
    });
  }

  return {
    isUp: () => up && allReady(),
    watch(client) {
      clients.add(client);
      client.on("ready", update);
      client.on("close", update);
      client.on("end", update);
      client.on("error", (err: Error) => {
        lastError = err.message;
        if (!isRedisConnectionError(err)) logger.error({ err, redis: address }, "redis error");
        update();
      });
      if (client.status === "ready") update();
      return client;
    },
    onError(what) {
      return (err) => {
        if (isRedisConnectionError(err)) lastError = err.message;
        else logger.error({ err }, what);
      };
    },
  };
}
