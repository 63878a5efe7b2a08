import { fileURLToPath } from "node:url";
import { type RunnerHandle, run } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { onTestFinished } from "vitest";
import { type ArticleStore, createArticleStore } from "../../src/articles/article-store.ts";
import { createTagger } from "../../src/articles/tagger.ts";
import { loadTopics, type Topic } from "../../src/articles/topics.ts";
import { Withdrawals, withoutWithdrawn } from "../../src/articles/withdrawals.ts";
import type { BotContext, BotDeps } from "../../src/bot/context.ts";
import { createBot } from "../../src/bot/index.ts";
import { ALLOWED_UPDATES } from "../../src/bot/polling.ts";
import { type ChatStore, createChatStore } from "../../src/chats/chat-store.ts";
import { createDeliveryQueue, type DeliveryQueue } from "../../src/delivery/queue.ts";
import { createFeedStateStore } from "../../src/feeds/feed-state.ts";
import { loadSources } from "../../src/feeds/sources.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { createKeys, type Keys } from "../../src/redis/keys.ts";
import { createFakeTelegram, type FakeTelegram } from "./fake-telegram.ts";
import { captureLogs, type LogCapture } from "./log-capture.ts";
import { deleteByPrefix, randomPrefix, testRedisUrl } from "./redis.ts";

export const TOPICS_FILE = fileURLToPath(new URL("../../content/topics.json", import.meta.url));
export const SOURCES_FILE = fileURLToPath(new URL("../../content/sources.json", import.meta.url));

export interface BotHarnessOptions {
  /** Reuse a fake (e.g. one with limits set); by default a new one is made and closed after. */
  fake?: FakeTelegram;
  /** Reuse a key prefix (a "restart" on the same data); by default a random one. */
  prefix?: string;
  /** Editors' user ids (EDITOR_IDS); `h.deps.editorIds.push(id)` adds one later. */
  editors?: number[];
  /** Pins the bot's clock at this moment (ms); the test moves it with `h.clock.now`. */
  now?: number;
  /** Keeps the bot's log lines of this level and up in `h.logs`; by default none are kept. */
  logs?: "info" | "debug";
  /**
   * A delivery queue (BullMQ) on the test Redis in `h.queue`, closed after the
   * test; `connected`: the bot enqueues flashes there and /stats counts it.
   */
  queue?: { connected: boolean };
  /** Overrides of the bot's dependencies (win over everything above). */
  deps?: Partial<BotDeps>;
}

/** The real bot, polling a fake Telegram, on real stores in the test Redis. */
export interface BotHarness {
  fake: FakeTelegram;
  redis: Redis;
  keys: Keys;
  prefix: string;
  articles: ArticleStore;
  chats: ChatStore;
  topics: Topic[];
  deps: BotDeps;
  /** The bot's time when `now` was given: set `clock.now` to move it. */
  clock: { now: number };
  /** What the bot logged, when `logs` was given (empty otherwise). */
  logs: LogCapture;
  /** The delivery queue, when `queue` was given. */
  queue: DeliveryQueue | undefined;
  bot: Bot<BotContext>;
  /** Stops polling and builds a fresh bot on the same stores and fake, as a process restart would. */
  restart(): Promise<void>;
  /** Stops polling (done automatically when the test finishes). */
  stop(): Promise<void>;
}

/**
 * The one way bot tests start the bot: the way production does (createBot +
 * @grammyjs/runner long polling) against a fake Telegram and a fresh key
 * prefix, with the editors, clock, log capture and queue a test asks for.
 * Call it inside a test; everything is stopped and deleted when the test
 * finishes.
 */
export async function startBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const fake = options.fake ?? (await createFakeTelegram());
  const redis = createRedis(testRedisUrl());
  const prefix = options.prefix ?? randomPrefix();
  const keys = createKeys(prefix);
  const topics = loadTopics(TOPICS_FILE);
  const articles = withoutWithdrawn(createArticleStore(redis, keys), new Withdrawals(redis, keys));
  const chats = createChatStore(redis, keys, {
    defaults: { lang: "en", tz: "Europe/Kyiv" },
    topicIds: new Set(topics.map((t) => t.id)),
  });
  const clock = { now: options.now ?? Date.now() };
  const logs = captureLogs(options.logs ?? "silent");
  const queue = options.queue ? createDeliveryQueue({ connection: redis, keys }) : undefined;
  const deps: BotDeps = {
    articles,
    chats,
    topics,
    sources: loadSources(SOURCES_FILE),
    feedState: createFeedStateStore(redis, keys),
    tagger: createTagger(topics),
    editorIds: [...(options.editors ?? [])],
    defaultLanguage: "en",
    defaultTimezone: "Europe/Kyiv",
    logger: options.logs ? logs.logger : pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    clock: options.now === undefined ? Date.now : () => clock.now,
    redis,
    keys,
    // tests press and type at machine speed; the flood-limit tests set the limits they check
    floodLimits: { user: undefined, group: undefined },
    ...(queue && options.queue?.connected ? { deliveryQueue: queue } : {}),
    ...options.deps,
  };

  let runner: RunnerHandle | undefined;
  const launch = () => {
    const bot = createBot(deps, { token: fake.token, apiRoot: fake.apiRoot, botInfo: fake.bot });
    runner = run(bot, {
      runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: 5 } },
    });
    return bot;
  };
  const stop = async () => {
    if (runner?.isRunning()) await runner.stop();
  };

  const harness: BotHarness = {
    fake,
    redis,
    keys,
    prefix,
    articles,
    chats,
    topics,
    deps,
    clock,
    logs,
    queue,
    bot: launch(),
    async restart() {
      await stop();
      harness.bot = launch();
    },
    stop,
  };

  onTestFinished(async () => {
    await stop();
    await queue?.close();
    if (!options.fake) await fake.close();
    if (!options.prefix) await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });
  return harness;
}
