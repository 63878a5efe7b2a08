import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import { luaScript, runScript } from "../redis/lua-script.ts";
import {
  type MatchedOnCopy,
  versionBucket,
  WatchIndexCache,
  type WatchMatch,
} from "./watch-index.ts";
import { MAX_WATCHES, type Watch, watchOfPhrase } from "./watch-words.ts";

type AddWatchResult = "added" | "exists" | "limit";

/**
 * Watches per chat, and the index that finds the chats watching an
 * article's words. Each watch sits in the set of its key word
 * (`watchWord`), as "chatId phrase"; matching reads those sets through this
 * process's copy of them (watch-index.ts), so only the sets that changed
 * since they were last read come back, whatever the number of chats.
 */
export interface WatchStore {
  /** Adds a watch unless the chat has it already or holds MAX_WATCHES. */
  add(chatId: number, watch: Watch): Promise<AddWatchResult>;
  /** Removes a watch by its phrase; false when the chat had none such. */
  remove(chatId: number, phrase: string): Promise<boolean>;
  /** The chat's watches, phrases in alphabetical order. */
  list(chatId: number): Promise<string[]>;
  /** Every (chat, watch) whose words are all among `articleWords`, one per chat (the first found). */
  match(articleWords: ReadonlySet<string>): Promise<WatchMatch[]>;
  /**
   * match() of several articles' words on this process's copy of the index
   * (watch-index.ts): `fresh` checks the whole copy first, in one command;
   * without it only the words the copy lacks are read, and the caller's
   * write checks the returned counts (watch-hits.ts addRound).
   */
  matchMany(
    articles: readonly ReadonlySet<string>[],
    options?: { fresh?: boolean },
  ): Promise<MatchedOnCopy>;
  /** Removes every watch of a chat (e.g. the bot left it). */
  clear(chatId: number): Promise<void>;
  /**
   * Moves a chat's watches, and their places in the word index, to its new
   * id (a group upgraded to a supergroup); idempotent, so either of
   * Telegram's two migration messages, or both, may call it.
   */
  migrate(oldId: number, newId: number): Promise<void>;
}

/**
 * SADD of the phrase to the chat's set (KEYS[1]) and "chat phrase" to the
 * key word's set (KEYS[2]) within the limit, counting the change in the key
 * word's bucket (ARGV[4]) of the change counts (KEYS[3]).
 */
const ADD = luaScript(`
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 'exists' end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'limit' end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
return 'added'
`);

function member(chatId: number, phrase: string): string {
  return `${chatId} ${phrase}`;
}

/** The watch store over `redis`; the only writer of `watches`, `watchWord` and `watchVersions` keys. */
export function createWatchStore(redis: Redis, keys: Keys): WatchStore {
  const index = new WatchIndexCache(redis, keys);
  return {
    async add(chatId, watch) {
      const reply = await runScript(
        redis,
        ADD,
        [keys.watches(chatId), keys.watchWord(watch.keyWord), keys.watchVersions()],
        [watch.phrase, member(chatId, watch.phrase), MAX_WATCHES, versionBucket(watch.keyWord)],
      );
      return reply as AddWatchResult;
    },
    async remove(chatId, phrase) {
      const watch = watchOfPhrase(phrase);
      const [removed] = (await redis
        .multi()
        .srem(keys.watches(chatId), phrase)
        .srem(keys.watchWord(watch.keyWord), member(chatId, phrase))
        .hincrby(keys.watchVersions(), String(versionBucket(watch.keyWord)), 1)
        .exec()) as [Error | null, number][];
      return removed?.[1] === 1;
    },
    async list(chatId) {
      return (await redis.smembers(keys.watches(chatId))).sort();
    },
    async match(articleWords) {
      return (await index.match([articleWords], { fresh: true })).matches[0] ?? [];
    },
    matchMany: (articles, options) => index.match(articles, options),
    async migrate(oldId, newId) {
      const phrases = await redis.smembers(keys.watches(oldId));
      if (phrases.length === 0) return;
      const multi = redis.multi();
      for (const phrase of phrases) {
        const { keyWord } = watchOfPhrase(phrase);
        multi.srem(keys.watchWord(keyWord), member(oldId, phrase));
        multi.sadd(keys.watchWord(keyWord), member(newId, phrase));
        multi.hincrby(keys.watchVersions(), String(versionBucket(keyWord)), 1);
      }
      multi.sadd(keys.watches(newId), ...phrases);
      multi.del(keys.watches(oldId));
      await multi.exec();
    },
    async clear(chatId) {
      const phrases = await redis.smembers(keys.watches(chatId));
      const multi = redis.multi();
      for (const phrase of phrases) {
        const { keyWord } = watchOfPhrase(phrase);
        multi.srem(keys.watchWord(keyWord), member(chatId, phrase));
        multi.hincrby(keys.watchVersions(), String(versionBucket(keyWord)), 1);
      }
      multi.del(keys.watches(chatId));
      await multi.exec();
    },
  };
}
