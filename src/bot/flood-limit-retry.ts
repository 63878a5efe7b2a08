import { autoRetry } from "@grammyjs/auto-retry";
import type { Conversation } from "@grammyjs/conversations";
import type { Context, Transformer } from "grammy";

/**
 * How the bot's own calls (replies, edits, callback answers) wait out
 * Telegram's 429: exactly `retry_after`, when that is at most this many
 * seconds; a longer wait is no use to someone waiting for an answer, and the
 * call fails as before. The delivery worker has its own client and limits.
 */
const REPLY_RETRY_MAX_DELAY_SECONDS = 15;
const REPLY_RETRY_ATTEMPTS = 2;

/**
 * auto-retry for the bot's API calls: a 429 with a short `retry_after` is
 * waited out and sent again, a 5xx is tried again twice after a short
 * back-off, and a network failure is thrown at once (auto-retry would retry
 * it without end, holding the chat's queue).
 */
export function replyRetry(): Transformer {
  return autoRetry({
    maxDelaySeconds: REPLY_RETRY_MAX_DELAY_SECONDS,
    maxRetryAttempts: REPLY_RETRY_ATTEMPTS,
    rethrowHttpErrors: true,
    rethrowInternalServerErrors: true,
  });
}

/**
 * auto-retry inside conversations. A conversation makes its own Api object
 * per context, without the bot's transformers, and records each call's answer
 * so that later updates replay the conversation without calling Telegram
 * again. The retry has to sit outside that record, so a plain auto-retry
 * would wait `retry_after` again on every replay of a recorded 429. Here the
 * moment a 429 came is recorded too (conversation.now()), and auto-retry is
 * shown only what remains of `retry_after` from then: the whole wait the
 * first time, nothing on a replay.
 */
export function conversationRetry<OC extends Context, C extends Context>(
  conversation: Conversation<OC, C>,
): Array<(ctx: C, next: () => Promise<void>) => Promise<void>> {
  const retry = replyRetry();
  const remaining: Transformer = async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (result.ok) return result;
    const retryAfter = result.parameters?.retry_after;
    // a longer wait is not retried (and so not recorded), replayed or not
    if (retryAfter === undefined || retryAfter > REPLY_RETRY_MAX_DELAY_SECONDS) return result;
    const cameAt = await conversation.now();
    const left = Math.max(0, cameAt + retryAfter * 1000 - Date.now()) / 1000;
    return { ...result, parameters: { ...result.parameters, retry_after: left } };
  };
  return [
    async (ctx, next) => {
      ctx.api.config.use((prev, method, payload, signal) =>
        retry((m, p, s) => remaining(prev, m, p, s), method, payload, signal),
      );
      await next();
    },
  ];
}
