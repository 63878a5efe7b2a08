import type { ArticleStore } from "../articles/article-store.ts";
import type { Topic } from "../articles/topics.ts";
import type { Chat } from "../chats/chat.ts";
import { type ComposedDigest, composeDigest } from "../digest/compose.ts";
import type { Translate } from "../digest/labels.ts";
import { withoutArticles } from "../digest/without-flashed.ts";

/** How long a composed digest is handed to other chats that would get the same one. */
const COMPOSE_REUSE_MS = 3000;
const MAX_ENTRIES = 1000;

export interface DigestComposerOptions {
  articles: ArticleStore;
  topics: Topic[];
  translate: Translate;
  /** default COMPOSE_REUSE_MS */
  reuseMs?: number;
}

export type ComposeForChat = (
  chat: Chat,
  /** `flashed`: the articles the chat already got as flashes, left out */
  options: { now: number; flashed: string[] },
) => Promise<ComposedDigest | undefined>;

interface Entry {
  at: number;
  digest: Promise<ComposedDigest | undefined>;
}

/**
 * The worker's composeDigest, without the articles the chat already got as
 * flashes. A broadcast composes the same digest for every chat with the same
 * topics, language, news languages, zone, item limit, cursor, last delivery, late-news
 * mark and flashed articles, so such a digest is composed once and handed
 * out for `reuseMs` (a digest composed that much earlier names a period
 * ending that much earlier, and its cursor still brings anything newer next
 * time). A digest that came out empty is not kept.
 */
export function createDigestComposer(options: DigestComposerOptions): ComposeForChat {
  const { articles, topics, translate } = options;
  const reuseMs = options.reuseMs ?? COMPOSE_REUSE_MS;
  const memo = new Map<string, Entry>();

  function forget(now: number): void {
    for (const [key, entry] of memo) {
      if (!fresh(entry, now)) memo.delete(key);
    }
    if (memo.size >= MAX_ENTRIES) memo.clear();
  }

  function fresh(entry: Entry, now: number): boolean {
    return now >= entry.at && now - entry.at < reuseMs;
  }

  return async (chat, { now, flashed }) => {
    const key = JSON.stringify([
      chat.topics,
      chat.lang,
      chat.news ?? null,
      chat.tz,
      chat.kind === "channel",
      chat.maxItems,
      chat.cursor,
      chat.lastDeliveryAt ?? null,
      chat.lateFrom ?? null,
      [...flashed].sort(),
    ]);
    const known = memo.get(key);
    if (known && fresh(known, now)) return known.digest;
    if (memo.size >= MAX_ENTRIES) forget(now);
    const seen = withoutArticles(articles, new Set(flashed));
    const digest = composeDigest(chat, { articles: seen, topics, translate }, { now });
    const entry: Entry = { at: now, digest };
    memo.set(key, entry);
    const drop = () => {
      if (memo.get(key) === entry) memo.delete(key);
    };
    digest.then((composed) => {
      if (!composed) drop();
    }, drop);
    return digest;
  };
}
