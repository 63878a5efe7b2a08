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

/** How long a shutdown may take: longer than the delivery worker's own 10 s close timeout, so in-flight sends finish. */
const STOP_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  try {
    process.loadEnvFile();
  } catch {
    // no .env: the environment alone configures the bot
  }
  const app = await createApp(createConfig(process.env));
  const { logger } = app;
  let stopping = false;
  const shutdown = (reason: string, code: number) => {
    if (stopping) {
      logger.warn({ reason }, "asked to stop again while stopping: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ reason }, "stopping");
    const force = setTimeout(() => {
      const stuck = app.stoppingStep() ?? "the shutdown";
      logger.error(
        { step: stuck, timeoutMs: STOP_TIMEOUT_MS },
        `forced exit: ${stuck} did not stop within ${STOP_TIMEOUT_MS / 1000} s`,
      );
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    force.unref();
    app.stop().then(() => {
      logger.info({ code }, "stopped");
      process.exit(code);
    });
  };
  process.on("SIGINT", () => shutdown("SIGINT received", 0));
  process.on("SIGTERM", () => shutdown("SIGTERM received", 0));
  // A bug, not an operator's problem: one fatal line with the stack, then stop.
  const fatal = (err: unknown) => {
    logger.fatal({ err }, "fatal error: stopping");
    shutdown("fatal error", 1);
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
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
  // stderr is written synchronously; exit even if a client still holds the loop open
  process.exit(1);
});
