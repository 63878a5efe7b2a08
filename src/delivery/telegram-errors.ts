import { GrammyError, HttpError } from "grammy";

/**
 * What a failed send means for delivery:
 * - rate-limited: Telegram asked every send to wait `retryAfterSec` (429);
 * - blocked: the bot may not post there any more (403: blocked, kicked, deactivated, no rights);
 * - chat-gone: the chat does not exist (400 "chat not found");
 * - migrated: the group became a supergroup, `newChatId` (400 with migrate_to_chat_id);
 * - bad-message: Telegram refused this message itself (any other 400), a bug in rendering;
 * - transient: 5xx, timeouts and network failures, worth retrying later;
 * - unknown: anything else (401, 404, a bug of ours), retried but logged.
 */
export type TelegramErrorKind =
  | "rate-limited"
  | "blocked"
  | "chat-gone"
  | "migrated"
  | "bad-message"
  | "transient"
  | "unknown";

/** A send that failed, with what delivery should do about it in `kind`. */
export class TelegramDeliveryError extends Error {
  readonly kind: TelegramErrorKind;
  /** Telegram's error_code, when Telegram answered */
  readonly code: number | undefined;
  /** seconds to wait, for rate-limited */
  readonly retryAfterSec: number | undefined;
  /** the supergroup's id, for migrated */
  readonly newChatId: number | undefined;

  constructor(
    kind: TelegramErrorKind,
    message: string,
    details: { code?: number; retryAfterSec?: number; newChatId?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = "TelegramDeliveryError";
    this.kind = kind;
    this.code = details.code;
    this.retryAfterSec = details.retryAfterSec;
    this.newChatId = details.newChatId;
  }
}

const CHAT_GONE = /chat not found|peer_id_invalid|chat_id_invalid/i;
/** 400s that mean the bot lost the right to post, not that the message was wrong. */
const NO_RIGHTS = /not enough rights to send|need administrator rights|chat_write_forbidden/i;
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Sorts any error a grammY API call can throw into the one kind delivery acts
 * on, so every Telegram rule (429, 403, 400 variants, 5xx, network) is read in
 * this one place. Already classified errors are returned as they are.
 */
export function classifyTelegramError(err: unknown): TelegramDeliveryError {
  if (err instanceof TelegramDeliveryError) return err;
  if (err instanceof GrammyError) return fromApiError(err);
  if (err instanceof HttpError) {
    return new TelegramDeliveryError("transient", err.message, { cause: err });
  }
  if (isNetworkFailure(err)) {
    return new TelegramDeliveryError("transient", (err as Error).message, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new TelegramDeliveryError("unknown", message, { cause: err });
}

function fromApiError(err: GrammyError): TelegramDeliveryError {
  const code = err.error_code;
  const text = err.description;
  const cause = err;
  if (code === 429) {
    return new TelegramDeliveryError("rate-limited", text, {
      code,
      retryAfterSec: retryAfterOf(err),
      cause,
    });
  }
  if (code === 403) return new TelegramDeliveryError("blocked", text, { code, cause });
  if (code === 400) {
    const newChatId = err.parameters?.migrate_to_chat_id;
    if (newChatId !== undefined) {
      return new TelegramDeliveryError("migrated", text, { code, newChatId, cause });
    }
    if (CHAT_GONE.test(text)) return new TelegramDeliveryError("chat-gone", text, { code, cause });
    if (NO_RIGHTS.test(text)) return new TelegramDeliveryError("blocked", text, { code, cause });
    return new TelegramDeliveryError("bad-message", text, { code, cause });
  }
  if (code >= 500) return new TelegramDeliveryError("transient", text, { code, cause });
  return new TelegramDeliveryError("unknown", text, { code, cause });
}

function retryAfterOf(err: GrammyError): number {
  const given = err.parameters?.retry_after;
  if (typeof given === "number" && Number.isFinite(given) && given > 0) return Math.ceil(given);
  const said = /retry after (\d+)/i.exec(err.description);
  return said ? Math.max(1, Number(said[1])) : 1;
}

function isNetworkFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === "AbortError" || err.name === "TimeoutError") return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  return err.cause !== undefined && err.cause !== err && isNetworkFailure(err.cause);
}
