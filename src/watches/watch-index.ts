import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.ts";
import { luaScript, runScript } from "../redis/lua-script.ts";

/** Buckets the word index's change counts are kept in: a hash of fixed size, however many watches. */
const VERSION_BUCKETS = 4096;
/** Words this process keeps; past it the copy starts over (the vocabulary of news only grows). */
const MAX_CACHED_WORDS = 200_000;

/** The bucket of a key word's change count (FNV-1a of its UTF-16 code units). */
export function versionBucket(word: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    hash ^= word.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % VERSION_BUCKETS;
}

/** One chat's watch that an article matched. */
export interface WatchMatch {
  chatId: number;
  phrase: string;
}

interface IndexEntry extends WatchMatch {
  words: string[];
}

/**
 * A round's matches on this process's copy of the index, and the change
 * counts that copy was read at ([bucket, count] pairs, flat), for a write to
 * go ahead only while they hold (watch-hits.ts addRound).
 */
export interface MatchedOnCopy {
  matches: WatchMatch[][];
  counts: (number | string)[];
}

interface CachedWord {
  version: string;
  entries: IndexEntry[];
}

/**
 * For word i (KEYS[i + 1], its index set; ARGV[2i - 1] its bucket in the
 * change counts KEYS[1]; ARGV[2i] the count the caller's copy was read at):
 * false when the copy is current, else { count, the set's members }. One
 * command, atomic, so a copy is never newer than the count stored with it.
 */
const READ_CHANGED = luaScript(`
local out = {}
for i = 2, #KEYS do
  local count = redis.call('HGET', KEYS[1], ARGV[2 * i - 3]) or '0'
  if count == ARGV[2 * i - 2] then
    out[i - 1] = false
  else
    out[i - 1] = { count, redis.call('SMEMBERS', KEYS[i]) }
  end
end
return out
`);

function entryOf(member: string): IndexEntry {
  const space = member.indexOf(" ");
  const phrase = member.slice(space + 1);
  return { chatId: Number(member.slice(0, space)), phrase, words: phrase.split(" ") };
}

/**
 * This process's copy of the word index (watchWord sets), read word by word
 * as articles use them and re-read only when a watch keyed by a word of the
 * same bucket changed (the bucket's count in watchVersions, which every
 * write of watch-store.ts raises). Matching a round of articles costs one
 * command that sends back only what changed, and in our process work in
 * proportion to the watches sharing a word with the articles, whatever the
 * number of chats.
 */
export class WatchIndexCache {
  private readonly words = new Map<string, CachedWord>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * For each set of article words: every (chat, watch) whose words are all
   * in it, one per chat. With `fresh`, every word's copy is checked against
   * Redis first (one command); without, only words the copy lacks are read,
   * and the counts returned tell whether the copy was current.
   */
  async match(
    articles: readonly ReadonlySet<string>[],
    options: { fresh?: boolean } = {},
  ): Promise<MatchedOnCopy> {
    const all = new Set<string>();
    for (const words of articles) for (const word of words) all.add(word);
    const words = [...all];
    await this.refresh(options.fresh ? words : words.filter((word) => !this.words.has(word)));
    const counts = new Map<string, [number, string]>();
    for (const word of words) {
      const bucket = versionBucket(word);
      const count = this.words.get(word)?.version ?? "";
      counts.set(`${bucket}:${count}`, [bucket, count]);
    }
    return {
      matches: articles.map((set) => this.matchOne(set)),
      counts: [...counts.values()].flat(),
    };
  }

  private async refresh(words: string[]): Promise<void> {
    if (words.length === 0) return;
    if (this.words.size + words.length > MAX_CACHED_WORDS) this.words.clear();
    const reply = (await runScript(
      this.redis,
      READ_CHANGED,
      [this.keys.watchVersions(), ...words.map((word) => this.keys.watchWord(word))],
      words.flatMap((word) => [versionBucket(word), this.words.get(word)?.version ?? ""]),
    )) as ([string, string[]] | null)[];
    reply.forEach((changed, i) => {
      if (changed) {
        this.words.set(words[i] as string, {
          version: changed[0],
          entries: changed[1].map(entryOf),
        });
      }
    });
  }

  private matchOne(articleWords: ReadonlySet<string>): WatchMatch[] {
    const found = new Map<number, string>();
    for (const word of articleWords) {
      for (const entry of this.words.get(word)?.entries ?? []) {
        if (found.has(entry.chatId)) continue;
        if (entry.words.every((w) => articleWords.has(w))) found.set(entry.chatId, entry.phrase);
      }
    }
    return [...found].map(([chatId, phrase]) => ({ chatId, phrase }));
  }
}
