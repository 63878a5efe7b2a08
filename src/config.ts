import { z } from "zod";
import { ConfigError, type ConfigIssue } from "./errors.ts";

export const LANGUAGES = ["en", "uk"] as const;
export type Language = (typeof LANGUAGES)[number];

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const schema = z.object({
  BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string({
        error:
          "is not set. Create a bot with @BotFather in Telegram (https://t.me/BotFather) and put its token in BOT_TOKEN, in the environment or in .env",
      })
      .regex(/^\d+:[\w-]+$/, "must look like 123456789:AAE... (the token @BotFather gives you)"),
  ),
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(rediss?|unix):\/\//, "must start with redis://, rediss:// or unix://")
      .optional(),
  ),
  REDIS_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\w:.-]{1,32}$/, "may hold letters, digits, '_', '-', '.', ':' (at most 32)")
      .default("fd:"),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./data")),
  CONTENT_DIR: z.preprocess(emptyToUndefined, z.string().default("./content")),
  TELEGRAM_API_ROOT: z.preprocess(
    emptyToUndefined,
    z
      .url({
        protocol: /^https?$/,
        error: "must be an http(s) URL such as https://api.telegram.org",
      })
      .default("https://api.telegram.org")
      .transform((u) => u.replace(/\/+$/, "")),
  ),
  ADMIN_IDS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*\d+(\s*,\s*\d+)*\s*$/,
        "must be Telegram user ids separated by commas, e.g. 1234,5678",
      )
      .optional()
      .transform((s) => (s ? s.split(",").map((id) => Number(id.trim())) : [])),
  ),
  DEFAULT_LANGUAGE: z.preprocess(
    emptyToUndefined,
    z.enum(LANGUAGES, { error: `must be one of: ${LANGUAGES.join(", ")}` }).default("en"),
  ),
  DEFAULT_TIMEZONE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(isTimeZone, "must be an IANA time zone such as Europe/Kyiv or America/New_York")
      .default("Europe/Kyiv"),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(LOG_LEVELS, { error: `must be one of: ${LOG_LEVELS.join(", ")}` }).default("info"),
  ),
  CONTENT_IMPORT: z.preprocess(
    emptyToUndefined,
    z.enum(["true", "false"], { error: "must be true or false" }).default("true"),
  ),
});

export interface Config {
  botToken: string;
  redisUrl: string | undefined;
  redisPrefix: string;
  dataDir: string;
  contentDir: string;
  telegramApiRoot: string;
  adminIds: number[];
  defaultLanguage: Language;
  defaultTimezone: string;
  logLevel: (typeof LOG_LEVELS)[number];
  importContentOnStart: boolean;
}

/**
 * Checks every setting the bot reads from the environment. Pure: reads only
 * `env`, touches nothing. Throws one ConfigError naming every bad variable
 * with what is allowed, so an operator fixes them all in one go.
 */
export function createConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? "?");
      const given = env[variable];
      const shown = given === undefined || variable === "BOT_TOKEN" ? "" : ` (got "${given}")`;
      return { variable, message: `${issue.message}${shown}` };
    });
    throw new ConfigError(issues);
  }
  const e = parsed.data;
  return {
    botToken: e.BOT_TOKEN,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    dataDir: e.DATA_DIR,
    contentDir: e.CONTENT_DIR,
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    adminIds: e.ADMIN_IDS,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    importContentOnStart: e.CONTENT_IMPORT === "true",
  };
}
