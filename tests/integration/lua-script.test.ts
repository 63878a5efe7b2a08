import { describe, expect, it } from "vitest";
import {
  luaScript,
  runCall,
  runTogether,
  runWrite,
  ScriptBatch,
  scriptCall,
} from "../../src/redis/lua-script.ts";
import { useRedis } from "../support/redis.ts";

/** Reports what the script was given: its key and argument counts, first key and argument. */
const ECHO = luaScript("return {#KEYS, #ARGV, KEYS[1] or false, ARGV[1] or false}");
const SET = luaScript("redis.call('SET', KEYS[1], ARGV[1])");
const GET = luaScript("return redis.call('GET', KEYS[1])");
const COUNT_ARGS = luaScript(
  "local n = 0 for i = 1, #ARGV do n = n + tonumber(ARGV[i]) end return n",
);

describe("runTogether", () => {
  it("gives each script only its own keys and arguments, and each call its own reply", async () => {
    const { redis, prefix } = await useRedis();
    const [first, second, third] = await runTogether(redis, [
      scriptCall(ECHO, [`${prefix}a`, `${prefix}b`], ["x"], (reply) => reply),
      scriptCall(ECHO, [], [], (reply) => reply),
      scriptCall(COUNT_ARGS, [`${prefix}c`], [1, 2, 3], Number),
    ]);
    expect(first).toEqual([2, 1, `${prefix}a`, "x"]);
    expect(second).toEqual([0, 0, null, null]);
    expect(third).toBe(6);
  });

  it("runs the scripts in order, so one sees what an earlier one wrote", async () => {
    const { redis, prefix } = await useRedis();
    const key = `${prefix}k`;
    const [, seen] = await runTogether(redis, [
      scriptCall(SET, [key], ["written"]),
      scriptCall(GET, [key], [], (reply) => reply),
    ]);
    expect(seen).toBe("written");
    expect(await redis.get(key)).toBe("written");
  });

  it("keeps the replies after a script that returns nothing", async () => {
    const { redis, prefix } = await useRedis();
    const replies = await runTogether(redis, [
      scriptCall(SET, [`${prefix}k`], ["1"], (reply) => reply),
      scriptCall(ECHO, [`${prefix}k`], ["after"], (reply) => reply),
    ]);
    expect(replies).toEqual([null, [1, 1, `${prefix}k`, "after"]]);
  });

  it("runs one call as that script alone, as runCall does", async () => {
    const { redis, prefix } = await useRedis();
    const call = scriptCall(COUNT_ARGS, [`${prefix}c`], [4, 5], Number);
    expect(await runTogether(redis, [call])).toEqual([9]);
    expect(await runCall(redis, call)).toBe(9);
  });

  it("stops at a script's error, as separate commands would, keeping what ran before it", async () => {
    const { redis, prefix } = await useRedis();
    const key = `${prefix}k`;
    await redis.rpush(`${prefix}list`, "x");
    const wrongType = scriptCall(GET, [`${prefix}list`], []);
    await expect(runTogether(redis, [scriptCall(SET, [key], ["kept"]), wrongType])).rejects.toThrow(
      /WRONGTYPE/,
    );
    expect(await redis.get(key)).toBe("kept");
  });
});

describe("ScriptBatch", () => {
  it("holds writes given to runWrite until run, then sends them in order", async () => {
    const { redis, prefix } = await useRedis();
    const key = `${prefix}k`;
    const batch = new ScriptBatch();
    await runWrite(redis, scriptCall(SET, [key], ["first"]), batch);
    await runWrite(redis, scriptCall(SET, [key], ["second"]), batch);
    expect(batch.size).toBe(2);
    expect(await redis.exists(key)).toBe(0);
    await batch.run(redis);
    expect(await redis.get(key)).toBe("second");
    expect(batch.size).toBe(0);
  });

  it("runs a write at once without a batch", async () => {
    const { redis, prefix } = await useRedis();
    const key = `${prefix}k`;
    await runWrite(redis, scriptCall(SET, [key], ["now"]));
    expect(await redis.get(key)).toBe("now");
  });
});
