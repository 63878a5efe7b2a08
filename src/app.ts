import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RunnerHandle } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { Redis } from "ioredis";
import { type ArticleStore, createArticleStore } from "./articles/article-store.ts";
import { importContent } from "./articles/import-content.ts";
import { createTagger } from "./articles/tagger.ts";
import { loadTopics, type Topic } from "./articles/topics.ts";
import type { BotContext } from "./bot/context.ts";
import { createBot } from "./bot/index.ts";
import { startPolling } from "./bot/polling.ts";
import { type ChatStore, createChatStore } from "./chats/chat-store.ts";
import type { Config } from "./config.ts";
import { createFeedStateStore } from "./feeds/feed-state.ts";
import { loadSources } from "./feeds/sources.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createRedis } from "./redis/connection.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "./redis/embedded.ts";
import { createKeys, type Keys } from "./redis/keys.ts";

export interface App {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: Keys;
  articles: ArticleStore;
  chats: ChatStore;
  topics: Topic[];
  bot: Bot<BotContext>;
  /** Imports content/, then starts polling. */
  start(): Promise<void>;
  /** Stops everything start() and createApp() started, in reverse order. */
  stop(): Promise<void>;
}

/**
 * Builds every part of the bot from its configuration. Connects to Redis (or
 * starts the embedded one) but starts no polling until `start()`.
 */
export async function createApp(config: Config, logger = createLogger(config)): Promise<App> {
  const stack: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stack.splice(0).reverse()) {
      await stop().catch((err) => logger.error({ err }, "error while stopping"));
    }
  };

  try {
    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      const embedded: EmbeddedRedis = await startEmbeddedRedis({ dataDir: config.dataDir });
      stack.push(() => embedded.stop());
      redisUrl = embedded.url;
      logger.info({ dataDir: config.dataDir }, "started embedded redis-server");
    }
    const redis = createRedis(redisUrl);
    stack.push(async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    await redis.ping();

    const keys = createKeys(config.redisPrefix);
    const articles = createArticleStore(redis, keys);
    const topics = loadTopics(join(config.contentDir, "topics.json"));
    const topicIds = new Set(topics.map((t) => t.id));
    const chats = createChatStore(redis, keys, {
      defaults: { lang: config.defaultLanguage, tz: config.defaultTimezone },
      topicIds,
    });
    const sourcesFile = join(config.contentDir, "sources.json");
    const sources = existsSync(sourcesFile) ? loadSources(sourcesFile) : [];

    const bot = createBot(
      {
        articles,
        chats,
        topics,
        sources,
        feedState: createFeedStateStore(redis, keys),
        tagger: createTagger(topics),
        adminIds: config.adminIds,
        defaultLanguage: config.defaultLanguage,
        defaultTimezone: config.defaultTimezone,
        logger,
        now: Date.now,
        redis,
        keys,
      },
      { token: config.botToken, apiRoot: config.telegramApiRoot },
    );

    return {
      config,
      logger,
      redis,
      keys,
      articles,
      chats,
      topics,
      bot,
      async start() {
        if (config.importContentOnStart) {
          const result = await importContent({
            dir: config.contentDir,
            store: articles,
            topicIds,
            logger,
          });
          logger.info({ ...result, failed: result.failed.length }, "imported content");
        }
        const runner: RunnerHandle = await startPolling(bot, logger);
        stack.push(() => (runner.isRunning() ? runner.stop() : Promise.resolve()));
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
