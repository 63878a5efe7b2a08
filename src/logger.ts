import { type Logger, type LoggerOptions, pino } from "pino";

export type { Logger };

/**
 * The process logger: JSON lines on stdout. The bot token is redacted from
 * every string and field that can carry it, including URLs of failed API calls.
 */
export function createLogger(options: { logLevel: string; botToken?: string }): Logger {
  const token = options.botToken;
  const settings: LoggerOptions = {
    level: options.logLevel,
    redact: { paths: ["botToken", "token", "config.botToken"], censor: "[redacted]" },
  };
  if (token) {
    const scrub = (text: string) => text.split(token).join("[redacted]");
    settings.hooks = {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === "string" ? scrub(a) : a)) as typeof args);
      },
    };
    settings.formatters = {
      log(object) {
        const text = JSON.stringify(object);
        return text.includes(token) ? (JSON.parse(scrub(text)) as Record<string, unknown>) : object;
      },
    };
  }
  return pino(settings);
}
