import type { RunnerHandle } from "@grammyjs/runner";
import type { Api, Bot } from "grammy";
import type { Redis } from "ioredis";
import { importContent } from "../articles/import-content.ts";
import type { BotContext } from "../bot/context.ts";
import { startPolling, startWebhook } from "../bot/polling.ts";
import type { Config } from "../config.ts";
import { announcingPuts } from "../delivery/flash.ts";
import type { DeliveryQueue } from "../delivery/queue.ts";
import { startDelivery } from "../delivery/start-delivery.ts";
import type { Translate } from "../digest/labels.ts";
import { StartupError } from "../errors.ts";
import type { FeedPoller } from "../feeds/poller.ts";
import type { Logger } from "../logger.ts";
import type { RedisHealth } from "../redis/health.ts";
import { createLease } from "../redis/lease.ts";
import type { Readiness } from "../server/health.ts";
import type { HttpServer } from "../server/http-server.ts";
import type { Metrics } from "../server/metrics.ts";
import { createWebhook } from "../server/webhook.ts";
import type { OnArticleStored } from "./article-hook.ts";
import type { OnStop } from "./stop-stack.ts";
import type { AppStores } from "./stores.ts";

/** What the roles run with, built by createApp. */
export interface RoleParts extends AppStores {
  config: Config;
  logger: Logger;
  redis: Redis;
  /** the Redis server's URL: the delivery worker opens its own connection to it */
  redisUrl: string;
  health: RedisHealth;
  queue: DeliveryQueue;
  metrics: Metrics;
  onArticleStored: OnArticleStored;
  bot: Bot<BotContext>;
  feeds: FeedPoller | undefined;
  readiness: Readiness;
  http: HttpServer | undefined;
  /** the delivery worker's client, its sends counted in the metrics */
  deliveryApi: Api;
  translate: Translate;
}

/**
 * Starts the HTTP server, then the parts ROLES names, in this order: feeds
 * and the scheduler under a Redis lease each; the worker; the bot. Each is
 * handed to `onStop` once started; readiness last, so it is stopped first.
 */
export async function startRoles(parts: RoleParts, onStop: OnStop): Promise<void> {
  const { config, http, readiness } = parts;
  const roles = new Set(config.roles);
  if (http) {
    await http.start();
    onStop("HTTP server", () => http.stop());
  }
  if (roles.has("feeds")) await startFeedsRole(parts, onStop);
  if (roles.has("worker")) {
    const worker = startDeliveryPart(parts, "worker");
    onStop("delivery worker", () => worker.stop());
    readiness.started("worker");
  }
  if (roles.has("scheduler")) await startSchedulerRole(parts, onStop);
  if (roles.has("bot")) await startBotRole(parts, onStop);
  // stopped first: /readyz answers 503 while the rest shuts down
  onStop("readiness (now 503)", async () => readiness.stopping());
}

/** The content import (when IMPORT_CONTENT_ON_START) and feed polling, while this process holds the feeds lease. */
async function startFeedsRole(parts: RoleParts, onStop: OnStop): Promise<void> {
  const { config, feeds } = parts;
  const lease = createLease({
    redis: parts.redis,
    key: parts.keys.lease("feeds"),
    name: "feeds",
    ttlMs: config.leaseMs,
    logger: parts.logger,
    async onAcquired() {
      if (config.importContentOnStart) await importContentDir(parts);
      await feeds?.start();
    },
    onLost: async () => feeds?.stop(),
  });
  await lease.start();
  onStop("feeds lease", () => lease.stop());
  parts.readiness.started("feeds");
}

async function importContentDir(parts: RoleParts): Promise<void> {
  const { config, logger } = parts;
  const result = await importContent({
    dir: config.contentDir,
    store: announcingPuts(parts.articles, parts.onArticleStored, logger),
    topicIds: parts.topicIds,
    logger,
    clusters: parts.clusters,
  });
  logger.info({ ...result, failed: result.failed.length }, "imported content");
}

/** The scheduler, while this process holds the scheduler lease. */
async function startSchedulerRole(parts: RoleParts, onStop: OnStop): Promise<void> {
  let scheduler: { stop(): Promise<void> } | undefined;
  const lease = createLease({
    redis: parts.redis,
    key: parts.keys.lease("scheduler"),
    name: "scheduler",
    ttlMs: parts.config.leaseMs,
    logger: parts.logger,
    async onAcquired() {
      scheduler = startDeliveryPart(parts, "scheduler");
    },
    async onLost() {
      await scheduler?.stop();
      scheduler = undefined;
    },
  });
  await lease.start();
  onStop("scheduler lease", () => lease.stop());
  parts.readiness.started("scheduler");
}

function startDeliveryPart(parts: RoleParts, part: "worker" | "scheduler") {
  const { config, metrics } = parts;
  return startDelivery({
    scheduler: part === "scheduler",
    worker: part === "worker",
    redisUrl: parts.redisUrl,
    redis: parts.redis,
    keys: parts.keys,
    queue: parts.queue,
    api: parts.deliveryApi,
    chats: parts.chats,
    articles: parts.articles,
    topics: parts.topics,
    translate: parts.translate,
    logger: parts.logger,
    health: parts.health,
    broadcastRate: config.broadcastRate,
    paidBroadcast: config.paidBroadcast,
    graceMs: config.digestGraceMinutes * 60_000,
    onDigest: (timing) => metrics.digest(timing),
  });
}

/** The bot's updates: through the webhook when WEBHOOK_URL is set, else by long polling. */
async function startBotRole(parts: RoleParts, onStop: OnStop): Promise<void> {
  const { config, bot, http, logger } = parts;
  if (config.webhookUrl && config.webhookSecret) {
    if (!http) throw new StartupError("WEBHOOK_URL needs the HTTP server: set HTTP_PORT above 0");
    const webhook = createWebhook({
      secret: config.webhookSecret,
      redis: parts.redis,
      keys: parts.keys,
      logger,
      handle: (update) => bot.handleUpdate(update),
    });
    http.addWebhook(new URL(config.webhookUrl).pathname, webhook);
    onStop("webhook updates (the webhook stays set)", () => webhook.drain(5_000));
    await startWebhook(
      bot,
      logger,
      { url: config.webhookUrl, secret: config.webhookSecret },
      config.editorIds,
    );
  } else {
    const runner: RunnerHandle = await startPolling(bot, logger, config.editorIds);
    onStop("polling", () => (runner.isRunning() ? runner.stop() : Promise.resolve()));
  }
  parts.readiness.started("bot");
}
