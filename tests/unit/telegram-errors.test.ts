import fc from "fast-check";
import { GrammyError, HttpError } from "grammy";
import type { ResponseParameters } from "grammy/types";
import { describe, expect, it } from "vitest";
import {
  classifyTelegramError,
  TelegramDeliveryError,
} from "../../src/delivery/telegram-errors.ts";

function apiError(code: number, description: string, parameters: ResponseParameters = {}) {
  return new GrammyError(
    `Call to 'sendMessage' failed! (${code}: ${description})`,
    { ok: false, error_code: code, description, parameters },
    "sendMessage",
    { chat_id: 1, text: "x" },
  );
}

describe("classifyTelegramError", () => {
  it.each([
    [403, "Forbidden: bot was blocked by the user", "blocked"],
    [403, "Forbidden: bot was kicked from the group chat", "blocked"],
    [403, "Forbidden: user is deactivated", "blocked"],
    [403, "Forbidden: bot is not a member of the channel chat", "blocked"],
    [400, "Bad Request: not enough rights to send text messages to the chat", "blocked"],
    [400, "Bad Request: chat not found", "chat-gone"],
    [400, "Bad Request: PEER_ID_INVALID", "chat-gone"],
    [400, "Bad Request: message is too long", "bad-message"],
    [400, "Bad Request: can't parse entities: Unsupported start tag", "bad-message"],
    [400, "Bad Request: message text is empty", "bad-message"],
    [500, "Internal Server Error", "transient"],
    [502, "Bad Gateway", "transient"],
    [401, "Unauthorized", "unknown"],
    [404, "Not Found", "unknown"],
  ])("%i %s -> %s", (code, description, kind) => {
    const classified = classifyTelegramError(apiError(code, description));
    expect(classified).toBeInstanceOf(TelegramDeliveryError);
    expect(classified.kind).toBe(kind);
    expect(classified.code).toBe(code);
    expect(classified.message).toBe(description);
  });

  it("reads retry_after from a 429", () => {
    const err = apiError(429, "Too Many Requests: retry after 7", { retry_after: 7 });
    const classified = classifyTelegramError(err);
    expect(classified.kind).toBe("rate-limited");
    expect(classified.retryAfterSec).toBe(7);
    expect(classified.cause).toBe(err);
  });

  it("falls back to the description when a 429 has no parameters", () => {
    expect(classifyTelegramError(apiError(429, "Too Many Requests: retry after 12"))).toMatchObject(
      {
        kind: "rate-limited",
        retryAfterSec: 12,
      },
    );
    expect(classifyTelegramError(apiError(429, "Too Many Requests"))).toMatchObject({
      kind: "rate-limited",
      retryAfterSec: 1,
    });
  });

  it("reads the new chat id of a migrated group before anything else in a 400", () => {
    const err = apiError(400, "Bad Request: group chat was upgraded to a supergroup chat", {
      migrate_to_chat_id: -1001234567890,
    });
    expect(classifyTelegramError(err)).toMatchObject({
      kind: "migrated",
      newChatId: -1001234567890,
    });
  });

  it("treats network failures and timeouts as transient", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(classifyTelegramError(new HttpError("Network request failed", reset)).kind).toBe(
      "transient",
    );
    expect(classifyTelegramError(reset).kind).toBe("transient");
    expect(classifyTelegramError(new Error("fetch failed", { cause: reset })).kind).toBe(
      "transient",
    );
    const timeout = new DOMException("The operation timed out", "TimeoutError");
    expect(classifyTelegramError(timeout).kind).toBe("transient");
  });

  it("calls anything else unknown, and keeps an already classified error", () => {
    expect(classifyTelegramError(new TypeError("x is undefined")).kind).toBe("unknown");
    expect(classifyTelegramError("a string").kind).toBe("unknown");
    const done = new TelegramDeliveryError("blocked", "Forbidden");
    expect(classifyTelegramError(done)).toBe(done);
  });

  it("gives every API error exactly one kind that matches its code", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 400, max: 599 }),
        fc.string(),
        fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: undefined }),
        (code, text, retryAfter) => {
          const params = retryAfter === undefined ? {} : { retry_after: retryAfter };
          const classified = classifyTelegramError(apiError(code, text, params));
          if (code === 429) {
            expect(classified.kind).toBe("rate-limited");
            expect(classified.retryAfterSec).toBeGreaterThanOrEqual(1);
            if (retryAfter !== undefined) expect(classified.retryAfterSec).toBe(retryAfter);
          } else if (code >= 500) {
            expect(classified.kind).toBe("transient");
          } else if (code === 403) {
            expect(classified.kind).toBe("blocked");
          } else if (code === 400) {
            expect(["blocked", "chat-gone", "bad-message"]).toContain(classified.kind);
          } else {
            expect(classified.kind).toBe("unknown");
          }
        },
      ),
    );
  });
});
