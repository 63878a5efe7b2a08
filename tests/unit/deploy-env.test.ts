import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_VARIABLES, createConfig } from "../../src/config.ts";
import { APP_ROOT } from "../support/app-process.ts";

const read = (name: string) => readFileSync(join(APP_ROOT, name), "utf8");

/** NAME=value lines of .env.example, comments left out. */
function envExample(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of read(".env.example").split("\n")) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) vars[match[1] as string] = match[2] as string;
  }
  return vars;
}

interface ComposeService {
  environment?: Record<string, string> | string[];
}

function composeEnvironments(): Record<string, Record<string, string>> {
  const compose = parse(read("docker-compose.yml"), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const result: Record<string, Record<string, string>> = {};
  for (const [name, service] of Object.entries(compose.services)) {
    const env = service.environment ?? {};
    result[name] = Array.isArray(env)
      ? Object.fromEntries(env.map((e) => e.split("=", 2) as [string, string]))
      : env;
  }
  return result;
}

describe("deployment files", () => {
  it("name only variables config.ts reads, and .env.example names every one", () => {
    const known = new Set(CONFIG_VARIABLES);
    const example = Object.keys(envExample());
    expect(example.filter((name) => !known.has(name))).toEqual([]);
    expect(CONFIG_VARIABLES.filter((name) => !example.includes(name))).toEqual([]);
    for (const [service, env] of Object.entries(composeEnvironments())) {
      expect({ service, unknown: Object.keys(env).filter((name) => !known.has(name)) }).toEqual({
        service,
        unknown: [],
      });
    }
  });

  it("give values config.ts accepts: .env.example with a token, each app service on top of it", () => {
    const base = { ...envExample(), BOT_TOKEN: "123456:TEST-token" };
    expect(() => createConfig(base)).not.toThrow();
    const services = composeEnvironments();
    expect(createConfig({ ...base, ...services.bot }).roles).toEqual(["bot", "scheduler", "feeds"]);
    expect(createConfig({ ...base, ...services.worker }).roles).toEqual(["worker"]);
  });
});
