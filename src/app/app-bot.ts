import type { Bot } from "grammy";
import type { Redis } from "ioredis";
import type { BotContext } from "../bot/context.ts";
import { createBot } from "../bot/index.ts";
import type { Config } from "../config.ts";
import { createCorrector } from "../corrections/corrector.ts";
import type { DeliveryQueue } from "../delivery/queue.ts";
import { createFeedStateStore } from "../feeds/feed-state.ts";
import type { Source } from "../feeds/sources.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../server/metrics.ts";
import { updateLabel } from "../server/update-label.ts";
import type { OnArticleStored } from "./article-hook.ts";
import type { AppStores } from "./stores.ts";

export interface AppBotDeps extends AppStores {
  redis: Redis;
  queue: DeliveryQueue;
  sources: Source[];
  logger: Logger;
  metrics: Metrics;
  onArticleStored: OnArticleStored;
}

/** The bot with the app's stores and queue, each update it handles counted in the metrics. */
export function createAppBot(config: Config, deps: AppBotDeps): Bot<BotContext> {
  const { redis, keys, queue, logger, metrics } = deps;
  const bot = createBot(
    {
      articles: deps.articles,
      chats: deps.chats,
      topics: deps.topics,
      sources: deps.sources,
      feedState: createFeedStateStore(redis, keys),
      tagger: deps.tagger,
      editorIds: config.editorIds,
      floodLimits: config.floodLimits,
      defaultLanguage: config.defaultLanguage,
      defaultTimezone: config.defaultTimezone,
      logger,
      clock: Date.now,
      redis,
      keys,
      deliveryQueue: queue,
      onArticle: deps.onArticleStored,
      onCorrection: createCorrector({ redis, keys, queue, logger }),
    },
    { token: config.botToken, apiRoot: config.telegramApiRoot },
  );
  const handleUpdate = bot.handleUpdate.bind(bot);
  bot.handleUpdate = (update, webhookReply) => {
    metrics.update(updateLabel(update));
    return handleUpdate(update, webhookReply);
  };
  return bot;
}
