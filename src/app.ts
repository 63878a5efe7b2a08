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
import { Withdrawals, withoutWithdrawn } from "./articles/withdrawals.ts";
import type { BotContext } from "./bot/context.ts";
import { createI18n } from "./bot/i18n.ts";
import { createBot } from "./bot/index.ts";
import { startPolling, startWebhook } from "./bot/polling.ts";
import { type ChatStore, createChatStore } from "./chats/chat-store.ts";
import type { Config } from "./config.ts";
import { createCorrector } from "./corrections/corrector.ts";
import { announcingPuts, createFlashHook } from "./delivery/flash.ts";
import { createDeliveryQueue, type DeliveryQueue } from "./delivery/queue.ts";
import { startDelivery } from "./delivery/start-delivery.ts";
import { StartupError } from "./errors.ts";
import { notifyEach } from "./feeds/feed-alerts.ts";
import { createFeedStateStore } from "./feeds/feed-state.ts";
import { createFeedPoller, type FeedPoller } from "./feeds/poller.ts";
import { loadSources } from "./feeds/sources.ts";
import { createLogger, type Logger } from "./logger.ts";
import { describeRedisUrl } from "./redis/address.ts";
import {
  closeRedis,
  connectRedis,
  createRedis,
  storeConnectionOptions,
} from "./redis/connection.ts";
import { type EmbeddedRedis, startEmbeddedRedis } from "./redis/embedded.ts";
import { createRedisHealth, type RedisHealth } from "./redis/health.ts";
import { createKeys, type Keys } from "./redis/keys.ts";
import { createLease } from "./redis/lease.ts";
import { createReadiness } from "./server/health.ts";
import { createHttpServer, type HttpServer } from "./server/http-server.ts";
import { createMetrics, type Metrics } from "./server/metrics.ts";
import { countSends } from "./server/send-metrics.ts";
import { updateLabel } from "./server/update-label.ts";
import { createWebhook } from "./server/webhook.ts";
import { telegramClientOptions } from "./telegram/http-client.ts";
import { createWatchHookOn } from "./watches/watch-hook.ts";

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
  const stack: { name: string; stop: () => Promise<void> }[] = [];
  const onStop = (name: string, stop: () => Promise<void>) => stack.push({ name, stop });
  let stoppingStep: string | undefined;
  // quiet when createApp itself failed: its one line of why is the caller's to print
  const stopAll = async (quiet = false) => {
    const stopping = stack.length > 0 && !quiet;
    for (const { name, stop } of stack.splice(0).reverse()) {
      stoppingStep = name;
      await stop().then(
        () => quiet || logger.info({ part: name }, `stopped ${name}`),
        (err) => logger.error({ err, part: name }, `error while stopping ${name}`),
      );
    }
    stoppingStep = undefined;
    if (stopping) logger.info("stopped every part");
  };

  try {
    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      const embedded: EmbeddedRedis = await startEmbeddedRedis({ dataDir: config.dataDir, logger });
      onStop("embedded redis-server", () => embedded.stop());
      redisUrl = embedded.url;
      logger.info({ dataDir: config.dataDir }, "started embedded redis-server");
    }
    const serverUrl = redisUrl;
    // The stores' connection: auto-pipelining sends the commands of everything
    // running at once (updates, delivery jobs) in one write. BullMQ's queues
    // and workers must not share it, so they get a plain one. The stores'
    // commands fail at once while Redis is down (the bot answers "try again");
    // BullMQ's wait through the outage, as BullMQ requires.
    const health = createRedisHealth({ logger, address: describeRedisUrl(redisUrl) });
    const redis = createRedis(redisUrl, {
      enableAutoPipelining: true,
      ...storeConnectionOptions,
      health,
    });
    const queueRedis = createRedis(redisUrl, { health });
    onStop("redis connections", async () => {
      await Promise.all([closeRedis(redis), closeRedis(queueRedis)]);
    });
    await connectRedis(redis, redisUrl, config.redisConnectTimeoutMs);
    await connectRedis(queueRedis, redisUrl, config.redisConnectTimeoutMs);

    const keys = createKeys(config.redisPrefix);
    // readers are never offered a withdrawn article (/withdraw)
    const articles = withoutWithdrawn(
      createArticleStore(redis, keys),
      new Withdrawals(redis, keys),
    );
    const topics = loadTopics(join(config.contentDir, "topics.json"));
    const topicIds = new Set(topics.map((t) => t.id));
    const tagger = createTagger(topics);
    const clusters = createClusters(articles, tagger);
    const chats = createChatStore(redis, keys, {
      defaults: { lang: config.defaultLanguage, tz: config.defaultTimezone },
      topicIds,
    });
    const queue = createDeliveryQueue({ connection: queueRedis, keys });
    queue.on("error", health.onError("delivery queue error"));
    onStop("delivery queue", () => queue.close());
    const metrics = createMetrics({
      queueCounts: () => queue.getJobCounts(),
      subscribers: () => redis.zcard(keys.schedule()),
    });
    const flash = createFlashHook({ redis, keys, chats, queue, logger });
    const watch = createWatchHookOn({ redis, keys, queue, logger });
    const onArticleStored = async (article: Article, created: boolean) => {
      if (created) metrics.articleIngested();
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
        floodLimits: config.floodLimits,
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
    const handleUpdate = bot.handleUpdate.bind(bot);
    bot.handleUpdate = (update, webhookReply) => {
      metrics.update(updateLabel(update));
      return handleUpdate(update, webhookReply);
    };

    const feeds = config.feedsEnabled
      ? createFeedPoller({
          connection: queueRedis,
          health,
          keys,
          sources,
          articles,
          tagger,
          clusters,
          logger,
          onArticle: onArticleStored,
          onPolled: (source, result) => metrics.feedPoll(source, result),
          notifyEditors: notifyEach(
            config.adminIds,
            (id, text) => bot.api.sendMessage(id, text),
            logger,
          ),
        })
      : undefined;

    const readiness = createReadiness({ redis, expected: config.roles });
    const http =
      config.httpPort > 0
        ? createHttpServer({ port: config.httpPort, readiness, metrics, logger })
        : undefined;
    const i18n = createI18n<BotContext>(config.defaultLanguage);
    const deliveryApi = new Api(config.botToken, telegramClientOptions(config.telegramApiRoot));
    countSends(deliveryApi, metrics);
    const importContentDir = async () => {
      const result = await importContent({
        dir: config.contentDir,
        store: announcingPuts(articles, onArticleStored, logger),
        topicIds,
        logger,
        clusters,
      });
      logger.info({ ...result, failed: result.failed.length }, "imported content");
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
      async start() {
        const roles = new Set(config.roles);
        if (http) {
          await http.start();
          onStop("HTTP server", () => http.stop());
        }
        if (roles.has("feeds")) {
          const lease = createLease({
            redis,
            key: keys.lease("feeds"),
            name: "feeds",
            ttlMs: config.leaseMs,
            logger,
            async onAcquired() {
              if (config.importContentOnStart) await importContentDir();
              await feeds?.start();
            },
            onLost: async () => feeds?.stop(),
          });
          await lease.start();
          onStop("feeds lease", () => lease.stop());
          readiness.started("feeds");
        }
        const delivery = (part: "worker" | "scheduler") =>
          startDelivery({
            scheduler: part === "scheduler",
            worker: part === "worker",
            redisUrl: serverUrl,
            redis,
            keys,
            queue,
            api: deliveryApi,
            chats,
            articles,
            topics,
            translate: (lang, key, vars) => i18n.t(lang, key, vars),
            logger,
            health,
            broadcastRate: config.broadcastRate,
            paidBroadcast: config.paidBroadcast,
            graceMs: config.digestGraceMinutes * 60_000,
            onDigest: (timing) => metrics.digest(timing),
          });
        if (roles.has("worker")) {
          const worker = delivery("worker");
          onStop("delivery worker", () => worker.stop());
          readiness.started("worker");
        }
        if (roles.has("scheduler")) {
          let scheduler: { stop(): Promise<void> } | undefined;
          const lease = createLease({
            redis,
            key: keys.lease("scheduler"),
            name: "scheduler",
            ttlMs: config.leaseMs,
            logger,
            async onAcquired() {
              scheduler = delivery("scheduler");
            },
            async onLost() {
              await scheduler?.stop();
              scheduler = undefined;
            },
          });
          await lease.start();
          onStop("scheduler lease", () => lease.stop());
          readiness.started("scheduler");
        }
        if (roles.has("bot")) {
          if (config.webhookUrl && config.webhookSecret) {
            if (!http)
              throw new StartupError("WEBHOOK_URL needs the HTTP server: set HTTP_PORT above 0");
            const webhook = createWebhook({
              secret: config.webhookSecret,
              redis,
              keys,
              logger,
              handle: (update) => bot.handleUpdate(update),
            });
            http.addWebhook(new URL(config.webhookUrl).pathname, webhook);
            onStop("webhook updates (the webhook stays set)", () => webhook.drain(5_000));
            await startWebhook(
              bot,
              logger,
              { url: config.webhookUrl, secret: config.webhookSecret },
              config.adminIds,
            );
          } else {
            const runner: RunnerHandle = await startPolling(bot, logger, config.adminIds);
            onStop("polling", () => (runner.isRunning() ? runner.stop() : Promise.resolve()));
          }
          readiness.started("bot");
        }
        // stopped first: /readyz answers 503 while the rest shuts down
        onStop("readiness (now 503)", async () => readiness.stopping());
      },
      stop: () => stopAll(),
      stoppingStep: () => stoppingStep,
    };
  } catch (err) {
    await stopAll(true);
    throw err;
  }
}
