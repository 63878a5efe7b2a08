import { createHash } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Redis } from "ioredis";
import { articleId, canonicalUrl } from "../articles/canonical-url.ts";
import type { Keys } from "../redis/keys.ts";

/** How long a sent message can still be corrected. */
const CORRECTABLE_MS = 48 * 3600_000;
const TTL_SECONDS = CORRECTABLE_MS / 1000;

/** One message the bot sent that holds an article. */
interface SentEntry {
  chatId: number;
  messageId: number;
  /** the key of its text in sentBody */
  bodyHash: string;
  /** when it was sent (ms) */
  sentAt: number;
}

/**
 * The messages the delivery worker sent in the last 48 hours, found by the
 * articles they hold, so a correction can follow them. Each message is one
 * entry "chatId:messageId:bodyHash" in a sorted set per article it links
 * (articles are found from the links: an article id is its canonical URL's
 * hash); its text is kept once per distinct text, deflated, since most chats
 * get the same digest text. The message is re-rendered by patching that text
 * (corrections/patch.ts), which serves digests, flashes and watch messages
 * alike, however they were composed.
 */
export interface SentMessages {
  /** Records a message the bot sent; `html` is its text as sent. */
  record(chatId: number, messageId: number, html: string, now: number): Promise<void>;
  /**
   * Stores once a text that many messages will show (a shared /latest
   * answer), for recordShared; undefined when it links no article.
   */
  storeShared(html: string, now: number): Promise<SharedText | undefined>;
  /** Records a message showing a text stored by storeShared: only its entry under each article. */
  recordShared(chatId: number, messageId: number, text: SharedText, now: number): Promise<void>;
  /** The messages holding `articleId` sent within CORRECTABLE_MS of `now`. */
  holding(articleId: string, now: number): Promise<SentEntry[]>;
  /**
   * The messages filed under any of `articleIds` (see filingIds) within
   * CORRECTABLE_MS of `now`, one entry a message: its latest text.
   */
  showing(articleIds: readonly string[], now: number): Promise<SentEntry[]>;
  /** A message's text as last sent or edited, or undefined when it expired. */
  body(hash: string): Promise<string | undefined>;
  /**
   * Records that a message now shows `html` (after an edit), for its
   * articles; `formerIds`, the articles its former text was filed under, let go of it.
   */
  replace(
    entry: SentEntry,
    html: string,
    articleIds: string[],
    formerIds?: string[],
  ): Promise<void>;
}

/** A text stored once for the many messages that show it (SentMessages.storeShared). */
export interface SharedText {
  bodyHash: string;
  /** the articles it links */
  ids: string[];
  /** when recordShared last set its articles' keys to expire (ms); see SHARED_EXPIRY_REFRESH_MS */
  expirySetAt?: number;
}

/**
 * recordShared sets the expiry of a shared text's article keys at most this
 * often, that long past 48 hours, so every message it records in between is
 * kept 48 hours: a crowd asking /latest at once costs one ZADD a reader.
 */
const SHARED_EXPIRY_REFRESH_MS = 60_000;

/** The id of the article a link names; undefined when it is not an article link. */
function linkedArticleId(href: string): string | undefined {
  try {
    return articleId(canonicalUrl(href));
  } catch {
    return undefined;
  }
}

/** The ids of the articles a message links, in order, each once. */
export function linkedArticleIds(html: string): string[] {
  const ids = new Set<string>();
  for (const match of html.matchAll(/<a href="([^"]+)"/g)) {
    const id = linkedArticleId((match[1] as string).replace(/&amp;/g, "&").replace(/&quot;/g, '"'));
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}

/**
 * The ids a message showing an article is filed under: the article's own,
 * and — once an editor moved its link to another page (/edit) — that page's,
 * which the messages corrected to it and those sent since link.
 */
export function filingIds(id: string, shownLink: string | undefined): string[] {
  const moved = shownLink === undefined ? undefined : linkedArticleId(shownLink);
  return moved === undefined || moved === id ? [id] : [id, moved];
}

