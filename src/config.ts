import { z } from "zod";
import { ConfigError, type ConfigIssue } from "./errors.ts";

export const LANGUAGES = ["en", "uk"] as const;
export type Language = (typeof LANGUAGES)[number];

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** The parts one process can run: polling, the scheduler, a delivery worker, feed polling and the content import. */
const ROLES = ["bot", "scheduler", "worker", "feeds"] as const;
type Role = (typeof ROLES)[number];
const ROLE_NAMES = ["all", ...ROLES].join("|");

/** Telegram's broadcast limits in messages per second: free, and with paid broadcasts. */
const FREE_BROADCAST_RATE = 30;
const PAID_BROADCAST_RATE = 1000;

/** True when `zone` is an IANA time zone this runtime knows. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

const RATE_MESSAGE = `must be a whole number of messages per second from 1 to ${PAID_BROADCAST_RATE} (above ${FREE_BROADCAST_RATE} only with PAID_BROADCAST=true)`;
const GRACE_MESSAGE = "must be a whole number of minutes from 0 to 1440 (a day)";
const REDIS_TIMEOUT_MESSAGE =
  "must be a whole number of milliseconds from 100 to 600000 (10 minutes), e.g. 10000";

const FLOOD_MESSAGE =
  'must be "<commands>/<seconds>s" with 1 to 1000 commands in 1 to 3600 seconds, e.g. 10/10s, or "off"';

/** "10/10s" -> at most 10 commands in any 10 s; "off" -> no limit. */
function floodRate(value: string): { limit: number; windowMs: number } | undefined {
  const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*s\s*$/.exec(value);
  if (!match) return undefined;
  return { limit: Number(match[1]), windowMs: Number(match[2]) * 1000 };
}

const floodLimitVar = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(fallback)
      .refine((s) => {
        if (s.trim() === "off") return true;
        const rate = floodRate(s);
        return (
          rate !== undefined &&
          rate.limit >= 1 &&
          rate.limit <= 1000 &&
          rate.windowMs >= 1000 &&
          rate.windowMs <= 3_600_000
        );
      }, FLOOD_MESSAGE)
      .transform((s) => (s.trim() === "off" ? undefined : floodRate(s))),
  );

const PORT_MESSAGE = "must be a TCP port from 1 to 65535, or 0 to serve no HTTP at all";
const LEASE_MESSAGE = "must be a whole number of milliseconds from 1000 to 60000";
const SECRET_MESSAGE = "must be 1-256 characters of A-Z, a-z, 0-9, _ and -";

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const USER_IDS = /^\s*\d+(\s*,\s*\d+)*\s*$/;
const parseUserIds = (s: string | undefined): number[] =>
  s ? s.split(",").map((id) => Number(id.trim())) : [];
const userIdsVar = () =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(USER_IDS, "must be Telegram user ids separated by commas, e.g. 1234,5678")
      .optional()
      .transform(parseUserIds),
  );

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
  REDIS_CONNECT_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,6}$/, REDIS_TIMEOUT_MESSAGE)
      .default("10000")
      .transform(Number)
      .refine((n) => n >= 100 && n <= 600_000, REDIS_TIMEOUT_MESSAGE),
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
  EDITOR_IDS: userIdsVar(),
  /** the older name of EDITOR_IDS, still read (see editorIdsIssue) */
  ADMIN_IDS: userIdsVar(),
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
  FEEDS_ENABLED: z.preprocess(
    emptyToUndefined,
    z.enum(["true", "false"], { error: "must be true or false" }).default("true"),
  ),
  ROLES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        new RegExp(`^\\s*(${ROLE_NAMES})(\\s*,\\s*(${ROLE_NAMES}))*\\s*$`),
        `must be "all" or a comma-separated list of ${ROLES.join(", ")}, e.g. ROLES=worker`,
      )
      .default("all")
      .transform((s): Role[] => {
        const named = new Set(s.split(",").map((r) => r.trim()));
        return ROLES.filter((role) => named.has("all") || named.has(role));
      }),
  ),
  BROADCAST_RATE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,4}$/, RATE_MESSAGE)
      .default("25")
      .transform(Number)
      .refine((n) => n >= 1 && n <= PAID_BROADCAST_RATE, RATE_MESSAGE),
  ),
  PAID_BROADCAST: z.preprocess(
    emptyToUndefined,
    z.enum(["true", "false"], { error: "must be true or false" }).default("false"),
  ),
  DIGEST_GRACE_MINUTES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,4}$/, GRACE_MESSAGE)
      .default("60")
      .transform(Number)
      .refine((n) => n <= 1440, GRACE_MESSAGE),
  ),
  FLOOD_LIMIT_USER: floodLimitVar("10/10s"),
  FLOOD_LIMIT_GROUP: floodLimitVar("20/60s"),
  HTTP_PORT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,5}$/, PORT_MESSAGE)
      .default("8080")
      .transform(Number)
      .refine((n) => n <= 65535, PORT_MESSAGE),
  ),
  WEBHOOK_URL: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https$/, error: "must be an https:// URL Telegram can reach" }).optional(),
  ),
  WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, SECRET_MESSAGE)
      .optional(),
  ),
  LEASE_MS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,6}$/, LEASE_MESSAGE)
      .default("30000")
      .transform(Number)
      .refine((n) => n >= 1000 && n <= 60_000, LEASE_MESSAGE),
  ),
});

