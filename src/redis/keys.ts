/**
 * Every Redis key name the bot uses, built under one prefix so that two
 * deployments (or two tests) can share a server without touching each other.
 * Nothing else in the code base spells a key.
 */
export interface Keys {
  readonly prefix: string;
  /** hash: one article's fields */
  article(id: string): string;
  /** zset: article id -> publishedAt ms, all articles */
  articles(): string;
  /** zset: article id -> publishedAt ms, one topic */
  articlesByTopic(topic: string): string;
  /** string: canonical-URL sha1 -> article id */
  articleByUrl(urlHash: string): string;
  /** set: article ids whose title or summary contain a word (search index) */
  searchWord(word: string): string;
  /** hash: one chat's settings and state */
  chat(chatId: number | string): string;
  /** zset: chat id -> next due ms */
  schedule(): string;
  /** set: ids of the chats (linked channels) a user manages from their private chat */
  chatsManagedBy(userId: number | string): string;
  /** hash: one feed source's fetch state */
  feed(sourceId: string): string;
  /** string: grammY session data */
  session(key: string): string;
  /** string: grammY conversation state */
  conversation(key: string): string;
}

/** Builds the key namespace for one deployment; `prefix` defaults to `fd:`. */
export function createKeys(prefix = "fd:"): Keys {
  return {
    prefix,
    article: (id) => `${prefix}article:${id}`,
    articles: () => `${prefix}articles`,
    articlesByTopic: (topic) => `${prefix}articles:topic:${topic}`,
    articleByUrl: (urlHash) => `${prefix}article:url:${urlHash}`,
    searchWord: (word) => `${prefix}search:${word}`,
    chat: (chatId) => `${prefix}chat:${chatId}`,
    schedule: () => `${prefix}schedule`,
    chatsManagedBy: (userId) => `${prefix}manages:${userId}`,
    feed: (sourceId) => `${prefix}feed:${sourceId}`,
    session: (key) => `${prefix}session:${key}`,
    conversation: (key) => `${prefix}conversation:${key}`,
  };
}
