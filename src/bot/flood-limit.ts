import { randomUUID } from "node:crypto";
import type { Middleware } from "grammy";
import type { BotContext, BotDeps } from "./context.ts";
import { createFloodLimitStore, DEFAULT_FLOOD_LIMITS } from "./flood-limit-store.ts";

/** True for a command addressed to this bot (not /cmd@another_bot). */
function isOwnCommand(ctx: BotContext): boolean {
  const message = ctx.message;
  const entity = message?.entities?.[0];
  if (!message?.text || entity?.type !== "bot_command" || entity.offset !== 0) return false;
  const command = message.text.slice(0, entity.length);
  const at = command.indexOf("@");
  return at < 0 || command.slice(at + 1).toLowerCase() === ctx.me.username.toLowerCase();
}

/**
 * Holds commands and button presses to the flood limits (flood-limit-store.ts):
 * per user everywhere, and per group. Only commands and presses count: they are
 * what a user repeats and what the bot answers with a new message. Answers to
 * the bot's own questions, membership changes and channel posts pass
 * untouched; a conversation waiting for an answer must get it. Over the limit
 * a command gets "Too many requests — wait N s." once per window and then
 * silence; a press gets the same text as its callback answer, which sends no
 * message. When Redis fails, updates pass (one log line per change): the
 * limiter protects the bot, it must not be why it stops answering.
 */
export function floodLimit(deps: BotDeps): Middleware<BotContext> {
  const store = createFloodLimitStore(
    deps.redis,
    deps.keys,
    deps.floodLimits ?? DEFAULT_FLOOD_LIMITS,
  );
  let failing = false;
  return async (ctx, next) => {
    const press = ctx.callbackQuery !== undefined;
    if (!press && !isOwnCommand(ctx)) return next();
    const chat = ctx.chat;
    const group = chat?.type === "group" || chat?.type === "supergroup" ? chat.id : undefined;
    let verdict: Awaited<ReturnType<typeof store.take>>;
    try {
      verdict = await store.take(
        ctx.from?.id,
        press ? undefined : group,
        // unique even when two bots on one Redis see the same update_id (tests, two tokens)
        `${ctx.update.update_id}:${randomUUID()}`,
      );
      if (failing) ctx.log.info("flood limiter reaches Redis again");
      failing = false;
    } catch (err) {
      if (!failing)
        ctx.log.warn({ err }, "flood limiter cannot reach Redis; commands pass unlimited");
      failing = true;
      return next();
    }
    if (verdict.allowed) return next();
    const text = ctx.t("flood-wait", { seconds: Math.max(1, Math.ceil(verdict.retryMs / 1000)) });
    if (press) {
      await ctx.answerCallbackQuery({ text });
      return;
    }
    if (!verdict.notify) return;
    ctx.log.info({ scope: verdict.scope, retryMs: verdict.retryMs }, "flood limit reached");
    await ctx.reply(text);
  };
}
