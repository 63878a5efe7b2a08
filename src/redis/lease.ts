import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { luaScript, runScript } from "./lua-script.ts";

/** Extends the lease only while `ARGV[1]` still holds it. */
const RENEW = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);
/** Deletes the lease only while `ARGV[1]` still holds it. */
const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

export interface LeaseOptions {
  redis: Redis;
  /** the lease's key (keys.ts) */
  key: string;
  /** what the lease guards, for the log: "feeds", "scheduler" */
  name: string;
  /** how long the lease lasts unless renewed; renewed and retried every third of it */
  ttlMs: number;
  logger: Logger;
  /** Starts the guarded work; called when this process takes the lease. */
  onAcquired(): Promise<void>;
  /** Stops the guarded work; called when the lease is lost or released. */
  onLost(): Promise<void>;
}

export interface Lease {
  /** Tries once to take the lease (starting the work if taken), then keeps trying and renewing. */
  start(): Promise<void>;
  /** Stops the work if held, releases the lease so another process takes it at once. */
  stop(): Promise<void>;
  /** True while this process holds the lease. */
  held(): boolean;
}

/**
 * A Redis lease: work that must run in exactly one process of a deployment
 * (feed polling, the scheduler's tick) runs only in the process whose id is in
 * `key`. SET NX PX takes it; its holder renews it every ttl/3; it is deleted
 * on stop; when the holder dies it lapses after ttl and a waiting process,
 * trying every ttl/3, takes it over. Written here because it is a dozen lines
 * over ioredis; lock libraries (redlock) add multi-server quorum we do not need.
 */
export function createLease(options: LeaseOptions): Lease {
  const { redis, key, name, ttlMs, logger } = options;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const log = logger.child({ lease: name });
  let holding = false;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let turn: Promise<void> = Promise.resolve();
  let failing = false;
  /** when the holder last renewed; past ttl without a renewal, another process may hold it */
  let renewedAt = 0;

  /** Starts the work after taking the lease; on failure hands the lease back. */
  async function acquired(rethrow: boolean): Promise<void> {
    try {
      await options.onAcquired();
    } catch (err) {
      holding = false;
      await options.onLost().catch(() => undefined);
      await runScript(redis, RELEASE, [key], [owner]).catch(() => undefined);
      if (rethrow) throw err;
      log.error({ err }, `could not start the ${name} work; handed the lease back`);
    }
  }

  async function lose(): Promise<void> {
    holding = false;
    log.warn(`lost the ${name} lease; stopping its work`);
    await options.onLost().catch((err) => log.error({ err }, `could not stop the ${name} work`));
  }

  async function attempt(rethrow = false): Promise<void> {
    let taken: string | null;
    try {
      if (holding) {
        const started = Date.now();
        const renewed = await runScript(redis, RENEW, [key], [owner, ttlMs]);
        failing = false;
        if (renewed === 1) {
          renewedAt = started;
          return;
        }
        await lose();
        return;
      }
      taken = await redis.set(key, owner, "PX", ttlMs, "NX");
      failing = false;
    } catch (err) {
      if (!failing) log.error({ err }, `${name} lease: Redis did not answer; trying again`);
      failing = true;
      if (holding && Date.now() - renewedAt >= ttlMs) await lose();
      return;
    }
    if (taken !== "OK") return;
    holding = true;
    renewedAt = Date.now();
    log.info(`took the ${name} lease`);
    await acquired(rethrow);
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(
      () => {
        turn = turn.then(() => attempt()).finally(schedule);
      },
      Math.max(100, Math.floor(ttlMs / 3)),
    );
  }

  return {
    async start() {
      if (running) return;
      running = true;
      turn = attempt(true);
      await turn.catch((err) => {
        running = false;
        throw err;
      });
      schedule();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await turn.catch(() => undefined);
      if (!holding) return;
      holding = false;
      await options.onLost();
      await runScript(redis, RELEASE, [key], [owner]).catch((err) =>
        log.warn({ err }, `could not release the ${name} lease; it lapses by itself`),
      );
      log.info(`released the ${name} lease`);
    },
    held: () => holding,
  };
}
