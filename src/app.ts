import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RunnerHandle } from "@grammyjs/runner";
import { Api, type Bot } from "grammy";
import type { Redis } from "ioredis";
import type { Article } from "./articles/article.ts";
import { type ArticleStore, createArticleStore } from "./articles/article-store.ts";
import { createClusters } from "./articles/clusters.ts";
import { importContent } from "./articles/import-content.ts";
import { createTagger } from "./articles/tagger.ts";
import { loadTopics, type Topic } from "./articles/topics.ts";
import type { BotContext } from "./bot/context.ts";
import { createI18n } from "./bot/i18n.ts";
import { createBot } from "./bot/index.ts";
import { startPolling } from "./bot/polling.ts";
import { type ChatStore, createChatStore } from "./chats/chat-store.ts";
import type { Config } from "./config.ts";
import { createCorrector } from "./corrections/corrector.ts";
import { announcingPuts, createFlashHook } from "./delivery/flash.ts";
import { createDeliveryQueue, type DeliveryQueue } from "./delivery/queue.ts";
import { startDelivery } from "./delivery/start-delivery.ts";
import { notifyEach } from "./feeds/feed-alerts.ts";
import { createFeedStateStore } from "./feeds/feed-state.ts";
import { createFeedPoller, type FeedPoller } from "./feeds/poller.ts";
import { loadSources } from "./feeds/sources.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createRedis } from "./redis/connection.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "./redis/embedded.ts";
import { createKeys, type Keys } from "./redis/keys.ts";
import { telegramClientOptions } from "./telegram/http-client.ts";
import { createWatchHookOn } from "./watches/watch-hook.ts";

export interface App {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: Keys;
  articles: ArticleStore;
  chats: ChatStore;
  topics: Topic[];
  bot: Bot<BotContext>;
  /** the delivery queue: flashes and scheduled digests are enqueued here, workers take them */
  queue: DeliveryQueue;
  /** polls the feeds of sources.json; undefined when FEEDS_ENABLED=false */
  feeds: FeedPoller | undefined;
  /** Imports content/, then starts the parts ROLES names: worker, scheduler, polling. */
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
    const serverUrl = redisUrl;
    // The stores' connection: auto-pipelining sends the commands of everything
    // running at once (updates, delivery jobs) in one write. BullMQ's queues
    // and workers must not share it, so they get a plain one.
    const redis = createRedis(redisUrl, { enableAutoPipelining: true });
    const queueRedis = createRedis(redisUrl);
    stack.push(async () => {
      for (const client of [redis, queueRedis])
        await client.quit().catch(() => client.disconnect());
    });
    await redis.ping();

    const keys = createKeys(config.redisPrefix);
    const articles = createArticleStore(redis, keys);
    const topics = loadTopics(join(config.contentDir, "topics.json"));
    const topicIds = new Set(topics.map((t) => t.id));
    const tagger = createTagger(topics);
    const clusters = createClusters(articles, tagger);
    const chats = createChatStore(redis, keys, {
      defaults: { lang: config.defaultLanguage, tz: config.defaultTimezone },
      topicIds,
    });
    const queue = createDeliveryQueue({ connection: queueRedis, keys });
    stack.push(() => queue.close());
    const flash = createFlashHook({ redis, keys, chats, queue, logger });
    const watch = createWatchHookOn({ redis, keys, queue, logger });
    const onArticleStored = async (article: Article, created: boolean) => {
      await Promise.all([flash(article, created), watch(article, created)]);
    };
    const sourcesFile = join(config.contentDir, "sources.json");
    const sources = existsSync(sourcesFile) ? loadSources(sourcesFile) : [];

    const bot = createBot(
      {
        articles,
        chats,
        topics,
        sources,
        feedState: createFeedStateStore(redis, keys),
        tagger,
        adminIds: config.adminIds,
        defaultLanguage: config.defaultLanguage,
        defaultTimezone: config.defaultTimezone,
        logger,
        now: Date.now,
        redis,
        keys,
        deliveryQueue: queue,
        onArticle: onArticleStored,
        onCorrection: createCorrector({ redis, keys, queue, logger }),
      },
      { token: config.botToken, apiRoot: config.telegramApiRoot },
    );

    const feeds = config.feedsEnabled
      ? createFeedPoller({
          connection: queueRedis,
          keys,
          sources,
          articles,
          tagger,
          clusters,
          logger,
          onArticle: onArticleStored,
          notifyEditors: notifyEach(
            config.adminIds,
            (id, text) => bot.api.sendMessage(id, text),
            logger,
          ),
        })
      : undefined;

    return {
      config,
      logger,
      redis,
      keys,
      articles,
      chats,
      topics,
      bot,
      queue,
      feeds,
      async start() {
        if (config.importContentOnStart) {
          const result = await importContent({
            dir: config.contentDir,
            store: announcingPuts(articles, onArticleStored, logger),
            topicIds,
            logger,
            clusters,
          });
          logger.info({ ...result, failed: result.failed.length }, "imported content");
        }
        if (feeds) {
          await feeds.start();
          stack.push(() => feeds.stop());
        }
        const roles = new Set(config.roles);
        if (roles.has("worker") || roles.has("scheduler")) {
          const i18n = createI18n<BotContext>(config.defaultLanguage);
          const delivery = startDelivery({
            scheduler: roles.has("scheduler"),
            worker: roles.has("worker"),
            redisUrl: serverUrl,
            redis,
            keys,
            queue,
            api: new Api(config.botToken, telegramClientOptions(config.telegramApiRoot)),
            chats,
            articles,
            topics,
            translate: (lang, key, vars) => i18n.t(lang, key, vars),
            logger,
            broadcastRate: config.broadcastRate,
            paidBroadcast: config.paidBroadcast,
            graceMs: config.digestGraceMinutes * 60_000,
          });
          stack.push(() => delivery.stop());
        }
        if (roles.has("bot")) {
          const runner: RunnerHandle = await startPolling(bot, logger, config.adminIds);
          stack.push(() => (runner.isRunning() ? runner.stop() : Promise.resolve()));
        }
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