function hashOf(html: string): string {
  return createHash("sha1").update(html).digest("base64url").slice(0, 16);
}

function member(entry: SentEntry): string {
  return `${entry.chatId}:${entry.messageId}:${entry.bodyHash}`;
}

/** The sent-message record over `redis`; the only writer of sentWith and sentBody keys. */
export function createSentMessages(redis: Redis, keys: Keys): SentMessages {
  async function store(
    entry: SentEntry,
    html: string,
    ids: string[],
    replaced?: { entry: SentEntry; formerIds: string[] },
  ) {
    const { sentAt } = entry;
    const multi = redis.multi();
    multi.set(keys.sentBody(entry.bodyHash), deflateRawSync(html), "EX", TTL_SECONDS);
    for (const id of replaced?.formerIds ?? []) {
      if (!ids.includes(id)) multi.zrem(keys.sentWith(id), member(replaced?.entry as SentEntry));
    }
    for (const id of ids) {
      const key = keys.sentWith(id);
      if (replaced) multi.zrem(key, member(replaced.entry));
      multi.zadd(key, sentAt, member(entry));
      multi.zremrangebyscore(key, "-inf", sentAt - CORRECTABLE_MS);
      multi.expire(key, TTL_SECONDS);
    }
    await multi.exec();
  }
  async function holding(id: string, now: number): Promise<SentEntry[]> {
    const flat = await redis.zrangebyscore(
      keys.sentWith(id),
      now - CORRECTABLE_MS,
      "+inf",
      "WITHSCORES",
    );
    const entries: SentEntry[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const [chatId, messageId, bodyHash] = (flat[i] as string).split(":");
      entries.push({
        chatId: Number(chatId),
        messageId: Number(messageId),
        bodyHash: bodyHash ?? "",
        sentAt: Number(flat[i + 1]),
      });
    }
    return entries;
  }
  return {
    async record(chatId, messageId, html, now) {
      const ids = linkedArticleIds(html);
      if (ids.length === 0) return;
      await store({ chatId, messageId, bodyHash: hashOf(html), sentAt: now }, html, ids);
    },
    async storeShared(html, now) {
      const ids = linkedArticleIds(html);
      if (ids.length === 0) return undefined;
      const bodyHash = hashOf(html);
      const multi = redis.multi();
      multi.set(keys.sentBody(bodyHash), deflateRawSync(html), "EX", TTL_SECONDS);
      for (const id of ids) multi.zremrangebyscore(keys.sentWith(id), "-inf", now - CORRECTABLE_MS);
      await multi.exec();
      return { bodyHash, ids };
    },
    async recordShared(chatId, messageId, text, now) {
      const entry = member({ chatId, messageId, bodyHash: text.bodyHash, sentAt: now });
      const refresh =
        text.expirySetAt === undefined || now - text.expirySetAt >= SHARED_EXPIRY_REFRESH_MS;
      if (refresh) text.expirySetAt = now;
      const pipeline = redis.pipeline();
      for (const id of text.ids) {
        pipeline.zadd(keys.sentWith(id), now, entry);
        if (refresh)
          pipeline.expire(keys.sentWith(id), TTL_SECONDS + SHARED_EXPIRY_REFRESH_MS / 1000);
      }
      await pipeline.exec();
    },
    holding,
    async showing(articleIds, now) {
      const found = (await Promise.all(articleIds.map((id) => holding(id, now)))).flat();
      const latest = new Map<string, SentEntry>();
      for (const entry of found) {
        const key = `${entry.chatId}:${entry.messageId}`;
        const seen = latest.get(key);
        if (!seen || entry.sentAt > seen.sentAt) latest.set(key, entry);
      }
      return [...latest.values()];
    },
    async body(hash) {
      const packed = await redis.getBuffer(keys.sentBody(hash));
      return packed ? inflateRawSync(packed).toString("utf8") : undefined;
    },
    async replace(entry, html, ids, formerIds = []) {
      await store({ ...entry, bodyHash: hashOf(html) }, html, ids, { entry, formerIds });
    },
  };
}
