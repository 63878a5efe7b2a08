import type { ResponseParameters } from "grammy/types";

/** An error answer of the Bot API: `{ ok: false, error_code, description, parameters? }`. */
export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = "ApiError";
  }

  /** The JSON body Telegram sends for this error. */
  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
    };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

/** A 400 with Telegram's "Bad Request: " prefix. */
export function badRequest(text: string, parameters?: ResponseParameters): ApiError {
  return new ApiError(400, `Bad Request: ${text}`, parameters);
}

/** A 403 with Telegram's "Forbidden: " prefix. */
export function forbidden(text: string): ApiError {
  return new ApiError(403, `Forbidden: ${text}`);
}

/** The 429 Telegram sends when a flood limit is hit; `retry_after` in whole seconds. */
export function tooManyRequests(retryAfter: number): ApiError {
  return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, {
    retry_after: retryAfter,
  });
}

/** The 400 for a group that became a supergroup, pointing at the new chat. */
export function migrated(newChatId: number): ApiError {
  return badRequest("group chat was upgraded to a supergroup chat", {
    migrate_to_chat_id: newChatId,
  });
}

export const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
