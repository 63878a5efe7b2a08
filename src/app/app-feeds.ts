import type { Bot } from "grammy";
import type { Redis } from "ioredis";
import type { BotContext } from "../bot/context.ts";
import type { Config } from "../config.ts";
import { notifyEach } from "../feeds/feed-alerts.ts";
import { createFeedPoller, type FeedPoller } from "../feeds/poller.ts";
import type { Source } from "../feeds/sources.ts";
import type { Logger } from "../logger.ts";
import type { RedisHealth } from "../redis/health.ts";
import type { Metrics } from "../server/metrics.ts";
import type { OnArticleStored } from "./article-hook.ts";
import type { AppStores } from "./stores.ts";

export interface AppFeedsDeps extends AppStores {
  queueRedis: Redis;
  health: RedisHealth;
  sources: Source[];
  logger: Logger;
  metrics: Metrics;
  onArticleStored: OnArticleStored;
  /** tells editors of a failing feed */
  bot: Bot<BotContext>;
}

/** The poller of the feeds of sources.json; undefined when FEEDS_ENABLED=false. */
export function createAppFeeds(config: Config, deps: AppFeedsDeps): FeedPoller | undefined {
  if (!config.feedsEnabled) return undefined;
  const { logger, metrics, bot } = deps;
  return createFeedPoller({
    connection: deps.queueRedis,
    health: deps.health,
    keys: deps.keys,
    sources: deps.sources,
    articles: deps.articles,
    tagger: deps.tagger,
    clusters: deps.clusters,
    logger,
    onArticle: deps.onArticleStored,
    onPolled: (source, result) => metrics.feedPoll(source, result),
    notifyEditors: notifyEach(
      config.editorIds,
      (id, text) => bot.api.sendMessage(id, text),
      logger,
    ),
  });
}
