import { describe, expect, it } from "vitest";
import { GuardedWrite } from "../../src/redis/guarded-write.ts";
import { useRedis } from "../support/redis.ts";

describe("GuardedWrite", () => {
  it("writes only while every expected hash holds what was read", async () => {
    const { redis, prefix } = await useRedis();
    const a = `${prefix}a`;
    const b = `${prefix}b`;
    await redis.hset(a, "x", "1");
    const write = () => {
      const tx = new GuardedWrite();
      tx.expect(a, { x: "1" });
      tx.expect(b, []);
      tx.hset(b, ["y", "2"]);
      tx.zadd(`${prefix}z`, 5, "m");
      tx.zadd(`${prefix}z`, 9, "m", true);
      return tx.run(redis);
    };
    expect(await write()).toBe(true);
    expect(await redis.hgetall(b)).toEqual({ y: "2" });
    expect(await redis.zscore(`${prefix}z`, "m")).toBe("5");

    // b now exists, so the same write no longer applies, and nothing of it runs
    await redis.del(`${prefix}z`);
    expect(await write()).toBe(false);
    expect(await redis.exists(`${prefix}z`)).toBe(0);
  });

  it("sees a changed value or an extra field as a change", async () => {
    const { redis, prefix } = await useRedis();
    const key = `${prefix}h`;
    await redis.hset(key, "x", "1", "y", "2");
    const attempt = (fields: Record<string, string>) => {
      const tx = new GuardedWrite();
      tx.expect(key, fields);
      tx.set(`${prefix}done`, "yes");
      return tx.run(redis);
    };
    expect(await attempt({ x: "1" })).toBe(false);
    expect(await attempt({ x: "1", y: "3" })).toBe(false);
    expect(await redis.exists(`${prefix}done`)).toBe(0);
    expect(await attempt({ x: "1", y: "2" })).toBe(true);
    expect(await redis.get(`${prefix}done`)).toBe("yes");
  });
});
