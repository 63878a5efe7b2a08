import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startApp } from "../support/app-process.ts";
import { postToWebhook } from "../support/fake-telegram/webhook-delivery.ts";
import { createFakeTelegram, faults } from "../support/fake-telegram.ts";
import { freePort } from "../support/http-port.ts";
import { waitFor } from "../support/wait-for.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The value of one sample of the Prometheus text, 0 when absent. */
function sample(metrics: string, name: string): number {
  const line = metrics.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

describe("webhook mode (npm start with WEBHOOK_URL)", () => {
  it("sets the webhook, checks the secret, drops repeats, serves health and metrics, and stops on SIGTERM", {
    timeout: 60_000,
  }, async () => {
    const fake = await createFakeTelegram();
    const dataDir = mkdtempSync(join(tmpdir(), "fd-webhook-"));
    cleanups.push(
      () => fake.close(),
      () => rmSync(dataDir, { recursive: true, force: true }),
    );
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const secret = "s3cret_Token-for-tests";
    const app = startApp({
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATA_DIR: dataDir,
      CONTENT_IMPORT: "false",
      FEEDS_ENABLED: "false",
      HTTP_PORT: String(port),
      WEBHOOK_URL: "https://bot.example.org/telegram/updates",
      WEBHOOK_SECRET: secret,
    });
    cleanups.push(() => app.stop());

    await waitFor(
      async () => (await fetch(`${origin}/readyz`).catch(() => undefined))?.status === 200,
      {
        timeoutMs: 30_000,
        message: "/readyz to answer 200",
      },
    );
    expect(fake.webhook).toMatchObject({
      url: "https://bot.example.org/telegram/updates",
      secret_token: secret,
    });
    expect(fake.webhook?.allowed_updates).toEqual(
      expect.arrayContaining(["message", "callback_query", "my_chat_member"]),
    );
    expect(fake.callsOf("getUpdates")).toHaveLength(0);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/nowhere`)).status).toBe(404);

    const reader = fake.addUser({ language_code: "en" });
    const wrong = await postToWebhook(
      fake,
      origin,
      fake.sendText(reader.id, reader, "/start"),
      "x",
    );
    expect(wrong.status).toBe(401);
    const missing = await postToWebhook(
      fake,
      origin,
      fake.sendText(reader.id, reader, "/start"),
      null,
    );
    expect(missing.status).toBe(401);

    const help = fake.sendText(reader.id, reader, "/help");
    expect((await postToWebhook(fake, origin, help)).status).toBe(200);
    expect((await fake.waitForMessage(reader.id)).text).toContain("/latest");
    expect((await postToWebhook(fake, origin, help)).status).toBe(200);
    const latest = fake.sendText(reader.id, reader, "/latest");
    expect((await postToWebhook(fake, origin, latest)).status).toBe(200);
    await fake.waitForMessage(reader.id, () => true, { sinceIndex: 1 });

    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(sample(metrics, 'frontline_updates_total{type="/help"}')).toBe(1);
    expect(sample(metrics, 'frontline_updates_total{type="/latest"}')).toBe(1);
    expect(sample(metrics, 'frontline_updates_total{type="/start"}')).toBe(0);
    expect(metrics).toContain("frontline_process_resident_memory_bytes");
    expect(metrics).toContain('frontline_queue_jobs{state="waiting"}');
    expect(metrics).toContain("frontline_subscribers ");
    // the rejected /start and the repeated /help got no answer: one reply each to /help and /latest
    expect(fake.sent(reader.id)).toHaveLength(2);

    // a slow handler: Telegram has its 200 long before the reply goes out
    fake.failAll(faults.slow(3000), { methods: ["sendMessage"], times: 1 });
    const slow = fake.sendText(reader.id, reader, "/help");
    expect((await postToWebhook(fake, origin, slow)).status).toBe(200);
    expect(fake.sent(reader.id)).toHaveLength(2);
    await fake.waitForMessage(reader.id, () => true, { sinceIndex: 2 });

    const redisPid = Number(readFileSync(join(dataDir, "redis", "redis.pid"), "utf8"));
    app.child.kill("SIGTERM");
    await waitFor(() => app.hasExited(), {
      timeoutMs: 20_000,
      message: "the app to exit on SIGTERM",
    });
    expect(await app.exited).toBe(0);
    await waitFor(() => !isAlive(redisPid), { timeoutMs: 5_000, message: "redis-server to exit" });
    expect(fake.webhook?.url).toBe("https://bot.example.org/telegram/updates");
    expect(fake.callsOf("deleteWebhook")).toHaveLength(0);
    expect(app.output()).toContain("stopped webhook updates");
  });

  it("without WEBHOOK_URL deletes a webhook left from before, keeping its pending updates, and polls", async () => {
    const fake = await createFakeTelegram();
    const dataDir = mkdtempSync(join(tmpdir(), "fd-webhook-"));
    cleanups.push(
      () => fake.close(),
      () => rmSync(dataDir, { recursive: true, force: true }),
    );
    fake.webhook = { url: "https://bot.example.org/old", secret_token: "old" };
    const reader = fake.addUser({ language_code: "en" });
    fake.sendText(reader.id, reader, "/help");
    const app = startApp({
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATA_DIR: dataDir,
      CONTENT_IMPORT: "false",
      FEEDS_ENABLED: "false",
    });
    cleanups.push(() => app.stop());
    expect(
      (await fake.waitForMessage(reader.id, () => true, { timeoutMs: 30_000 })).text,
    ).toContain("/latest");
    expect(fake.webhook).toBeUndefined();
    const [deleted] = fake.callsOf("deleteWebhook");
    expect(deleted?.params.drop_pending_updates).toBeUndefined();
  });
});
