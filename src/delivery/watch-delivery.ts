import type { Redis } from "ioredis";
import type { Article } from "../articles/article.ts";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Topic } from "../articles/topics.ts";
import { Withdrawals } from "../articles/withdrawals.ts";
import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import { isQuietAt } from "../chats/next-due.ts";
import { toRenderItem } from "../digest/article-item.ts";
import { renderLabels, type Translate } from "../digest/labels.ts";
import { renderDigest } from "../digest/render.ts";
import type { Keys } from "../redis/keys.ts";
import { escapeHtml } from "../telegram/helpers.ts";
import { createWatchHits, WATCH_WINDOW_MS, type WatchHits } from "../watches/watch-hits.ts";
import { takesFlash } from "./flash.ts";
import type { DeliveryOutcome } from "./job-outcome.ts";
import { type DeliveryJob, enqueueWatch, type WatchJobData, type WatchQueue } from "./queue.ts";
import { type SendPartsDeps, type SendPartsResult, sendParts } from "./send-parts.ts";
import type { SlotAhead } from "./slot-ahead.ts";

export interface WatchDeliveryDeps extends SendPartsDeps {
  redis: Redis;
  keys: Keys;
  chats: Pick<ChatStore, "get" | "migrate" | "setStatus">;
  articles: Pick<ArticleStore, "get">;
  topics: Topic[];
  translate: Translate;
  clock: () => number;
  signal: AbortSignal;
  /** where the chat's next watch job goes when matches arrived while this one ran */
  queue: WatchQueue;
}

/** What a watch job did, as the worker records any job's outcome. */
export type WatchOutcome = DeliveryOutcome | { outcome: "deferred"; deferMs: number };

function outcomeOf(result: SendPartsResult): WatchOutcome {
  if (result.status === "deferred") return { outcome: "deferred", deferMs: result.deferMs };
  if (result.status === "stopped") {
    return { outcome: "stopped", chatId: result.chatId, reason: result.reason };
  }
  const { chatId, sent, skipped } = result;
  return { outcome: "delivered", chatId, sent, skipped };
}

/**
 * Whether a match is still worth a watch message: the article exists, did
 * not reach the chat as a flash (and will not: urgent articles go to chats
 * taking flashes that way), and is newer than the chat's last digest.
 */
function worthSending(chat: Chat, article: Article | undefined, flashed: Set<string>): boolean {
  if (!article || flashed.has(article.id)) return false;
  if (article.urgency === "flash" && takesFlash(chat, article)) return false;
  return article.publishedAt > chat.cursor;
}

/**
 * The chat's pending matches worth a message, newest first, with the
 * phrases that matched them; the other pending matches are dropped.
 */
async function takeMatches(
  deps: WatchDeliveryDeps,
  hits: WatchHits,
  chat: Chat,
  flashed: string[],
): Promise<{ articles: Article[]; phrases: string[] }> {
  const pending = await hits.pending(chat.id);
  const pendingIds = Object.keys(pending);
  const [found, withdrawn] = await Promise.all([
    Promise.all(pendingIds.map((id) => deps.articles.get(id))),
    new Withdrawals(deps.redis, deps.keys).among(pendingIds),
  ]);
  // a withdrawn match is dropped like one already sent
  const flashedSet = new Set([...flashed, ...withdrawn]);
  const articles = found
    .filter((a): a is Article => worthSending(chat, a, flashedSet))
    .sort((a, b) => b.publishedAt - a.publishedAt);
  const kept = new Set(articles.map((a) => a.id));
  await hits.drop(
    chat.id,
    pendingIds.filter((id) => !kept.has(id)),
  );
  return { articles, phrases: [...new Set(articles.map((a) => pending[a.id] as string))] };
}

/** The watch message's parts: the articles under a header naming the watches that matched. */
function renderWatch(
  deps: WatchDeliveryDeps,
  chat: Chat,
  articles: Article[],
  phrases: string[],
): string[] {
  const header = deps.translate(chat.lang, "watch-header", {
    words: escapeHtml(phrases.length > 0 ? phrases.join(", ") : "…"),
  });
  return renderDigest(articles.map(toRenderItem), {
    labels: renderLabels(deps.translate, chat.lang, deps.topics),
    timeZone: chat.tz,
    header,
  });
}

/**
 * Sends one chat's watch message: every pending match (watches/watch-hits.ts)
 * not already sent by a flash or a digest, newest first, under a header naming
 * the watches, silent in the chat's quiet hours, through the rate gate like
 * any part (send-parts.ts). A job that runs inside the chat's watch window
 * is put off to its end. Delivered matches are recorded as flashed for the
 * chat, so its digest leaves them out (digest/without-flashed.ts). Matches
 * that came in while it ran get the chat's next job.
 */
export async function deliverWatch(
  deps: WatchDeliveryDeps,
  job: DeliveryJob,
  data: WatchJobData,
  slotAhead: SlotAhead,
): Promise<WatchOutcome> {
  const { deliveryLog, keys, redis } = deps;
  const hits = createWatchHits(redis, keys);
  const jobId = job.id as string;
  const chatId = data.chatId;
  const [record, chat, flashed, last] = await Promise.all([
    deliveryLog.read(jobId),
    deps.chats.get(chatId),
    deliveryLog.flashedTo(chatId),
    hits.lastSent(chatId),
  ]);
  const release = async () => {
    const now = deps.clock();
    const at = await hits.release(chatId, now);
    if (at !== undefined) await enqueueWatch(deps.queue, chatId, at, now);
  };
  if (record.done) {
    await release();
    return { outcome: "skipped", reason: "already delivered" };
  }
  if (!chat || chat.status === "left" || chat.status === "blocked") {
    await hits.drop(chatId, Object.keys(await hits.pending(chatId)));
    await release();
    return { outcome: "skipped", reason: "chat cannot receive" };
  }
  const started = record.sent.size > 0 || record.parts !== undefined;
  const wait = last + WATCH_WINDOW_MS - deps.clock();
  if (!started && data.articleIds === undefined && wait > 0) {
    return { outcome: "deferred", deferMs: wait };
  }

  let ids = data.articleIds;
  let phrases: string[] = [];
  let articles: Article[];
  if (ids === undefined) {
    ({ articles, phrases } = await takeMatches(deps, hits, chat, flashed));
    ids = articles.map((a) => a.id);
    if (ids.length === 0) {
      await release();
      return { outcome: "skipped", reason: "nothing new to send" };
    }
    await job.updateData({ ...data, articleIds: ids });
  } else {
    const found = await Promise.all(ids.map((id) => deps.articles.get(id)));
    articles = found.filter((a): a is Article => a !== undefined);
  }

  const parts = record.parts ?? renderWatch(deps, chat, articles, phrases);
  const sentIds = ids;
  const now = deps.clock();
  const result = await sendParts(deps, {
    jobId,
    chat,
    parts,
    record,
    silent: isQuietAt(chat, now),
    signal: deps.signal,
    slotAhead,
    saveParts: () => deliveryLog.saveParts(jobId, parts),
    onDelivered: (to, batch) =>
      Promise.all([
        hits.sent(chatId, sentIds, now, batch),
        deliveryLog.markFlashed(to, sentIds, batch),
      ]),
  });
  if (result.status !== "deferred") await release();
  return outcomeOf(result);
}
