import { join } from "node:path";
import type { Redis } from "ioredis";
import { type ArticleStore, createArticleStore } from "../articles/article-store.ts";
import { type Clusters, createClusters } from "../articles/clusters.ts";
import { createTagger, type Tagger } from "../articles/tagger.ts";
import { loadTopics, type Topic } from "../articles/topics.ts";
import { Withdrawals, withoutWithdrawn } from "../articles/withdrawals.ts";
import { type ChatStore, createChatStore } from "../chats/chat-store.ts";
import type { Config } from "../config.ts";
import { createKeys, type Keys } from "../redis/keys.ts";

export interface AppStores {
  keys: Keys;
  articles: ArticleStore;
  topics: Topic[];
  topicIds: Set<string>;
  tagger: Tagger;
  clusters: Clusters;
  chats: ChatStore;
}

/** The article and chat stores on the stores' connection, with the topics of content/topics.json. */
export function createStores(config: Config, redis: Redis): AppStores {
  const keys = createKeys(config.redisPrefix);
  // readers are never offered a withdrawn article (/withdraw)
  const articles = withoutWithdrawn(createArticleStore(redis, keys), new Withdrawals(redis, keys));
  const topics = loadTopics(join(config.contentDir, "topics.json"));
  const topicIds = new Set(topics.map((t) => t.id));
  const tagger = createTagger(topics);
  const clusters = createClusters(articles, tagger);
  const chats = createChatStore(redis, keys, {
    defaults: { lang: config.defaultLanguage, tz: config.defaultTimezone },
    topicIds,
  });
  return { keys, articles, topics, topicIds, tagger, clusters, chats };
}
