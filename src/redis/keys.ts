/**
 * Every Redis key name the bot uses, built under one prefix so that two
 * deployments (or two tests) can share a server without touching each other.
 * Nothing else in the code base spells a key. Each key's comment names the
 * module that writes it: one, except where it says why there are two.
 */
export interface Keys {
  readonly prefix: string;
  /** hash: one article's fields; written by the article store (articles/article-writes.ts) */
  article(id: string): string;
  /** zset: article id -> publishedAt ms, all articles; written by articles/article-writes.ts */
  articles(): string;
  /** zset: article id -> publishedAt ms, one topic; written by articles/article-writes.ts */
  articlesByTopic(topic: string): string;
  /**
   * zset: article id -> ms when the bot first stored it, for the last
   * ARRIVALS_KEPT_MS (late news, see ArticleStore.arrivedLate); written by
   * articles/article-writes.ts
   */
  articlesArrived(): string;
  /** set: ids of the articles an editor withdrew, left out of every list for readers; written by articles/withdrawals.ts */
  withdrawn(): string;
  /** string: canonical-URL sha1 -> article id; written by articles/article-writes.ts */
  articleByUrl(urlHash: string): string;
  /**
   * string: a counter bumped in every write that changes an article, so a process
   * holding answers built from articles (digest/latest-cache.ts) sees a change,
   * and in every withdrawal (articles/withdrawals.ts runs the bump);
   * written by articles/article-writes.ts
   */
  articlesVersion(): string;
  /**
   * set: article ids whose title or summary contain a word (search index);
   * written by articles/article-writes.ts, with the words search-index.ts picks
   */
  searchWord(word: string): string;
  /** hash: one chat's settings and state; written by the chat store (chats/chat-store.ts, chat-cursor.ts) */
  chat(chatId: number | string): string;
  /**
   * zset: chat id -> next due ms; written only by the chat store's schedule
   * index: chats/chat-store.ts and chat-schedule-index.ts when a chat's
   * settings or status change, chats/schedule-claim.ts when the scheduler
   * claims the chats that are due and moves them to their next time
   */
  schedule(): string;
  /** set: ids of the chats (linked channels) a user manages from their private chat; written by chats/chat-store.ts */
  chatsManagedBy(userId: number | string): string;
  /** string: which setting the bot waits for a user to type in a chat (expires); written by bot/menus/awaiting-input.ts */
  awaitingInput(chatId: number | string, userId: number | string): string;
  /** hash: one feed source's fetch state; written by feeds/feed-state.ts */
  feed(sourceId: string): string;
  /** string: the article id and content fingerprint of one feed item a source carried (expires); written by feeds/ingest-items.ts */
  feedItem(sourceId: string, itemHash: string): string;
  /** string: set while one instance polls a source, so two never fetch it at once (expires); written by feeds/poll-lock.ts */
  feedLock(sourceId: string): string;
  /** string: grammY conversation state; written by bot/conversations/storage.ts */
  conversation(key: string): string;
  /** BullMQ's own prefix (it adds the ":"), so queue keys live under ours: "fd" for "fd:"; BullMQ writes them */
  queuePrefix(): string;
  /**
   * hash: one delivery job's progress: the digest it sends, part index ->
   * message_id, target chat; written by delivery/delivery-log.ts
   */
  deliveryRecord(jobId: string): string;
  /**
   * set: ids of the articles already pushed to a chat as flashes or in a
   * watch message, which its digests leave out (expires); written by
   * delivery/delivery-log.ts
   */
  flashed(chatId: number | string): string;
  /** string: set once an urgent article was fanned out to the subscribed chats (expires); written by delivery/flash.ts */
  flashFanOut(articleId: string): string;
  /** set: one chat's watches, each its normalised words joined by a space; written by watches/watch-store.ts */
  watches(chatId: number | string): string;
  /** set: "chatId phrase" of every watch whose key word (its longest) is `word`; written by watches/watch-store.ts */
  watchWord(word: string): string;
  /**
   * hash: bucket of a key word (0–4095) -> count of changes to the watches of
   * its words, so a process caching the word index knows what to re-read;
   * written by watches/watch-store.ts
   */
  watchVersions(): string;
  /** hash: article id -> the watch it matched, waiting for the chat's next watch message (expires); written by watches/watch-hits.ts */
  watchHits(chatId: number | string): string;
  /** string: when the chat's pending watch message is planned (ms), while its job waits (expires); written by watches/watch-hits.ts */
  watchPlan(chatId: number | string): string;
  /** string: when the chat's last watch message went out (ms); expires after the watch window; written by watches/watch-hits.ts */
  watchLast(chatId: number | string): string;
  /**
   * zset: "chatId:messageId:bodyHash" of the messages sent holding an article
   * -> sent ms (expires, 48 h); written by corrections/sent-messages.ts
   */
  sentWith(articleId: string): string;
  /**
   * string: a sent message's HTML, deflated, shared by every message of the
   * same text (expires, 48 h); written by corrections/sent-messages.ts
   */
  sentBody(hash: string): string;
  /**
   * hash: delivery counters (sent, retried, blocked, ...); written by
   * delivery/counters.ts (a sent part is counted in the command that records it)
   */
  deliveryCounters(): string;
  /** string: when the next message may go out to any chat (ms, Redis clock); written by delivery/rate-gate.ts */
  rateGlobal(): string;
  /** string: when the next message may go out to one chat (ms, Redis clock); written by delivery/rate-gate.ts */
  rateChat(chatId: number | string): string;
  /** zset: send slots of the last minute to one group or channel; written by delivery/rate-gate.ts */
  rateGroup(chatId: number | string): string;
  /** string: set while Telegram asked every send to wait (429); expires when it may resume; written by delivery/rate-gate.ts */
  ratePause(): string;
  /** zset: one user's or one group's recent commands, by ms (flood limit; expires with its window); written by bot/flood-limit-store.ts */
  floodWindow(scope: "user" | "chat", id: number | string): string;
  /** string: set once "too many requests" was said to a user or group; expires when its window reopens; written by bot/flood-limit-store.ts */
  floodNotice(scope: "user" | "chat", id: number | string): string;
  /** string: the id of the process holding a lease ("feeds", "scheduler") (expires); written by redis/lease.ts */
  lease(name: string): string;
  /** string: set when a webhook update was taken, so a redelivery is not handled twice (expires); written by server/webhook.ts */
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
    articlesVersion: () => `${prefix}articles:version`,
    searchWord: (word) => `${prefix}search:${word}`,
    chat: (chatId) => `${prefix}chat:${chatId}`,
    schedule: () => `${prefix}schedule`,
    chatsManagedBy: (userId) => `${prefix}manages:${userId}`,
    awaitingInput: (chatId, userId) => `${prefix}awaiting:${chatId}:${userId}`,
    feed: (sourceId) => `${prefix}feed:${sourceId}`,
    feedItem: (sourceId, itemHash) => `${prefix}feed:${sourceId}:item:${itemHash}`,
    feedLock: (sourceId) => `${prefix}feed:${sourceId}:lock`,
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
