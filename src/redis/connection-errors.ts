const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOENT",
]);

const CONNECTION_MESSAGES = [
  "Connection is closed",
  "Stream isn't writeable",
  "Reached the max retries per request limit",
  "connect ETIMEDOUT",
  "Connection timeout",
];

/**
 * True when `err` (or an error it wraps, through `cause` or grammY's
 * BotError `error`) says Redis could not be reached, not that a command was
 * wrong: the link is down (a socket error), was lost mid-command, or the
 * client refuses commands while it reconnects. A failed call to the Bot API
 * (grammY's HttpError) is not one, whatever its cause. Such errors are the health monitor's to
 * report (health.ts), once per outage, not each caller's.
 */
export function isRedisConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== "object") return false;
    const { name, code, syscall, message } = e as {
      name?: string;
      code?: string;
      syscall?: string;
      message?: string;
    };
    // grammY's HttpError: the Bot API, not Redis, could not be reached
    if (name === "HttpError") return false;
    if (name === "MaxRetriesPerRequestError") return true;
    if (syscall && code && CONNECTION_CODES.has(code)) return true;
    if (message && CONNECTION_MESSAGES.some((m) => message.includes(m))) return true;
    const next = e as { cause?: unknown; error?: unknown };
    e = next.cause ?? next.error;
  }
  return false;
}
