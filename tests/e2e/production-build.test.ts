import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { APP_ROOT, startApp } from "../support/app-process.ts";
import { createFakeTelegram } from "../support/fake-telegram.ts";
import { freePort } from "../support/http-port.ts";
import { waitFor } from "../support/wait-for.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * The Dockerfile's steps without Docker. Build stage: the repository's files
 * (git ls-files: what is committed or would be, never node_modules, dist or
 * data) in a clean directory, with the
 * repository's node_modules linked in place of `npm ci` (same lock file),
 * then `npm run build`. Runtime stage: package.json and the lock alone,
 * `npm ci --omit=dev` (from npm's cache where it can), dist/ and content/
 * copied, `node dist/main.js` started there.
 */
describe("the production image's steps (Dockerfile, without Docker)", () => {
  it("builds dist/, installs production dependencies only, and the compiled app answers /start", async () => {
    const root = mkdtempSync(join(tmpdir(), "fd-image-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const build = join(root, "build");
    const files = execFileSync(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      { cwd: APP_ROOT, encoding: "utf8" },
    )
      .split("\0")
      .filter((file) => file !== "" && existsSync(join(APP_ROOT, file)));
    for (const file of files) {
      mkdirSync(dirname(join(build, file)), { recursive: true });
      cpSync(join(APP_ROOT, file), join(build, file));
    }
    symlinkSync(join(APP_ROOT, "node_modules"), join(build, "node_modules"), "dir");
    execFileSync(npm, ["run", "build"], { cwd: build, stdio: "pipe" });
    expect(existsSync(join(build, "dist", "main.js"))).toBe(true);
    expect(existsSync(join(build, "dist", "locales", "uk", "core.ftl"))).toBe(true);

    const runtime = join(root, "runtime");
    mkdirSync(runtime);
    for (const file of ["package.json", "package-lock.json"]) {
      cpSync(join(build, file), join(runtime, file));
    }
    execFileSync(npm, ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: runtime,
      stdio: "pipe",
      env: { ...process.env, NODE_ENV: "production" },
    });
    expect(existsSync(join(runtime, "node_modules", "grammy"))).toBe(true);
    expect(existsSync(join(runtime, "node_modules", "prom-client"))).toBe(true);
    expect(existsSync(join(runtime, "node_modules", "typescript"))).toBe(false);
    expect(existsSync(join(runtime, "node_modules", "vitest"))).toBe(false);
    cpSync(join(build, "dist"), join(runtime, "dist"), { recursive: true });
    cpSync(join(build, "content"), join(runtime, "content"), { recursive: true });

    const fake = await createFakeTelegram();
    cleanups.push(() => fake.close());
    const port = await freePort();
    const app = startApp(
      {
        BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        DATA_DIR: join(root, "data"),
        NODE_ENV: "production",
        HTTP_PORT: String(port),
      },
      { args: ["dist/main.js"], cwd: runtime },
    );
    cleanups.push(() => app.stop());
    await waitFor(() => fake.callsOf("getUpdates").length > 0, {
      timeoutMs: 30_000,
      message: "the compiled app to poll",
    });
    const reader = fake.addUser({ language_code: "uk" });
    fake.sendText(reader.id, reader, "/start");
    expect((await fake.waitForMessage(reader.id)).text).toContain("Frontline Digest");
    // the image's HEALTHCHECK command
    const health = `fetch('http://127.0.0.1:${port}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
    execFileSync(process.execPath, ["-e", health], { stdio: "pipe" });
    expect(await app.stop()).toBe(0);
  }, 300_000);
});
