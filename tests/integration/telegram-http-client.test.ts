import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Api, GrammyError, HttpError } from "grammy";
import { describe, expect, it, onTestFinished } from "vitest";
import { classifyTelegramError } from "../../src/delivery/telegram-errors.ts";
import { telegramClientOptions } from "../../src/telegram/http-client.ts";
import { createFakeTelegram, faults } from "../support/fake-telegram.ts";

/** grammY types its signal parameter with the abort-controller package's AbortSignal */
type GrammySignal = Parameters<Api["sendMessage"]>[3];

async function fakeApi(timeoutSeconds?: number) {
  const fake = await createFakeTelegram();
  onTestFinished(() => fake.close());
  const api = new Api(fake.token, {
    ...telegramClientOptions(fake.apiRoot),
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
  });
  return { fake, api };
}

/** A server on 127.0.0.1 that answers every request with `status` and an HTML body, as a proxy might. */
async function htmlServer(status: number): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "text/html" });
    res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the Bot API client (undici under grammY)", () => {
  it("sends a message and returns Telegram's Message", async () => {
    const { fake, api } = await fakeApi();
    const chat = fake.addChat({ type: "private" });
    const message = await api.sendMessage(chat.id, "<b>Invented</b> report", {
      parse_mode: "HTML",
    });
    expect(message.chat.id).toBe(chat.id);
    expect(message.text).toBe("Invented report");
    expect(fake.sent(chat.id)).toHaveLength(1);
  });

  it("turns Telegram's refusals into GrammyErrors that delivery classifies", async () => {
    const { fake, api } = await fakeApi();
    const gone = fake.addChat({ type: "private" });
    const busy = fake.addChat({ type: "private" });
    fake.failChat(gone.id, faults.chatNotFound());
    fake.failChat(busy.id, faults.tooManyRequests(7));

    const notFound = await api.sendMessage(gone.id, "x").catch((err: unknown) => err);
    expect(notFound).toBeInstanceOf(GrammyError);
    expect((notFound as GrammyError).error_code).toBe(400);
    expect(classifyTelegramError(notFound).kind).toBe("chat-gone");

    const limited = await api.sendMessage(busy.id, "x").catch((err: unknown) => err);
    expect(classifyTelegramError(limited)).toMatchObject({
      kind: "rate-limited",
      retryAfterSec: 7,
    });
  });

  it("reports an answer that is not JSON, a timeout and a refused connection as HttpErrors", async () => {
    const gateway = new Api("1:x", telegramClientOptions(await htmlServer(502)));
    const notJson = await gateway.getMe().catch((err: unknown) => err);
    expect(notJson).toBeInstanceOf(HttpError);
    expect(classifyTelegramError(notJson).kind).toBe("transient");

    const { fake, api } = await fakeApi(1);
    const chat = fake.addChat({ type: "private" });
    fake.failChat(chat.id, faults.slow(3000));
    const timedOut = await api.sendMessage(chat.id, "x").catch((err: unknown) => err);
    expect(timedOut).toBeInstanceOf(HttpError);
    expect(classifyTelegramError(timedOut).kind).toBe("transient");

    await fake.close();
    const nobody = new Api("1:x", telegramClientOptions(fake.apiRoot));
    const refused = await nobody.getMe().catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HttpError);
    expect(classifyTelegramError(refused).kind).toBe("transient");
  });

  it("stops a request when its caller aborts, without waiting for the answer", async () => {
    const { fake, api } = await fakeApi();
    const chat = fake.addChat({ type: "private" });
    fake.failChat(chat.id, faults.slow(600_000));
    const stop = new AbortController();
    const abandoned = api.sendMessage(chat.id, "x", undefined, stop.signal as GrammySignal);
    setTimeout(() => stop.abort(), 50);
    // grammY's own timeout is 500 s: only the abort reaching the request ends this test
    const outcome = await abandoned.catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(HttpError);
  });
});
