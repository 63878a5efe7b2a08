import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import { luaScript, runCall, type ScriptBatch, scriptCall } from "../redis/lua-script.ts";
import { type KnownText, KnownTexts } from "./known-texts.ts";
import { bodyHashOf } from "./message-links.ts";

/** How long a sent message can still be corrected. */
const CORRECTABLE_MS = 48 * 3600_000;

/**
 * A text's body is stored, and its articles' keys trimmed and set to expire,
 * at most this often for all the messages showing it; each key is kept this
 * much longer than 48 hours, so every message recorded in between is kept 48
 * hours too.
 */
const STORE_EVERY_MS = 60_000;
const KEEP_SECONDS = (CORRECTABLE_MS + STORE_EVERY_MS) / 1000;

/**
 * One message's entry under each article its text links. A key that has no
 * expiry (created since its text was last stored, say after Redis lost it)
 * gets one; replies whether the text's body is still there.
 * KEYS[1]: the body; KEYS[2..]: one sorted set per article.
 * ARGV: sent at (ms), the entry, seconds to keep.
 */
const RECORD_ENTRY = luaScript(`
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2])
  if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], ARGV[3]) end
end
return redis.call('EXISTS', KEYS[1])
`);

/** One message the bot sent that holds an article. */
export interface SentEntry {
  chatId: number;
  messageId: number;
  /** the key of its text in sentBody */
  bodyHash: string;
  /** when it was sent (ms) */
  sentAt: number;
}

function member(entry: SentEntry): string {
  return `${entry.chatId}:${entry.messageId}:${entry.bodyHash}`;
}

/**
 * The messages the bot sent in the last 48 hours, found by the articles they
 * hold, so a correction can follow them. Each message is one entry
 * "chatId:messageId:bodyHash" in a sorted set per article it links (articles
 * are found from the links: an article id is its canonical URL's hash); its
 * text is kept once per distinct text, deflated, since most chats get the
 * same digest text and every reader the same /latest answer. The message is
 * re-rendered by patching that text (corrections/patch.ts), which serves
 * digests, flashes, watch messages and answers alike, however they were
 * composed. The only writer of the sentWith and sentBody keys.
 */
export class SentMessages {
  private readonly texts = new KnownTexts();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Records a message the bot sent; `html` is its text as sent. With a
   * `batch`, the message's entry goes out with the batch's other writes
   * (one command for a delivered part's bookkeeping), and the promise is
   * that of storing the text, when this process has not lately.
   */
  record(
    chatId: number,
    messageId: number,
    html: string,
    now: number,
    batch?: ScriptBatch,
  ): Promise<void> {
    const text = this.texts.of(html);
    if (text.ids.length === 0) return Promise.resolve();
    const stored = this.store(text, html, now);
    const entry = member({ chatId, messageId, bodyHash: text.bodyHash, sentAt: now });
    const call = scriptCall(
      RECORD_ENTRY,
      [this.keys.sentBody(text.bodyHash), ...text.ids.map((id) => this.keys.sentWith(id))],
      [now, entry, KEEP_SECONDS],
      (reply) => {
        // the body was lost (Redis restarted empty): the text's next message stores it again
        if (reply === 0) text.storedAt = undefined;
      },
    );
    if (batch) {
      batch.add(call);
      return stored;
    }
    return Promise.all([runCall(this.redis, call), stored]).then(() => undefined);
  }

  /** The messages holding `articleId` sent within CORRECTABLE_MS of `now`. */
  async holding(articleId: string, now: number): Promise<SentEntry[]> {
    const flat = await this.redis.zrangebyscore(
      this.keys.sentWith(articleId),
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

  /**
   * The messages filed under any of `articleIds` (see filingIds) within
   * CORRECTABLE_MS of `now`, one entry a message: its latest text.
   */
  async showing(articleIds: readonly string[], now: number): Promise<SentEntry[]> {
    const found = (await Promise.all(articleIds.map((id) => this.holding(id, now)))).flat();
    const latest = new Map<string, SentEntry>();
    for (const entry of found) {
      const key = `${entry.chatId}:${entry.messageId}`;
      const seen = latest.get(key);
      if (!seen || entry.sentAt > seen.sentAt) latest.set(key, entry);
    }
    return [...latest.values()];
  }

  /** A message's text as last sent or edited, or undefined when it expired. */
  async body(hash: string): Promise<string | undefined> {
    const packed = await this.redis.getBuffer(this.keys.sentBody(hash));
    return packed ? inflateRawSync(packed).toString("utf8") : undefined;
  }

  /**
   * Records that a message now shows `html` (after an edit), for its
   * articles; `formerIds`, the articles its former text was filed under, let go of it.
   */
  async replace(
    entry: SentEntry,
    html: string,
    articleIds: string[],
    formerIds: string[] = [],
  ): Promise<void> {
    const edited = { ...entry, bodyHash: bodyHashOf(html) };
    const multi = this.redis.multi();
    multi.set(this.keys.sentBody(edited.bodyHash), deflateRawSync(html), "EX", KEEP_SECONDS);
    for (const id of formerIds) {
      if (!articleIds.includes(id)) multi.zrem(this.keys.sentWith(id), member(entry));
    }
    for (const id of articleIds) {
      const key = this.keys.sentWith(id);
      multi.zrem(key, member(entry));
      multi.zadd(key, edited.sentAt, member(edited));
      multi.zremrangebyscore(key, "-inf", edited.sentAt - CORRECTABLE_MS);
      multi.expire(key, KEEP_SECONDS);
    }
    await multi.exec();
  }

  /**
   * Stores a text's body and trims and sets to expire its articles' keys,
   * unless this process did within STORE_EVERY_MS; messages recorded while
   * it runs wait for the same store.
   */
  private store(text: KnownText, html: string, now: number): Promise<void> {
    if (text.storing) return text.storing;
    if (text.storedAt !== undefined && Math.abs(now - text.storedAt) < STORE_EVERY_MS) {
      return Promise.resolve();
    }
    const multi = this.redis.multi();
    multi.set(this.keys.sentBody(text.bodyHash), deflateRawSync(html), "EX", KEEP_SECONDS);
    for (const id of text.ids) {
      const key = this.keys.sentWith(id);
      multi.zremrangebyscore(key, "-inf", now - CORRECTABLE_MS);
      multi.expire(key, KEEP_SECONDS);
    }
    const storing = multi
      .exec()
      .then(() => {
        text.storedAt = now;
      })
      .finally(() => {
        text.storing = undefined;
      });
    text.storing = storing;
    return storing;
  }
}

const instances = new WeakMap<Redis, Map<string, SentMessages>>();

/**
 * The sent-message record of one deployment (key prefix) over `redis`, one
 * per process, so the texts it knows serve every message that shows them.
 */
export function sentMessagesOn(redis: Redis, keys: Keys): SentMessages {
  let byPrefix = instances.get(redis);
  if (!byPrefix) {
    byPrefix = new Map();
    instances.set(redis, byPrefix);
  }
  let sent = byPrefix.get(keys.prefix);
  if (!sent) {
    sent = new SentMessages(redis, keys);
    byPrefix.set(keys.prefix, sent);
  }
  return sent;
}
