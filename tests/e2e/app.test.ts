import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startApp } from "../support/app-process.ts";
import { createFakeTelegram, type FakeTelegram, faults } from "../support/fake-telegram.ts";
import { waitFor } from "../support/wait-for.ts";

const EXAMPLE_URL =
  "https://euromaidanpress.com/2024/12/17/zelenskyy-russians-burn-faces-of-killed-north-korean-soldiers-to-conceal-losses";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{
  fake: FakeTelegram;
  dataDir: string;
  env: Record<string, string>;
}> {
  const fake = await createFakeTelegram();
  const dataDir = mkdtempSync(join(tmpdir(), "fd-e2e-"));
  cleanups.push(() => fake.close());
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
  };
  return { fake, dataDir, env };
}

describe("the app as a process (npm start)", () => {
  it("starts its own Redis, imports content/, answers /start, /help and /latest, and stops cleanly", async () => {
    const { fake, dataDir, env } = await setup();
    const app = startApp(env);
    cleanups.push(async () => void (await app.stop()));

    await waitFor(() => fake.callsOf("getUpdates").length > 0, {
      timeoutMs: 30_000,
      message: "the app never polled",
    });
    expect(fake.commands.map((c) => c.language_code ?? "")).toEqual(
      expect.arrayContaining(["", "uk"]),
    );

    const reader = fake.addUser({ language_code: "en" });
    fake.sendText(reader.id, reader, "/start");
    expect((await fake.waitForMessage(reader.id)).text).toContain("Frontline Digest");

    let seen = fake.sent(reader.id).length;
    fake.sendText(reader.id, reader, "/help");
    expect((await fake.waitForMessage(reader.id, () => true, { sinceIndex: seen })).text).toContain(
      "/latest",
    );

    seen = fake.sent(reader.id).length;
    fake.sendText(reader.id, reader, "/latest 10");
    await waitFor(() =>
      fake
        .sent(reader.id)
        .slice(seen)
        .some((m) =>
          m.entities.some((e) => e.type === "text_link" && e.url.startsWith(EXAMPLE_URL)),
        ),
    );

    const member = fake.addUser();
    const group = fake.addChat({ type: "supergroup", title: "Readers", members: [member] });
    fake.sendText(group, member, `/latest@${fake.bot.username} 2`);
    expect((await fake.waitForMessage(group.id)).text.length).toBeGreaterThan(0);
    fake.sendText(group, member, `/help@${fake.bot.username}`);
    await fake.waitForMessage(group.id, (m) => m.text.includes("/sources"));

    const redisPid = Number(readFileSync(join(dataDir, "redis", "redis.pid"), "utf8"));
    expect(isAlive(redisPid)).toBe(true);
    const code = await app.stop();
    expect(code).toBe(0);
    await waitFor(() => !isAlive(redisPid), { timeoutMs: 5_000 });
    expect(existsSync(join(dataDir, "redis", "appendonlydir"))).toBe(true);
  });

  it("a second start reuses the data it kept", async () => {
    const { fake, env } = await setup();
    const first = startApp(env);
    await waitFor(() => fake.callsOf("getUpdates").length > 0, { timeoutMs: 30_000 });
    expect(await first.stop()).toBe(0);

    const second = startApp({ ...env, CONTENT_IMPORT: "false" });
    cleanups.push(async () => void (await second.stop()));
    await waitFor(() => fake.callsOf("getUpdates").length > 1, { timeoutMs: 30_000 });
    const reader = fake.addUser();
    fake.sendText(reader.id, reader, "/latest 10");
    const reply = await fake.waitForMessage(reader.id);
    expect(reply.text).toContain("North Korean");
  });

  it("keeps running when Telegram refuses setMyCommands", async () => {
    const { fake, env } = await setup();
    fake.failAll(faults.refuse("Bad Request: BOT_COMMAND_INVALID"), { methods: ["setMyCommands"] });
    const app = startApp(env);
    cleanups.push(async () => void (await app.stop()));
    await waitFor(() => fake.callsOf("getUpdates").length > 0, { timeoutMs: 30_000 });
    const reader = fake.addUser();
    fake.sendText(reader.id, reader, "/help");
    await fake.waitForMessage(reader.id);
    // the log line reaches us through the child's stdout, maybe after the reply
    await waitFor(() => app.output().includes("Telegram refused setMyCommands"), {
      message: "the refusal in the app's log",
    });
  });

  it("without BOT_TOKEN prints one line about @BotFather and exits 1", async () => {
    const { env } = await setup();
    const app = startApp({ ...env, BOT_TOKEN: "" });
    expect(await app.exited).toBe(1);
    const lines = app.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("@BotFather");
    expect(app.output()).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it("without REDIS_URL or redis-server says in one line how to get Redis", async () => {
    const { env, dataDir } = await setup();
    const bin = join(dataDir, "bin");
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    const app = startApp({ ...env, PATH: bin });
    expect(await app.exited).toBe(1);
    const lines = app.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("apt-get install redis-server");
    expect(lines[0]).toContain("docker compose up");
  });

  it("reports every bad setting at once, each with what is allowed", async () => {
    const { env } = await setup();
    const app = startApp({ ...env, LOG_LEVEL: "loud", DEFAULT_TIMEZONE: "Mars/Phobos" });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain("LOG_LEVEL");
    expect(app.output()).toContain("DEFAULT_TIMEZONE");
  });
});
