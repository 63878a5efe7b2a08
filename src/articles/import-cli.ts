import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { type Config, createConfig } from "../config.ts";
import { ConfigError, ContentError, StartupError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { createRedis } from "../redis/connection.ts";
import { answersPing, startEmbeddedRedis } from "../redis/embedded.ts";
import { createKeys } from "../redis/keys.ts";
import { createArticleStore } from "./article-store.ts";
import { type ImportResult, importContent } from "./import-content.ts";
import { loadTopics } from "./topics.ts";

/** What `npm run content:import` needs: Redis and the content directory, no bot token. */
export type ImportSettings = Pick<
  Config,
  "redisUrl" | "redisPrefix" | "dataDir" | "contentDir" | "logLevel"
>;

/**
 * Reads the import's settings with the bot's own rules. BOT_TOKEN is not
 * needed to import, so a missing or malformed one is ignored here.
 */
export function importSettings(env: Record<string, string | undefined>): ImportSettings {
  const { redisUrl, redisPrefix, dataDir, contentDir, logLevel } = createConfig({
    ...env,
    BOT_TOKEN: "0:import",
  });
  return { redisUrl, redisPrefix, dataDir, contentDir, logLevel };
}

/**
 * Imports `<contentDir>/articles` into Redis at REDIS_URL or, without one,
 * into the embedded server under DATA_DIR: the running bot's, if it answers
 * on its socket, else one started for the import and stopped afterwards.
 */
export async function runImport(settings: ImportSettings, logger: Logger): Promise<ImportResult> {
  const stack: (() => Promise<void>)[] = [];
  try {
    let url = settings.redisUrl;
    if (!url) {
      const socket = join(settings.dataDir, "redis", "redis.sock");
      if (existsSync(socket) && (await answersPing({ path: socket }))) url = `unix://${socket}`;
      else {
        const embedded = await startEmbeddedRedis({ dataDir: settings.dataDir });
        stack.push(() => embedded.stop());
        url = embedded.url;
      }
    }
    // A one-off command: fail at once when Redis is unreachable, instead of retrying forever.
    const redis = createRedis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    let lastError: Error | undefined;
    redis.on("error", (err: Error) => {
      lastError = err;
    });
    stack.push(async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    const where = url.replace(/\/\/[^@/]*@/, "//");
    await redis.connect().catch((err: Error) => {
      throw new StartupError(`cannot reach Redis at ${where}: ${(lastError ?? err).message}`);
    });

    const topics = loadTopics(join(settings.contentDir, "topics.json"));
    return await importContent({
      dir: settings.contentDir,
      store: createArticleStore(redis, createKeys(settings.redisPrefix)),
      topicIds: new Set(topics.map((t) => t.id)),
      logger,
    });
  } finally {
    for (const stop of stack.reverse()) {
      await stop().catch((err) => logger.error({ err }, "error while stopping"));
    }
  }
}

/** The lines `content:import` prints: one summary, then one per failed file. */
export function formatImportResult(result: ImportResult, contentDir: string): string[] {
  const shown = `${relative(process.cwd(), contentDir) || "."}/`;
  return [
    `Imported ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged, ${result.failed.length} failed from ${shown}`,
    ...result.failed.map((f) => `  ${f.file}: ${f.message}`),
  ];
}

async function main(): Promise<void> {
  try {
    process.loadEnvFile();
  } catch {
    // no .env: the environment alone is the configuration
  }
  try {
    const settings = importSettings(process.env);
    // Log lines go to stderr, so stdout holds only the summary.
    const logger = pino({ level: settings.logLevel }, pino.destination(2));
    const result = await runImport(settings, logger);
    for (const line of formatImportResult(result, settings.contentDir)) console.log(line);
    process.exitCode = result.failed.length > 0 ? 1 : 0;
  } catch (err) {
    const known =
      err instanceof ConfigError || err instanceof StartupError || err instanceof ContentError;
    console.error(known ? err.message : err);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
