import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import { luaScript, runScript } from "../redis/lua-script.ts";
import { MAX_WATCHES, type Watch, watchOfPhrase } from "./watch-words.ts";

export type AddWatchResult = "added" | "exists" | "limit";

/** One chat's watch that an article matched. */
export interface WatchMatch {
  chatId: number;
  phrase: string;
}

/**
 * Watches per chat, and the index that finds the chats watching an
 * article's words. Each watch sits in the set of its key word
 * (`watchWord`), as "chatId phrase", so matching an article reads one set
 * set per distinct word of the article (one SUNION), whatever the number of chats, and only
 * the members sharing a word with it come back.
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
  /** Removes every watch of a chat (e.g. the bot left it). */
  clear(chatId: number): Promise<void>;
}

/** SADD of the phrase to the chat's set (KEYS[1]) and "chat phrase" to the key word's set (KEYS[2]) within the limit. */
const ADD = luaScript(`
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 'exists' end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'limit' end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return 'added'
`);

/** Whether every space-separated word of `entry` from `start` on is in `words`, without splitting it. */
function hasEveryWord(entry: string, start: number, words: ReadonlySet<string>): boolean {
  let from = start;
  for (;;) {
    const end = entry.indexOf(" ", from);
    if (!words.has(end < 0 ? entry.slice(from) : entry.slice(from, end))) return false;
    if (end < 0) return true;
    from = end + 1;
  }
}

function member(chatId: number, phrase: string): string {
  return `${chatId} ${phrase}`;
}

/** The watch store over `redis`; the only writer of `watches` and `watchWord` keys. */
export function createWatchStore(redis: Redis, keys: Keys): WatchStore {
  return {
    async add(chatId, watch) {
      const reply = await runScript(
        redis,
        ADD,
        [keys.watches(chatId), keys.watchWord(watch.keyWord)],
        [watch.phrase, member(chatId, watch.phrase), MAX_WATCHES],
      );
      return reply as AddWatchResult;
    },
    async remove(chatId, phrase) {
      const watch = watchOfPhrase(phrase);
      const [removed] = (await redis
        .multi()
        .srem(keys.watches(chatId), phrase)
        .srem(keys.watchWord(watch.keyWord), member(chatId, phrase))
        .exec()) as [Error | null, number][];
      return removed?.[1] === 1;
    },
    async list(chatId) {
      return (await redis.smembers(keys.watches(chatId))).sort();
    },
    async match(articleWords) {
      const words = [...articleWords];
      if (words.length === 0) return [];
      // one command: every watch keyed by one of the article's words
      const entries = await redis.sunion(...words.map((word) => keys.watchWord(word)));
      const found = new Map<number, string>();
      for (const entry of entries) {
        const space = entry.indexOf(" ");
        const chatId = Number(entry.slice(0, space));
        if (!found.has(chatId) && hasEveryWord(entry, space + 1, articleWords)) {
          found.set(chatId, entry.slice(space + 1));
        }
      }
      return [...found].map(([chatId, phrase]) => ({ chatId, phrase }));
    },
    async clear(chatId) {
      const phrases = await redis.smembers(keys.watches(chatId));
      const multi = redis.multi();
      for (const phrase of phrases) {
        multi.srem(keys.watchWord(watchOfPhrase(phrase).keyWord), member(chatId, phrase));
      }
      multi.del(keys.watches(chatId));
      await multi.exec();
    },
  };
}
