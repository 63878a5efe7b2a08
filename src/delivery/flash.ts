import type { Redis } from "ioredis";
import type { Article } from "../articles/article.ts";
import type { ArticleStore } from "../articles/article-store.ts";
import { type Chat, newsLanguages } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import { inLanguages } from "../digest/stories.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import { wasFlashed } from "./delivery-log.ts";
import { type DeliveryQueue, flashJobId } from "./queue.ts";

const SCAN_COUNT = 1000;
/** How long an automatic fan-out is remembered, so edits of a flash never push it again. */
const FAN_OUT_MEMORY_SECONDS = 30 * 24 * 3600;

export interface FlashDeps {
  redis: Redis;
  keys: Keys;
  chats: Pick<ChatStore, "getMany">;
  queue: DeliveryQueue;
  logger?: Logger;
}

export interface FanOutResult {
  /** chats a flash job was enqueued for */
  queued: number;
  /** matching chats that already received this article as a flash */
  alreadyFlashed: number;
}

/**
 * True when the chat takes this flash: subscribed, flash alerts on, in one
 * of its news languages (newsLanguages) and one of its topics (none = all).
 */
export function takesFlash(
  chat: Pick<Chat, "status" | "flash" | "topics" | "lang" | "news">,
  article: Pick<Article, "topics" | "lang">,
): boolean {
  if (chat.status !== "active" || !chat.flash) return false;
  if (!inLanguages(article, newsLanguages(chat))) return false;
  return chat.topics.length === 0 || chat.topics.some((topic) => article.topics.includes(topic));
}

/**
 * Pushes an urgent article to every chat that takes it (see takesFlash), as
 * one flash job per chat. Active chats are exactly the members of the
 * schedule zset, so it is ZSCANned and the chats read in batches instead of
 * scanning every chat hash. Chats that already got it, or its story from
 * another outlet (storyFlashed), are skipped and the job id is per
 * (article, chat), so a second fan-out sends nothing twice.
 */
export async function fanOutFlash(article: Article, deps: FlashDeps): Promise<FanOutResult> {
  const { redis, keys, chats, queue } = deps;
  const seen = new Set<string>();
  const result: FanOutResult = { queued: 0, alreadyFlashed: 0 };
  let cursor = "0";
  do {
    const [next, page] = await redis.zscan(keys.schedule(), cursor, "COUNT", SCAN_COUNT);
    cursor = next;
    const members: string[] = [];
    for (let i = 0; i < page.length; i += 2) {
      const member = page[i] as string;
      if (!seen.has(member) && /^-?\d+$/.test(member)) members.push(member);
      seen.add(member);
    }
    const records = await chats.getMany(members.map(Number));
    const taking = records.filter(
      (chat): chat is Chat => chat !== undefined && takesFlash(chat, article),
    );
    if (taking.length === 0) continue;
    const flashed = await Promise.all(
      taking.map((chat) => storyFlashed(redis, keys, chat.id, article)),
    );
    const due = taking.filter((_, i) => !flashed[i]);
    result.alreadyFlashed += taking.length - due.length;
    if (due.length === 0) continue;
    await queue.addBulk(
      due.map((chat) => ({
        name: "flash" as const,
        data: { kind: "flash" as const, chatId: chat.id, articleId: article.id },
        opts: { jobId: flashJobId(article.id, chat.id) },
      })),
    );
    result.queued += due.length;
  } while (cursor !== "0");
  await redis.set(keys.flashFanOut(article.id), String(Date.now()), "EX", FAN_OUT_MEMORY_SECONDS);
  deps.logger?.info({ article: article.id, ...result }, "flash fanned out");
  return result;
}

/**
 * Whether the chat already got this article, or its story, as a flash: a
 * story's cluster id is the id of its first report (clusters.ts), so a chat
 * that got that report is not pushed another outlet's version of it. A chat
 * that did not take the first report (another language) still gets this one.
 */
async function storyFlashed(
  redis: Redis,
  keys: Keys,
  chatId: number,
  article: Pick<Article, "id" | "cluster">,
): Promise<boolean> {
  if (article.cluster === undefined || article.cluster === article.id) {
    return wasFlashed(redis, keys, chatId, article.id);
  }
  const found = await redis.smismember(keys.flashed(chatId), article.id, article.cluster);
  return found.some((member) => member === 1);
}

/**
 * The hook the ingest paths (content import, an editor's /post, feeds) call
 * after storing an article: a flash is fanned out the first time it is seen
 * as one — created urgent, or newly marked urgent — and never again when it
 * is merely edited or re-imported. Resolves with the fan-out, or undefined
 * when nothing was pushed.
 */
export function createFlashHook(
  deps: FlashDeps & { clock?: () => number },
): (article: Article, created: boolean) => Promise<FanOutResult | undefined> {
  const clock = deps.clock ?? Date.now;
  return async function onArticleStored(article, created) {
    if (article.urgency !== "flash") return undefined;
    // Anything older than the memory of past fan-outs may have been pushed already.
    if (!created && article.publishedAt < clock() - FAN_OUT_MEMORY_SECONDS * 1000) return undefined;
    const marker = deps.keys.flashFanOut(article.id);
    const first = await deps.redis.set(marker, String(clock()), "EX", FAN_OUT_MEMORY_SECONDS, "NX");
    if (first === null) return undefined;
    try {
      return await fanOutFlash(article, deps);
    } catch (err) {
      await deps.redis.del(marker);
      throw err;
    }
  };
}

/**
 * The store with its `put` announcing each created or changed article to
 * `onArticleStored` — for ingest code that takes a store but no hook (the
 * content import). A failing hook is logged, never undoes the put.
 */
export function announcingPuts(
  store: ArticleStore,
  onArticleStored: (article: Article, created: boolean) => Promise<unknown>,
  logger: Logger,
): ArticleStore {
  return {
    ...store,
    async put(input) {
      const result = await store.put(input);
      if (result.created || result.changed) {
        await onArticleStored(result.article, result.created).catch((err: unknown) =>
          logger.error({ err, article: result.article.id }, "passing a stored article on failed"),
        );
      }
      return result;
    },
  };
}