/** Every environment variable the bot reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export interface Config {
  botToken: string;
  redisUrl: string | undefined;
  /** how long the start waits for Redis before giving up with one line */
  redisConnectTimeoutMs: number;
  redisPrefix: string;
  dataDir: string;
  contentDir: string;
  telegramApiRoot: string;
  /** the newsroom's editors (EDITOR_IDS, or its older name ADMIN_IDS): Telegram user ids */
  editorIds: number[];
  defaultLanguage: Language;
  defaultTimezone: string;
  logLevel: (typeof LOG_LEVELS)[number];
  importContentOnStart: boolean;
  /** poll the feeds of content/sources.json */
  feedsEnabled: boolean;
  /** the parts this process runs; all of them by default */
  roles: Role[];
  /** messages per second over every worker process */
  broadcastRate: number;
  /** send with allow_paid_broadcast (Telegram Stars), allowing up to 1000 messages/s */
  paidBroadcast: boolean;
  /** a digest slot missed by more than this (the process was down) is not sent late */
  digestGraceMinutes: number;
  /** commands (and presses) one user, and one group, may send before "too many requests" */
  floodLimits: {
    user: { limit: number; windowMs: number } | undefined;
    group: { limit: number; windowMs: number } | undefined;
  };
  /** where /healthz, /readyz, /metrics (and the webhook) are served; 0: no HTTP server */
  httpPort: number;
  /** Telegram posts updates here when set (webhook mode); polling otherwise */
  webhookUrl: string | undefined;
  /** what Telegram sends in X-Telegram-Bot-Api-Secret-Token; required with webhookUrl */
  webhookSecret: string | undefined;
  /** how long a lease (feeds, scheduler) lasts unless its holder renews it */
  leaseMs: number;
}

/**
 * Checks every setting the bot reads from the environment. Pure: reads only
 * `env`, touches nothing. Throws one ConfigError naming every bad variable
 * with what is allowed, so an operator fixes them all in one go.
 */
export function createConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? "?");
        const given = env[variable];
        const shown = given === undefined || variable === "BOT_TOKEN" ? "" : ` (got "${given}")`;
        return { variable, message: `${issue.message}${shown}` };
      });
  const rateIssue = freeRateIssue(env);
  if (rateIssue && !issues.some((i) => i.variable === rateIssue.variable)) issues.push(rateIssue);
  const secretIssue = missingSecretIssue(env);
  if (secretIssue && !issues.some((i) => i.variable === secretIssue.variable)) {
    issues.push(secretIssue);
  }
  const editorsIssue = editorIdsIssue(env);
  if (editorsIssue && !issues.some((i) => i.variable === editorsIssue.variable)) {
    issues.push(editorsIssue);
  }
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);
  const e = parsed.data;
  return {
    botToken: e.BOT_TOKEN,
    redisUrl: e.REDIS_URL,
    redisConnectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
    redisPrefix: e.REDIS_PREFIX,
    dataDir: e.DATA_DIR,
    contentDir: e.CONTENT_DIR,
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    editorIds: e.EDITOR_IDS.length > 0 ? e.EDITOR_IDS : e.ADMIN_IDS,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    importContentOnStart: e.CONTENT_IMPORT === "true",
    feedsEnabled: e.FEEDS_ENABLED === "true",
    roles: e.ROLES,
    broadcastRate: e.BROADCAST_RATE,
    paidBroadcast: e.PAID_BROADCAST === "true",
    digestGraceMinutes: e.DIGEST_GRACE_MINUTES,
    floodLimits: { user: e.FLOOD_LIMIT_USER, group: e.FLOOD_LIMIT_GROUP },
    httpPort: e.HTTP_PORT,
    webhookUrl: e.WEBHOOK_URL,
    webhookSecret: e.WEBHOOK_SECRET,
    leaseMs: e.LEASE_MS,
  };
}

/** Above Telegram's free limit only with paid broadcasts: checked on its own so it is reported with the rest. */
function freeRateIssue(env: Record<string, string | undefined>): ConfigIssue | undefined {
  const rate = Number(env.BROADCAST_RATE?.trim() || "0");
  if (!(rate > FREE_BROADCAST_RATE && rate <= PAID_BROADCAST_RATE)) return undefined;
  if (env.PAID_BROADCAST?.trim() === "true") return undefined;
  return {
    variable: "BROADCAST_RATE",
    message: `may be above ${FREE_BROADCAST_RATE} (Telegram's free limit) only with PAID_BROADCAST=true (got "${env.BROADCAST_RATE}")`,
  };
}

/**
 * EDITOR_IDS is the editors' variable; ADMIN_IDS, its older name, is still
 * read when EDITOR_IDS is empty. Both set to different ids is refused rather
 * than one silently winning: an operator would not know which list is used.
 */
function editorIdsIssue(env: Record<string, string | undefined>): ConfigIssue | undefined {
  const editors = env.EDITOR_IDS?.trim() ?? "";
  const older = env.ADMIN_IDS?.trim() ?? "";
  if (!USER_IDS.test(editors) || !USER_IDS.test(older)) return undefined;
  const same = (a: number[], b: number[]) =>
    a.length === b.length && a.every((id, i) => id === b[i]);
  const sorted = (s: string) => [...new Set(parseUserIds(s))].sort((a, b) => a - b);
  if (same(sorted(editors), sorted(older))) return undefined;
  return {
    variable: "EDITOR_IDS",
    message: `and ADMIN_IDS (its older name) name different editors: set only EDITOR_IDS (got "${env.EDITOR_IDS}" and ADMIN_IDS "${env.ADMIN_IDS}")`,
  };
}

/** Webhook mode needs the secret, so that only Telegram can post updates. */
function missingSecretIssue(env: Record<string, string | undefined>): ConfigIssue | undefined {
  if (!env.WEBHOOK_URL?.trim() || env.WEBHOOK_SECRET?.trim()) return undefined;
  return {
    variable: "WEBHOOK_SECRET",
    message: `is required with WEBHOOK_URL: ${SECRET_MESSAGE}, e.g. from \`openssl rand -hex 32\``,
  };
}
