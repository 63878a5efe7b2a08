import { GrammyError, HttpError } from "grammy";
import { createApp } from "./app.ts";
import { createConfig } from "./config.ts";
import { ConfigError, ContentError, StartupError } from "./errors.ts";

/** One line for a problem the operator can fix; a stack trace only for bugs. */
function explain(err: unknown): string | undefined {
  if (err instanceof ConfigError)
    return err.issues.map((i) => `${i.variable} ${i.message}`).join("\n");
  if (err instanceof StartupError || err instanceof ContentError) return err.message;
  if (err instanceof GrammyError && err.error_code === 401)
    return "Telegram refused BOT_TOKEN (401 Unauthorized): check the token @BotFather gave you.";
  if (err instanceof HttpError) return `Cannot reach the Telegram Bot API: ${err.message}`;
  return undefined;
}

async function main(): Promise<void> {
  try {
    process.loadEnvFile();
  } catch {
    // no .env: the environment alone configures the bot
  }
  const app = await createApp(createConfig(process.env));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      app.logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    app.logger.info({ signal }, "stopping");
    // longer than the delivery worker's own 10 s close timeout, so in-flight sends finish
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  try {
    await app.start();
  } catch (err) {
    await app.stop();
    throw err;
  }
}

main().catch((err: unknown) => {
  const line = explain(err);
  if (line) console.error(line);
  else console.error(err);
  process.exitCode = 1;
});
