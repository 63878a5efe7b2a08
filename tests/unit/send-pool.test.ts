import { describe, expect, it } from "vitest";
import { createSendPool } from "../../src/delivery/send-pool.ts";

/** A task that runs until `release()` is called, noting when it started. */
function gated(started: string[], name: string) {
  let release = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    task: async () => {
      started.push(name);
      await done;
      return name;
    },
    release: () => release(),
  };
}

describe("send pool", () => {
  it("runs at most `limit` tasks at once, the others first come first served, urgent ones first", async () => {
    const pool = createSendPool(2);
    const started: string[] = [];
    const tasks = ["a", "b", "c", "d", "e"].map((name) => gated(started, name));
    const results = tasks.slice(0, 4).map((t) => pool.run(t.task));
    const urgent = pool.run((tasks[4] as (typeof tasks)[number]).task, { urgent: true });
    await Promise.resolve();
    expect(started).toEqual(["a", "b"]);
    expect(pool.running).toBe(2);

    tasks[0]?.release();
    await results[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(["a", "b", "e"]);
    for (const t of tasks) t.release();
    expect(await Promise.all([...results, urgent])).toEqual(["a", "b", "c", "d", "e"]);
    expect(started).toEqual(["a", "b", "e", "c", "d"]);
    expect(pool.running).toBe(0);
  });

  it("frees a place when a task fails", async () => {
    const pool = createSendPool(1);
    await expect(pool.run(() => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await pool.run(async () => "next")).toBe("next");
  });

  it("refuses a limit below 1", () => {
    expect(() => createSendPool(0)).toThrow("at least 1");
  });
});
