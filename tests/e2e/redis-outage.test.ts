import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type EmbeddedRedis, freePort, startEmbeddedRedis } from "../../src/redis/embedded.ts";
import { type AppProcess, startApp } from "../support/app-process.ts";
import { createFakeTelegram, type FakeTelegram } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";

const UNAVAILABLE = "temporarily unavailable";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fd-redis-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function setup(): Promise<{ fake: FakeTelegram; env: Record<string, string> }> {
  const fake = await createFakeTelegram();
  cleanups.push(() => fake.close());
  const env = {
    BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATA_DIR: tempDir(),
    LOG_LEVEL: "info",
  };
  return { fake, env };
}

function run(env: Record<string, string>): AppProcess {
  const app = startApp(env);
  cleanups.push(async () => void (await app.stop()));
  return app;
}

const count = (text: string, part: string) => text.split(part).length - 1;

/** The reader asks /latest and gets the example article: the data outlived the outage. */
async function latestStillThere(fake: FakeTelegram): Promise<void> {
  const reader = fake.addUser();
  fake.sendText(reader.id, reader, "/latest 10");
  const reply = await fake.waitForMessage(reader.id, () => true, { timeoutMs: 60_000 });
  expect(reply.text).toContain("North Korean");
}

describe("the app when Redis fails", () => {
  it("at start, with Redis unreachable, prints one line naming Redis (password masked) and exits 1", async () => {
    const { env } = await setup();
    const port = await freePort();
    const app = run({
      ...env,
      REDIS_URL: `redis://:s3cret@127.0.0.1:${port}`,
      REDIS_CONNECT_TIMEOUT_MS: "300",
    });
    expect(await app.exited).toBe(1);
    const lines = app.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("Redis");
    expect(lines[0]).toContain(`redis://:***@127.0.0.1:${port}`);
    expect(app.output()).not.toContain("s3cret");
    expect(app.output()).not.toContain("Unhandled error event");
  });

  it("restarts its embedded redis-server when it dies, and answers again with the data kept", async () => {
    const { fake, env } = await setup();
    const app = run(env);
    await waitFor(() => fake.callsOf("getUpdates").length > 0, { timeoutMs: 30_000 });
    const reader = fake.addUser();
    fake.sendText(reader.id, reader, "/start");
    await fake.waitForMessage(reader.id);

    const pidFile = join(env.DATA_DIR as string, "redis", "redis.pid");
    const pid = Number(readFileSync(pidFile, "utf8"));
    process.kill(pid, "SIGKILL");
    await app.waitForOutput("redis connection lost", 30_000);
    await app.waitForOutput("embedded redis-server restarted", 60_000);
    await app.waitForOutput("redis connection back", 60_000);

    const seen = fake.sent(reader.id).length;
    fake.sendText(reader.id, reader, "/start");
    const again = await fake.waitForMessage(reader.id, () => true, {
      sinceIndex: seen,
      timeoutMs: 60_000,
    });
    expect(again.text).toContain("Frontline Digest");
    await latestStillThere(fake);
    expect(Number(readFileSync(pidFile, "utf8"))).not.toBe(pid);

    expect(await app.stop()).toBe(0);
    const out = app.output();
    expect(count(out, "redis connection lost")).toBe(1);
    expect(count(out, "redis connection back")).toBe(1);
    expect(count(out, "exited unexpectedly")).toBe(1);
    expect(out).not.toContain("Unhandled error event");
    // A job cut off by the crash may fail on its own (its lock was in the lost second of the
    // AOF); the outage itself is no error line.
    const errors = out.split("\n").filter((l) => l.includes('"level":50'));
    expect(
      errors.filter((l) => /ECONNREFUSED|ENOENT|Connection is closed|Stream isn't/.test(l)),
    ).toEqual([]);
    expect(out).toContain("SIGINT received");
  }, 120_000);

  it("with REDIS_URL: while Redis is down says 'try again', and answers again once it is back", async () => {
    const { fake, env } = await setup();
    const redisDir = tempDir();
    const port = await freePort();
    let server: EmbeddedRedis | undefined = await startEmbeddedRedis({ dataDir: redisDir, port });
    cleanups.push(() => server?.stop());
    const app = run({ ...env, REDIS_URL: `redis://127.0.0.1:${port}` });
    await waitFor(() => fake.callsOf("getUpdates").length > 0, { timeoutMs: 30_000 });
    const reader = fake.addUser({ language_code: "en" });
    fake.sendText(reader.id, reader, "/start");
    const welcome = await fake.waitForMessage(reader.id);
    const keyboard = (welcome.reply_markup as { inline_keyboard: { callback_data?: string }[][] })
      .inline_keyboard;
    const data = keyboard.flat().find((b) => b.callback_data)?.callback_data as string;

    await server.stop();
    server = undefined;
    await app.waitForOutput("redis connection lost", 30_000);

    let seen = fake.sent(reader.id).length;
    fake.sendText(reader.id, reader, "/start");
    const sorry = await fake.waitForMessage(reader.id, () => true, { sinceIndex: seen });
    expect(sorry.text).toContain(UNAVAILABLE);

    const ukReader = fake.addUser({ language_code: "uk" });
    fake.sendText(ukReader.id, ukReader, "/latest");
    expect((await fake.waitForMessage(ukReader.id)).text).toContain("тимчасово недоступний");

    const member = fake.addUser();
    const group = fake.addChat({ type: "supergroup", title: "Readers", members: [member] });
    fake.sendText(group, member, `/latest@${fake.bot.username}`);
    expect((await fake.waitForMessage(group.id)).text).toContain(UNAVAILABLE);

    fake.pressButton(welcome, reader, data);
    await waitFor(() => fake.callbackAnswers.find((a) => a.text?.includes(UNAVAILABLE)), {
      message: "the press answered with 'temporarily unavailable'",
    });

    server = await startEmbeddedRedis({ dataDir: redisDir, port });
    await app.waitForOutput("redis connection back", 60_000);
    seen = fake.sent(reader.id).length;
    fake.sendText(reader.id, reader, "/start");
    const back = await fake.waitForMessage(reader.id, () => true, {
      sinceIndex: seen,
      timeoutMs: 60_000,
    });
    expect(back.text).toContain("Frontline Digest");
    await latestStillThere(fake);

    expect(await app.stop()).toBe(0);
    const out = app.output();
    expect(count(out, "redis connection lost")).toBe(1);
    expect(count(out, "redis connection back")).toBe(1);
    expect(out).not.toContain("Unhandled error event");
  }, 120_000);

  it("stops on Ctrl-C while Redis is down, saying so", async () => {
    const { fake, env } = await setup();
    const port = await freePort();
    const server = await startEmbeddedRedis({ dataDir: tempDir(), port });
    cleanups.push(() => server.stop());
    const app = run({ ...env, REDIS_URL: `redis://127.0.0.1:${port}` });
    await waitFor(() => fake.callsOf("getUpdates").length > 0, { timeoutMs: 30_000 });
    await server.stop();
    await app.waitForOutput("redis connection lost", 30_000);
    const code = await app.stop(30_000);
    expect(code).toBe(0);
    expect(app.output()).toContain('"msg":"stopped"');
    expect(app.output()).not.toContain("Unhandled error event");
  }, 60_000);
});
