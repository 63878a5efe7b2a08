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
  /**
   * zset: article id -> ms when the bot first stored it, for the last
   * ARRIVALS_KEPT_MS (late news, see ArticleStore.arrivedLate)
   */
  articlesArrived(): string;
  /** set: ids of the articles an editor withdrew, left out of every list for readers (articles/withdrawals.ts) */
  withdrawn(): string;
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
  /** string: which setting the bot waits for a user to type in a chat (expires) */
  awaitingInput(chatId: number | string, userId: number | string): string;
  /** hash: one feed source's fetch state */
  feed(sourceId: string): string;
  /** string: the article id and content fingerprint of one feed item a source carried (expires) */
  feedItem(sourceId: string, itemHash: string): string;
  /** string: set while one instance polls a source, so two never fetch it at once (expires) */
  feedLock(sourceId: string): string;
  /** string: grammY session data */
  session(key: string): string;
  /** string: grammY conversation state */
  conversation(key: string): string;
  /** BullMQ's own prefix (it adds the ":"), so queue keys live under ours: "fd" for "fd:" */
  queuePrefix(): string;
  /** hash: one delivery job's progress: the digest it sends, part index -> message_id, target chat */
  deliveryRecord(jobId: string): string;
  /** set: ids of the articles already pushed to a chat as flashes (expires) */
  flashed(chatId: number | string): string;
  /** string: set once an urgent article was fanned out to the subscribed chats (expires) */
  flashFanOut(articleId: string): string;
  /** set: one chat's watches, each its normalised words joined by a space (watches/watch-store.ts) */
  watches(chatId: number | string): string;
  /** set: "chatId phrase" of every watch whose key word (its longest) is `word` (watches/watch-store.ts) */
  watchWord(word: string): string;
  /**
   * hash: bucket of a key word (0–4095) -> count of changes to the watches of
   * its words, so a process caching the word index knows what to re-read
   * (watches/watch-store.ts)
   */
  watchVersions(): string;
  /** hash: article id -> the watch it matched, waiting for the chat's next watch message (expires) */
  watchHits(chatId: number | string): string;
  /** string: when the chat's pending watch message is planned (ms), while its job waits (expires) */
  watchPlan(chatId: number | string): string;
  /** string: when the chat's last watch message went out (ms); expires after the watch window */
  watchLast(chatId: number | string): string;
  /** zset: "chatId:messageId:bodyHash" of the messages sent holding an article -> sent ms (expires, 48 h) */
  sentWith(articleId: string): string;
  /** string: a sent message's HTML, deflated, shared by every message of the same text (expires, 48 h) */
  sentBody(hash: string): string;
  /** hash: delivery counters (sent, retried, blocked, ...) */
  deliveryCounters(): string;
  /** string: when the next message may go out to any chat (ms, Redis clock) */
  rateGlobal(): string;
  /** string: when the next message may go out to one chat (ms, Redis clock) */
  rateChat(chatId: number | string): string;
  /** zset: send slots of the last minute to one group or channel */
  rateGroup(chatId: number | string): string;
  /** string: set while Telegram asked every send to wait (429); expires when it may resume */
  ratePause(): string;
  /** zset: one user's or one group's recent commands, by ms (flood limit; expires with its window) */
  floodWindow(scope: "user" | "chat", id: number | string): string;
  /** string: set once "too many requests" was said to a user or group; expires when its window reopens */
  floodNotice(scope: "user" | "chat", id: number | string): string;
  /** string: the id of the process holding a lease ("feeds", "scheduler"); written only by redis/lease.ts (expires) */
  lease(name: string): string;
  /** string: set when a webhook update was taken, so a redelivery is not handled twice (expires) */
  webhookUpdate(updateId: number): string;
}

/** Builds the key namespace for one deployment; `prefix` defaults to `fd:`. */
export function createKeys(prefix = "fd:"): Keys {
  return {
    prefix,
    article: (id) => `${prefix}article:${id}`,
    articles: () => `${prefix}articles`,
    articlesByTopic: (topic) => `${prefix}articles:topic:${topic}`,
    articlesArrived: () => `${prefix}articles:arrived`,
    withdrawn: () => `${prefix}articles:withdrawn`,
    articleByUrl: (urlHash) => `${prefix}article:url:${urlHash}`,
    searchWord: (word) => `${prefix}search:${word}`,
    chat: (chatId) => `${prefix}chat:${chatId}`,
    schedule: () => `${prefix}schedule`,
    chatsManagedBy: (userId) => `${prefix}manages:${userId}`,
    awaitingInput: (chatId, userId) => `${prefix}awaiting:${chatId}:${userId}`,
    feed: (sourceId) => `${prefix}feed:${sourceId}`,
    feedItem: (sourceId, itemHash) => `${prefix}feed:${sourceId}:item:${itemHash}`,
    feedLock: (sourceId) => `${prefix}feed:${sourceId}:lock`,
    session: (key) => `${prefix}session:${key}`,
    conversation: (key) => `${prefix}conversation:${key}`,
    queuePrefix: () => (prefix.endsWith(":") ? prefix.slice(0, -1) : prefix),
    deliveryRecord: (jobId) => `${prefix}delivered:${jobId}`,
    flashed: (chatId) => `${prefix}flashed:${chatId}`,
    flashFanOut: (articleId) => `${prefix}flash:fanout:${articleId}`,
    watches: (chatId) => `${prefix}watches:${chatId}`,
    watchWord: (word) => `${prefix}watch:word:${word}`,
    watchVersions: () => `${prefix}watch:versions`,
    watchHits: (chatId) => `${prefix}watch:hits:${chatId}`,
    watchPlan: (chatId) => `${prefix}watch:plan:${chatId}`,
    watchLast: (chatId) => `${prefix}watch:last:${chatId}`,
    sentWith: (articleId) => `${prefix}sent:article:${articleId}`,
    sentBody: (hash) => `${prefix}sent:body:${hash}`,
    deliveryCounters: () => `${prefix}stats:delivery`,
    rateGlobal: () => `${prefix}rate:global`,
    rateChat: (chatId) => `${prefix}rate:chat:${chatId}`,
    rateGroup: (chatId) => `${prefix}rate:group:${chatId}`,
    ratePause: () => `${prefix}rate:pause`,
    floodWindow: (scope, id) => `${prefix}flood:${scope}:${id}`,
    floodNotice: (scope, id) => `${prefix}flood:${scope}:${id}:notice`,
    lease: (name) => `${prefix}lease:${name}`,
    webhookUpdate: (updateId) => `${prefix}webhook:update:${updateId}`,
  };
}
