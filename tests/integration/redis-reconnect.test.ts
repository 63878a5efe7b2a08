import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  closeRedis,
  connectRedis,
  createRedis,
  storeConnectionOptions,
} from "../../src/redis/connection.ts";
import { isRedisConnectionError } from "../../src/redis/connection-errors.ts";
import {
  answersPing,
  type EmbeddedRedis,
  freePort,
  startEmbeddedRedis,
} from "../../src/redis/embedded.ts";
import { createRedisHealth } from "../../src/redis/health.ts";
import { waitFor } from "../support/wait-for.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fd-reconnect-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function collectingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
  return { logger, lines, count: (msg: string) => lines.filter((l) => l.includes(msg)).length };
}

describe("Redis going away and coming back", () => {
  it("BullMQ workers pause and resume, store commands fail fast meanwhile, one log line per change", async () => {
    const dir = tempDir();
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let server: EmbeddedRedis | undefined = await startEmbeddedRedis({ dataDir: dir, port });
    cleanups.push(() => server?.stop());

    const { logger, lines, count } = collectingLogger();
    const health = createRedisHealth({ logger, address: url });
    const stores = createRedis(url, { ...storeConnectionOptions, health });
    const connection = createRedis(url, { health });
    cleanups.push(() => Promise.all([closeRedis(stores), closeRedis(connection)]));
    await connectRedis(stores, url, 5_000);
    await connectRedis(connection, url, 5_000);

    const done: string[] = [];
    const queue = new Queue("reconnect", { connection, prefix: "t-reconnect" });
    queue.on("error", health.onError("queue error"));
    const worker = new Worker(
      "reconnect",
      async (job) => {
        done.push(job.name);
      },
      { connection, prefix: "t-reconnect" },
    );
    worker.on("error", health.onError("worker error"));
    cleanups.push(async () => {
      await worker.close(true);
      await queue.close();
    });

    await queue.add("before", {});
    await waitFor(() => done.includes("before"), { message: "the first job" });
    await waitFor(() => health.isUp(), { message: "health up" });

    await server.stop();
    server = undefined;
    await waitFor(() => !health.isUp(), { message: "health down" });
    const failed = await stores.get("anything").catch((err: unknown) => err);
    expect(isRedisConnectionError(failed)).toBe(true);

    server = await startEmbeddedRedis({ dataDir: dir, port });
    await waitFor(() => health.isUp(), { timeoutMs: 30_000, message: "health back" });
    await queue.add("after", {});
    await waitFor(() => done.includes("after"), { timeoutMs: 30_000, message: "a job after" });
    expect(await stores.set("k", "v")).toBe("OK");

    expect(count("redis connection lost")).toBe(1);
    expect(count("redis connection back")).toBe(1);
    expect(lines.filter((l) => l.includes('"level":50'))).toEqual([]);
  });

  it("restarts a supervised redis-server that was killed, on the same socket and data", async () => {
    const dir = tempDir();
    const { logger, count } = collectingLogger();
    const server = await startEmbeddedRedis({ dataDir: dir, logger });
    cleanups.push(() => server.stop());
    const client = createRedis(server.url);
    cleanups.push(() => closeRedis(client));
    await connectRedis(client, server.url, 5_000);
    await client.set("kept", "yes");
    await client.call("BGREWRITEAOF");
    await waitFor(async () =>
      (await client.info("persistence")).includes("aof_rewrite_in_progress:0"),
    );

    const first = server.pid;
    process.kill(first, "SIGKILL");
    await waitFor(() => server.pid !== first, { timeoutMs: 30_000, message: "a new server" });
    const path = server.url.slice("unix://".length);
    await waitFor(() => answersPing({ path }), { timeoutMs: 30_000 });
    await waitFor(() => client.status === "ready", { timeoutMs: 30_000 });
    expect(await client.get("kept")).toBe("yes");
    expect(count("exited unexpectedly")).toBe(1);
    expect(count("embedded redis-server restarted")).toBe(1);

    await server.stop();
    expect(await answersPing({ path })).toBe(false);
    expect(count("exited unexpectedly")).toBe(1);
  });
});
