import { GrammyError } from "grammy";
import { describe, expect, it } from "vitest";
import { escapeHtml, isMessageGone, isNotModified } from "../../src/telegram/helpers.ts";

function refusal(description: string): GrammyError {
  return new GrammyError(
    `Call to 'editMessageText' failed! (400: ${description})`,
    { ok: false, error_code: 400, description },
    "editMessageText",
    { chat_id: 1, message_id: 2, text: "x" },
  );
}

describe("Telegram helpers", () => {
  it("escapes the four characters Telegram HTML reserves", () => {
    expect(escapeHtml(`<b>"Kursk" & more</b>`)).toBe(
      "&lt;b&gt;&quot;Kursk&quot; &amp; more&lt;/b&gt;",
    );
  });

  it("tells an edit that changed nothing from other refusals", () => {
    expect(isNotModified(refusal("Bad Request: message is not modified: same content"))).toBe(true);
    expect(isNotModified(refusal("Bad Request: message to edit not found"))).toBe(false);
    expect(isNotModified(new Error("message is not modified"))).toBe(false);
    expect(isNotModified("message is not modified")).toBe(false);
  });

  it("tells an edit of a message that is gone or no longer editable", () => {
    expect(isMessageGone(refusal("Bad Request: message to edit not found"))).toBe(true);
    expect(isMessageGone(refusal("Bad Request: message can't be edited"))).toBe(true);
    expect(isMessageGone(refusal("Bad Request: message is not modified"))).toBe(false);
    expect(isMessageGone(new Error("message to edit not found"))).toBe(false);
  });
});
