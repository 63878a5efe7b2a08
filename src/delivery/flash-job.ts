import type { Article } from "../articles/article.ts";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Topic } from "../articles/topics.ts";
import type { Chat } from "../chats/chat.ts";
import { toRenderItem } from "../digest/article-item.ts";
import { renderLabels, type Translate } from "../digest/labels.ts";
import { renderDigest } from "../digest/render.ts";
import { type ChatJobDeps, sendChatParts, startChatJob } from "./chat-job.ts";
import { type ChatOutcome, type Deferred, outcomeOf } from "./job-outcome.ts";
import type { FlashJobData } from "./queue.ts";
import type { SlotAhead } from "./slot-ahead.ts";

export interface FlashJobDeps extends ChatJobDeps {
  /** what flashes are rendered from */
  articles: Pick<ArticleStore, "get">;
  topics: Topic[];
  translate: Translate;
}

/**
 * One urgent article pushed to one chat that takes flashes, unless the chat
 * already got it; the chat's record of flashed articles keeps it out of the
 * next digest.
 */
export async function deliverFlash(
  deps: FlashJobDeps,
  jobId: string,
  data: FlashJobData,
  slotAhead: SlotAhead,
): Promise<ChatOutcome | Deferred> {
  const { deliveryLog } = deps;
  const { record, chat, flashed } = await startChatJob(deps, jobId, data);
  if (record.done) return { outcome: "skipped", reason: "already delivered" };
  if (!chat?.flash) return { outcome: "skipped", reason: "chat takes no flashes" };
  let parts = record.parts;
  let saveParts: (() => Promise<void>) | undefined;
  if (parts === undefined) {
    if (flashed.includes(data.articleId)) {
      return { outcome: "skipped", reason: "already flashed" };
    }
    const article = await deps.articles.get(data.articleId);
    if (!article) return { outcome: "skipped", reason: "article not found" };
    const rendered = renderFlash(chat, article, deps);
    parts = rendered;
    saveParts = () => deliveryLog.saveParts(jobId, rendered);
  }
  const result = await sendChatParts(deps, jobId, chat, parts, record, {
    saveParts,
    slotAhead,
    onDelivered: (chatId, batch) => deliveryLog.markFlashed(chatId, [data.articleId], batch),
  });
  return outcomeOf(result);
}

/** One article as flash messages in the chat's language and time zone. */
function renderFlash(
  chat: Chat,
  article: Article,
  deps: Pick<FlashJobDeps, "topics" | "translate">,
): string[] {
  return renderDigest([{ ...toRenderItem(article), urgency: "flash" }], {
    labels: renderLabels(deps.translate, chat.lang, deps.topics),
    timeZone: chat.tz,
  });
}
