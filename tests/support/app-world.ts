import type { Redis } from "ioredis";
import { type ArticleStore, createArticleStore } from "../../src/articles/article-store.ts";
import { type ChatStore, createChatStore } from "../../src/chats/chat-store.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { createKeys, type Keys } from "../../src/redis/keys.ts";
import { createFakeTelegram, type FakeTelegram } from "./fake-telegram.ts";
import { deleteByPrefix, randomPrefix, testRedisUrl } from "./redis.ts";

/** A fake Telegram and a fresh key prefix, shared by a test and the app it starts as a process. */
export interface AppWorld {
  fake: FakeTelegram;
  redis: Redis;
  keys: Keys;
  chats: ChatStore;
  articles: ArticleStore;
  /** the environment that points the app at this world (no content import, no feeds) */
  env: Record<string, string>;
}

/**
 * Builds the world on `redisUrl` (the test Redis by default). Its teardown
 * (fake closed, keys deleted, connection quit) is handed to `onCleanup`, so
 * the caller orders it against stopping the app.
 */
export async function createAppWorld(
  onCleanup: (cleanup: () => Promise<void>) => void,
  redisUrl = testRedisUrl(),
): Promise<AppWorld> {
  const fake = await createFakeTelegram();
  const prefix = randomPrefix();
  const redis = createRedis(redisUrl);
  const keys = createKeys(prefix);
  onCleanup(async () => {
    await fake.close();
    await deleteByPrefix(redis, prefix);
    await redis.quit();
  });
  return {
    fake,
    redis,
    keys,
    chats: createChatStore(redis, keys, {
      defaults: { lang: "en", tz: "Europe/Kyiv" },
      topicIds: new Set(["frontline", "kursk"]),
    }),
    articles: createArticleStore(redis, keys),
    env: {
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      CONTENT_IMPORT: "false",
      FEEDS_ENABLED: "false",
      LOG_LEVEL: "info",
    },
  };
}
