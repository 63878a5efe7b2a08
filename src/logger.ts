import { type Logger, pino } from "pino";

export type { Logger };

/**
 * The process logger: JSON lines on stdout. The bot token is redacted from
 * every field that can carry it, including URLs of failed API calls.
 */
export function createLogger(options: { level: string; botToken?: string }): Logger {
  const token = options.botToken;
  return pino({
    level: options.level,
    redact: { paths: ["botToken", "token", "config.botToken"], censor: "[redacted]" },
    hooks: token
      ? {
          logMethod(args, method) {
            const scrub = (v: unknown): unknown =>
              typeof v === "string" ? v.split(token).join("[redacted]") : v;
            method.apply(this, args.map(scrub) as Parameters<typeof method>);
          },
        }
      : undefined,
    formatters: token
      ? {
          log(object) {
            const text = JSON.stringify(object);
            return text.includes(token)
              ? (JSON.parse(text.split(token).join("[redacted]")) as Record<string, unknown>)
              : object;
          },
        }
      : undefined,
  });
}
