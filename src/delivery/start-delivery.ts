import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Topic } from "../articles/topics.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import type { Translate } from "../digest/labels.ts";
import type { Logger } from "../logger.ts";
import type { RedisHealth } from "../redis/health.ts";
import type { Keys } from "../redis/keys.ts";
import { createDigestComposer } from "./digest-composer.ts";
import type { DeliveryQueue } from "./queue.ts";
import { createScheduler, type SchedulerOptions } from "./scheduler.ts";
import { createDeliveryWorker } from "./worker.ts";

export interface DeliveryRoleOptions {
  /** which of the two this process runs */
  scheduler: boolean;
  worker: boolean;
  /** the worker opens its own connection from it */
  redisUrl: string;
  redis: Redis;
  keys: Keys;
  queue: DeliveryQueue;
  api: Api;
  chats: ChatStore;
  articles: ArticleStore;
  topics: Topic[];
  translate: Translate;
  logger: Logger;
  /** the worker's connections report to it */
  health?: RedisHealth;
  broadcastRate: number;
  paidBroadcast: boolean;
  graceMs: number;
  /** the scheduler reports each slot's timing here (metrics) */
  onDigest?: SchedulerOptions["onDigest"];
}

export interface RunningDelivery {
  /** Stops the scheduler first, then lets the worker finish what it is sending. */
  stop(): Promise<void>;
}

/**
 * Starts the delivery parts a process runs (ROLES): the worker, whose
 * digests are composed at send time without the articles the chat already
 * got as flashes (see digest-composer.ts), then the scheduler that feeds it. Any number of processes
 * may run either part against the same Redis.
 */
export function startDelivery(options: DeliveryRoleOptions): RunningDelivery {
  const { redis, keys, articles, topics, translate, logger } = options;
  const worker = options.worker
    ? createDeliveryWorker({
        redisUrl: options.redisUrl,
        redis,
        keys,
        api: options.api,
        chats: options.chats,
        compose: createDigestComposer({ articles, topics, translate }),
        articles,
        topics,
        translate,
        logger,
        health: options.health,
        broadcastRate: options.broadcastRate,
        paidBroadcast: options.paidBroadcast,
      })
    : undefined;
  const scheduler = options.scheduler
    ? createScheduler({
        redis,
        keys,
        chats: options.chats,
        queue: options.queue,
        logger,
        graceMs: options.graceMs,
        onDigest: options.onDigest,
      })
    : undefined;
  scheduler?.start();
  logger.info(
    { scheduler: Boolean(scheduler), worker: Boolean(worker), rate: options.broadcastRate },
    "delivery started",
  );
  return {
    async stop() {
      await scheduler?.stop();
      await worker?.close();
    },
  };
}
