import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { type Article, articleLink } from "../articles/article.ts";
import type { CorrectJobData, DeliveryQueue } from "../delivery/queue.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import { filingIds } from "./message-links.ts";
import type { Correction } from "./patch.ts";
import { sentMessagesOn } from "./sent-messages.ts";

export interface CorrectorDeps {
  redis: Redis;
  keys: Keys;
  queue: Pick<DeliveryQueue, "addBulk">;
  logger?: Logger;
  clock?: () => number;
}

/**
 * Follows an editor's correction to every message the bot sent with the
 * article in the last 48 hours (sent-messages.ts): one "correct" job per
 * message, which the delivery worker runs through the rate gate
 * (delivery/correct-delivery.ts). `after` undefined means withdrawn.
 * Resolves with the number of messages queued.
 */
export function createCorrector(
  deps: CorrectorDeps,
): (before: Article, after: Article | undefined) => Promise<number> {
  const sent = sentMessagesOn(deps.redis, deps.keys);
  const clock = deps.clock ?? Date.now;
  return async (before, after) => {
    const link = articleLink(before);
    const same = after?.title === before.title && after.summary === before.summary;
    if (after && same && articleLink(after) === link) return 0;
    const entries = await sent.showing(filingIds(before.id, link), clock());
    if (entries.length === 0) return 0;
    const correction: Correction = {
      url: before.url,
      before: { title: before.title, summary: before.summary, link },
      ...(after
        ? { after: { title: after.title, summary: after.summary, link: articleLink(after) } }
        : {}),
    };
    // the same correction queued twice (a repeated update) is one job per message
    const version = createHash("sha1")
      .update(JSON.stringify(correction))
      .digest("hex")
      .slice(0, 12);
    await deps.queue.addBulk(
      entries.map(({ chatId, messageId }) => {
        const data: CorrectJobData = {
          kind: "correct",
          chatId,
          messageId,
          articleId: before.id,
          correction,
        };
        return {
          name: "correct" as const,
          data,
          opts: { jobId: `correct_${before.id}_${chatId}_${messageId}_${version}` },
        };
      }),
    );
    deps.logger?.info(
      { article: before.id, messages: entries.length, withdrawn: !after },
      "correction follows the sent messages",
    );
    return entries.length;
  };
}
