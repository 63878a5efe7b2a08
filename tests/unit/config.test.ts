import { describe, expect, it } from "vitest";
import { createConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/errors.ts";

const token = "123456:ABC-def_ghi";

function issuesOf(env: Record<string, string>): Record<string, string> {
  try {
    createConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return Object.fromEntries((err as ConfigError).issues.map((i) => [i.variable, i.message]));
  }
  throw new Error("expected a ConfigError");
}

describe("createConfig", () => {
  it("fills defaults from a minimal environment", () => {
    const config = createConfig({ BOT_TOKEN: token });
    expect(config).toMatchObject({
      botToken: token,
      redisUrl: undefined,
      dataDir: "./data",
      contentDir: "./content",
      telegramApiRoot: "https://api.telegram.org",
      editorIds: [],
      defaultLanguage: "en",
      defaultTimezone: "Europe/Kyiv",
      logLevel: "info",
      redisPrefix: "fd:",
    });
  });

  it("says where a token comes from when BOT_TOKEN is missing", () => {
    const issues = issuesOf({});
    expect(Object.keys(issues)).toEqual(["BOT_TOKEN"]);
    expect(issues.BOT_TOKEN).toContain("@BotFather");
  });

  it("reports every bad variable at once, each with what is allowed", () => {
    const issues = issuesOf({
      BOT_TOKEN: "nope",
      LOG_LEVEL: "loud",
      DEFAULT_TIMEZONE: "Mars/Phobos",
      DEFAULT_LANGUAGE: "fr",
      ADMIN_IDS: "alice,bob",
      TELEGRAM_API_ROOT: "ftp://example",
      REDIS_URL: "localhost:6379",
    });
    expect(Object.keys(issues).sort()).toEqual([
      "ADMIN_IDS",
      "BOT_TOKEN",
      "DEFAULT_LANGUAGE",
      "DEFAULT_TIMEZONE",
      "LOG_LEVEL",
      "REDIS_URL",
      "TELEGRAM_API_ROOT",
    ]);
    expect(issues.LOG_LEVEL).toContain("info");
    expect(issues.DEFAULT_TIMEZONE).toContain("Europe/Kyiv");
    expect(issues.DEFAULT_LANGUAGE).toContain("uk");
    expect(issues.REDIS_URL).toContain("redis://");
  });

  it("bounds the wait for Redis at start: 10 s by default, milliseconds from 100 to 600000", () => {
    expect(createConfig({ BOT_TOKEN: token }).redisConnectTimeoutMs).toBe(10_000);
    expect(
      createConfig({ BOT_TOKEN: token, REDIS_CONNECT_TIMEOUT_MS: "500" }).redisConnectTimeoutMs,
    ).toBe(500);
    for (const bad of ["10s", "0", "50", "700000", "-1"]) {
      const issues = issuesOf({ BOT_TOKEN: token, REDIS_CONNECT_TIMEOUT_MS: bad });
      expect(issues.REDIS_CONNECT_TIMEOUT_MS).toContain("milliseconds from 100 to 600000");
    }
  });

  it("parses editor ids (ADMIN_IDS) and trims the API root", () => {
    const config = createConfig({
      BOT_TOKEN: token,
      ADMIN_IDS: " 12, 34 ",
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
    });
    expect(config.editorIds).toEqual([12, 34]);
    expect(config.telegramApiRoot).toBe("http://127.0.0.1:8081");
  });

  it("reads editors from EDITOR_IDS, and from ADMIN_IDS, its older name, when EDITOR_IDS is empty", () => {
    expect(createConfig({ BOT_TOKEN: token, EDITOR_IDS: "56,78" }).editorIds).toEqual([56, 78]);
    expect(createConfig({ BOT_TOKEN: token, EDITOR_IDS: " ", ADMIN_IDS: "12" }).editorIds).toEqual([
      12,
    ]);
    const both = { BOT_TOKEN: token, EDITOR_IDS: "34,12", ADMIN_IDS: "12, 34" };
    expect(createConfig(both).editorIds).toEqual([34, 12]);
  });

  it("refuses EDITOR_IDS and ADMIN_IDS naming different editors, and a bad EDITOR_IDS", () => {
    const issues = issuesOf({ BOT_TOKEN: token, EDITOR_IDS: "12", ADMIN_IDS: "12,34" });
    expect(Object.keys(issues)).toEqual(["EDITOR_IDS"]);
    expect(issues.EDITOR_IDS).toContain("ADMIN_IDS");
    expect(issues.EDITOR_IDS).toContain("set only EDITOR_IDS");
    const bad = issuesOf({ BOT_TOKEN: token, EDITOR_IDS: "alice" });
    expect(Object.keys(bad)).toEqual(["EDITOR_IDS"]);
    expect(bad.EDITOR_IDS).toContain("Telegram user ids");
  });

  it("runs every part by default, with Telegram's free broadcast rate and an hour's grace", () => {
    expect(createConfig({ BOT_TOKEN: token })).toMatchObject({
      roles: ["bot", "scheduler", "worker", "feeds"],
      broadcastRate: 25,
      paidBroadcast: false,
      digestGraceMinutes: 60,
    });
  });

  it("reads ROLES as all or a list of parts", () => {
    const roles = (value: string) => createConfig({ BOT_TOKEN: token, ROLES: value }).roles;
    expect(roles("all")).toEqual(["bot", "scheduler", "worker", "feeds"]);
    expect(roles("bot,feeds")).toEqual(["bot", "feeds"]);
    expect(roles("worker")).toEqual(["worker"]);
    expect(roles(" scheduler , bot ")).toEqual(["bot", "scheduler"]);
    expect(roles("worker,worker")).toEqual(["worker"]);
  });

  it("names the allowed parts when ROLES is wrong", () => {
    for (const value of ["web", "bot;worker", "bot,", ",worker"]) {
      const issues = issuesOf({ BOT_TOKEN: token, ROLES: value });
      expect(Object.keys(issues)).toEqual(["ROLES"]);
      expect(issues.ROLES).toContain("bot, scheduler, worker");
      expect(issues.ROLES).toContain(`got "${value}"`);
    }
  });

  it("allows a broadcast rate above 30 only with paid broadcasts", () => {
    const issues = issuesOf({ BOT_TOKEN: token, BROADCAST_RATE: "100" });
    expect(Object.keys(issues)).toEqual(["BROADCAST_RATE"]);
    expect(issues.BROADCAST_RATE).toContain("PAID_BROADCAST=true");
    const paid = createConfig({ BOT_TOKEN: token, BROADCAST_RATE: "1000", PAID_BROADCAST: "true" });
    expect(paid).toMatchObject({ broadcastRate: 1000, paidBroadcast: true });
    expect(createConfig({ BOT_TOKEN: token, BROADCAST_RATE: "30" }).broadcastRate).toBe(30);
  });

  it("reports a bad rate, switch or grace period with what is allowed", () => {
    for (const rate of ["0", "1001", "2.5", "fast", "-3"]) {
      const issues = issuesOf({ BOT_TOKEN: token, BROADCAST_RATE: rate, PAID_BROADCAST: "true" });
      expect(Object.keys(issues)).toEqual(["BROADCAST_RATE"]);
      expect(issues.BROADCAST_RATE).toContain("from 1 to 1000");
    }
    const issues = issuesOf({
      BOT_TOKEN: token,
      PAID_BROADCAST: "yes",
      DIGEST_GRACE_MINUTES: "1441",
    });
    expect(Object.keys(issues).sort()).toEqual(["DIGEST_GRACE_MINUTES", "PAID_BROADCAST"]);
    expect(issues.PAID_BROADCAST).toContain("true or false");
    expect(issues.DIGEST_GRACE_MINUTES).toContain("0 to 1440");
    expect(issuesOf({ BOT_TOKEN: token, DIGEST_GRACE_MINUTES: "an hour" })).toHaveProperty(
      "DIGEST_GRACE_MINUTES",
    );
    expect(createConfig({ BOT_TOKEN: token, DIGEST_GRACE_MINUTES: "0" }).digestGraceMinutes).toBe(
      0,
    );
  });

  it("reads the flood limits as <commands>/<seconds>s or off, with defaults", () => {
    expect(createConfig({ BOT_TOKEN: token }).floodLimits).toEqual({
      user: { limit: 10, windowMs: 10_000 },
      group: { limit: 20, windowMs: 60_000 },
    });
    expect(
      createConfig({ BOT_TOKEN: token, FLOOD_LIMIT_USER: "5/30s", FLOOD_LIMIT_GROUP: "off" })
        .floodLimits,
    ).toEqual({ user: { limit: 5, windowMs: 30_000 }, group: undefined });
    const issues = issuesOf({
      BOT_TOKEN: token,
      FLOOD_LIMIT_USER: "10",
      FLOOD_LIMIT_GROUP: "0/60s",
    });
    expect(Object.keys(issues).sort()).toEqual(["FLOOD_LIMIT_GROUP", "FLOOD_LIMIT_USER"]);
    expect(issues.FLOOD_LIMIT_USER).toContain("e.g. 10/10s");
  });

  it("reports the paid-broadcast rule together with other bad variables", () => {
    const issues = issuesOf({ BROADCAST_RATE: "200", ROLES: "everything" });
    expect(Object.keys(issues).sort()).toEqual(["BOT_TOKEN", "BROADCAST_RATE", "ROLES"]);
    expect(issues.BROADCAST_RATE).toContain("PAID_BROADCAST=true");
  });

  it("polls feeds unless FEEDS_ENABLED=false", () => {
    expect(createConfig({ BOT_TOKEN: token }).feedsEnabled).toBe(true);
    expect(createConfig({ BOT_TOKEN: token, FEEDS_ENABLED: "" }).feedsEnabled).toBe(true);
    expect(createConfig({ BOT_TOKEN: token, FEEDS_ENABLED: "false" }).feedsEnabled).toBe(false);
    const issues = issuesOf({ BOT_TOKEN: token, FEEDS_ENABLED: "no" });
    expect(Object.keys(issues)).toEqual(["FEEDS_ENABLED"]);
    expect(issues.FEEDS_ENABLED).toContain("true or false");
  });

  it("treats empty strings as unset", () => {
    expect(createConfig({ BOT_TOKEN: token, REDIS_URL: "", LOG_LEVEL: "" }).logLevel).toBe("info");
  });

  it("serves HTTP on 8080 by default, on another port, or not at all with 0", () => {
    expect(createConfig({ BOT_TOKEN: token }).httpPort).toBe(8080);
    expect(createConfig({ BOT_TOKEN: token, HTTP_PORT: "9100" }).httpPort).toBe(9100);
    expect(createConfig({ BOT_TOKEN: token, HTTP_PORT: "0" }).httpPort).toBe(0);
    for (const bad of ["65536", "-1", "http", "80.5"]) {
      expect(issuesOf({ BOT_TOKEN: token, HTTP_PORT: bad }).HTTP_PORT).toContain(
        "0 to serve no HTTP",
      );
    }
  });

  it("needs WEBHOOK_SECRET with WEBHOOK_URL, and a secret Telegram accepts", () => {
    const url = "https://bot.example.org/telegram/hook";
    expect(issuesOf({ BOT_TOKEN: token, WEBHOOK_URL: url }).WEBHOOK_SECRET).toContain("required");
    const bad = issuesOf({ BOT_TOKEN: token, WEBHOOK_URL: url, WEBHOOK_SECRET: "no spaces!" });
    expect(bad.WEBHOOK_SECRET).toContain("A-Z, a-z, 0-9, _ and -");
    expect(
      issuesOf({ BOT_TOKEN: token, WEBHOOK_URL: "http://x.org/h", WEBHOOK_SECRET: "s" })
        .WEBHOOK_URL,
    ).toContain("https://");
    const config = createConfig({ BOT_TOKEN: token, WEBHOOK_URL: url, WEBHOOK_SECRET: "a-B_9" });
    expect(config).toMatchObject({ webhookUrl: url, webhookSecret: "a-B_9" });
    expect(createConfig({ BOT_TOKEN: token }).webhookUrl).toBeUndefined();
  });

  it("takes a lease time from 1 to 60 s, 30 s by default", () => {
    expect(createConfig({ BOT_TOKEN: token }).leaseMs).toBe(30_000);
    expect(createConfig({ BOT_TOKEN: token, LEASE_MS: "2000" }).leaseMs).toBe(2000);
    expect(issuesOf({ BOT_TOKEN: token, LEASE_MS: "61000" }).LEASE_MS).toContain("1000 to 60000");
  });
});
