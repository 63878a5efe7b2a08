import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import { createLease } from "../../src/redis/lease.ts";
import { useRedis } from "../support/redis.ts";
import { waitFor } from "../support/wait-for.ts";

const logger = pino({ level: "silent" });

describe("a Redis lease", () => {
  it("runs the work in one holder, hands it over on release, and stops it when the lease is taken away", async () => {
    const { redis, keys } = await useRedis();
    const running = new Set<string>();
    const make = (name: string) => {
      const lease = createLease({
        redis,
        key: keys.lease("test"),
        name: "test",
        ttlMs: 300,
        logger,
        onAcquired: async () => void running.add(name),
        onLost: async () => void running.delete(name),
      });
      onTestFinished(() => lease.stop());
      return lease;
    };
    const a = make("a");
    const b = make("b");
    await a.start();
    await b.start();
    expect([...running]).toEqual(["a"]);
    expect(a.held() && !b.held()).toBe(true);
    // renewals keep it: the key outlives its first ttl while a holds it
    await waitFor(async () => (await redis.pttl(keys.lease("test"))) > 0 && a.held());

    await a.stop();
    expect(running.has("a")).toBe(false);
    await waitFor(() => b.held(), { timeoutMs: 2000, message: "b to take the released lease" });
    expect([...running]).toEqual(["b"]);

    await redis.set(keys.lease("test"), "someone-else", "PX", 60_000);
    await waitFor(() => !b.held(), { timeoutMs: 2000, message: "b to notice it lost the lease" });
    expect(running.size).toBe(0);
  });

  it("rethrows a failure of the first start and hands the lease back", async () => {
    const { redis, keys } = await useRedis();
    const lease = createLease({
      redis,
      key: keys.lease("broken"),
      name: "broken",
      ttlMs: 1000,
      logger,
      onAcquired: async () => {
        throw new Error("content/ is broken");
      },
      onLost: async () => undefined,
    });
    await expect(lease.start()).rejects.toThrow("content/ is broken");
    expect(await redis.exists(keys.lease("broken"))).toBe(0);
    await lease.stop();
  });
});
