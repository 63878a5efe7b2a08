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
      adminIds: [],
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

  it("parses admin ids and trims the API root", () => {
    const config = createConfig({
      BOT_TOKEN: token,
      ADMIN_IDS: " 12, 34 ",
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
    });
    expect(config.adminIds).toEqual([12, 34]);
    expect(config.telegramApiRoot).toBe("http://127.0.0.1:8081");
  });

  it("treats empty strings as unset", () => {
    expect(createConfig({ BOT_TOKEN: token, REDIS_URL: "", LOG_LEVEL: "" }).logLevel).toBe("info");
  });
});
