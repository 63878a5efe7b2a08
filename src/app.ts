import { existsSync } from "node:fs";
import { join } from "node:path";
import { Api, type Bot } from "grammy";
import type { Redis } from "ioredis";
import { createAppBot } from "./app/app-bot.ts";
import { createAppFeeds } from "./app/app-feeds.ts";
import { connectAppRedis } from "./app/app-redis.ts";
import { createArticleHook } from "./app/article-hook.ts";
import { type RoleParts, startRoles } from "./app/start-roles.ts";
import { StopStack } from "./app/stop-stack.ts";
import { createStores } from "./app/stores.ts";
import type { ArticleStore } from "./articles/article-store.ts";
import type { Topic } from "./articles/topics.ts";
import type { BotContext } from "./bot/context.ts";
import { createI18n } from "./bot/i18n.ts";
import type { ChatStore } from "./chats/chat-store.ts";
import type { Config } from "./config.ts";
import { createDeliveryQueue, type DeliveryQueue } from "./delivery/queue.ts";
import type { FeedPoller } from "./feeds/poller.ts";
import { loadSources } from "./feeds/sources.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { RedisHealth } from "./redis/health.ts";
import type { Keys } from "./redis/keys.ts";
import { createReadiness } from "./server/health.ts";
import { createHttpServer, type HttpServer } from "./server/http-server.ts";
import { createMetrics, type Metrics } from "./server/metrics.ts";
import { countSends } from "./server/send-metrics.ts";
import { telegramClientOptions } from "./telegram/http-client.ts";

export interface App {
  config: Config;
  logger: Logger;
  redis: Redis;
  /** whether Redis answers, as this process's connections see it */
  redisHealth: RedisHealth;
  keys: Keys;
  articles: ArticleStore;
  chats: ChatStore;
  topics: Topic[];
  bot: Bot<BotContext>;
  /** the delivery queue: flashes and scheduled digests are enqueued here, workers take them */
  queue: DeliveryQueue;
  /** polls the feeds of sources.json; undefined when FEEDS_ENABLED=false */
  feeds: FeedPoller | undefined;
  /** this process's Prometheus metrics (its own registry) */
  metrics: Metrics;
  /** /healthz, /readyz, /metrics and the webhook; undefined when HTTP_PORT=0 */
  http: HttpServer | undefined;
  /**
   * Starts the HTTP server, then the parts ROLES names: feeds (content import
   * and feed polling) and the scheduler under a Redis lease each, so one
   * process of the deployment runs them; the worker; the bot (webhook or polling).
   */
  start(): Promise<void>;
  /** Stops everything start() and createApp() started, in reverse order. */
  stop(): Promise<void>;
  /** The part stop() is stopping now, e.g. "delivery"; undefined when none. */
  stoppingStep(): string | undefined;
}

/**
 * Builds every part of the bot from its configuration. Connects to Redis (or
 * starts the embedded one) but starts no polling until `start()`.
 */
export async function createApp(config: Config, logger = createLogger(config)): Promise<App> {
  const stack = new StopStack(logger);
  const { onStop } = stack;
  try {
    const {
      url: redisUrl,
      redis,
      queueRedis,
      health,
    } = await connectAppRedis(config, logger, onStop);
    const stores = createStores(config, redis);
    const { keys, articles, chats, topics } = stores;
    const queue = createDeliveryQueue({ connection: queueRedis, keys });
    queue.on("error", health.onError("delivery queue error"));
    onStop("delivery queue", () => queue.close());
    const metrics = createMetrics({
      queueCounts: () => queue.getJobCounts(),
      subscribers: () => redis.zcard(keys.schedule()),
    });
    const onArticleStored = createArticleHook({ redis, keys, chats, queue, logger, metrics });
    const sourcesFile = join(config.contentDir, "sources.json");
    const sources = existsSync(sourcesFile) ? loadSources(sourcesFile) : [];
    const shared = { ...stores, redis, queue, sources, logger, metrics, onArticleStored };
    const bot = createAppBot(config, shared);
    const feeds = createAppFeeds(config, { ...shared, queueRedis, health, bot });

    const readiness = createReadiness({ redis, expected: config.roles });
    const http =
      config.httpPort > 0
        ? createHttpServer({ port: config.httpPort, readiness, metrics, logger })
        : undefined;
    const i18n = createI18n<BotContext>(config.defaultLanguage);
    const deliveryApi = new Api(config.botToken, telegramClientOptions(config.telegramApiRoot));
    countSends(deliveryApi, metrics);
    const parts: RoleParts = {
      ...shared,
      config,
      redisUrl,
      health,
      bot,
      feeds,
      readiness,
      http,
      deliveryApi,
      translate: (lang, key, vars) => i18n.t(lang, key, vars),
    };

    return {
      config,
      logger,
      redis,
      redisHealth: health,
      keys,
      articles,
      chats,
      topics,
      bot,
      queue,
      feeds,
      metrics,
      http,
      start: () => startRoles(parts, onStop),
      stop: () => stack.stopAll(),
      stoppingStep: () => stack.stoppingStep(),
    };
  } catch (err) {
    await stack.stopAll(true);
    throw err;
  }
}
