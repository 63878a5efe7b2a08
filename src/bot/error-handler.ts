import type { I18n } from "@grammyjs/i18n";
import type { BotError } from "grammy";
import { isRedisConnectionError } from "../redis/connection-errors.ts";
import type { BotContext, BotDeps } from "./context.ts";
import { languageOf } from "./i18n.ts";

/**
 * True when the update speaks to the bot, so an answer is expected: any
 * private message, a press on one of its buttons, and in a group a command,
 * a reply to the bot's message or a mention of its name.
 */
function addressesBot(ctx: BotContext): boolean {
  if (ctx.callbackQuery) return true;
  const message = ctx.message ?? ctx.editedMessage;
  if (!message || !ctx.chat || ctx.chat.type === "channel") return false;
  if (ctx.chat.type === "private") return true;
  const text = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities ?? [];
  if (entities.some((e) => e.type === "bot_command" && e.offset === 0)) return true;
  if (message.reply_to_message?.from?.id === ctx.me.id) return true;
  return text.toLowerCase().includes(`@${ctx.me.username.toLowerCase()}`);
}

/**
 * The bot's last resort for an update whose handling failed. When Redis is
 * unreachable (the health monitor logs that once per outage) the user gets
 * "temporarily unavailable, try again in a minute" wherever the update
 * addressed the bot, a button press as its answer; other failures are logged
 * and a private chat gets the generic apology. The text comes from `i18n`
 * directly: the failure may have come before the update's language was set.
 */
export function createErrorHandler(deps: BotDeps, i18n: I18n<BotContext>) {
  return async ({ ctx, error }: BotError<BotContext>): Promise<void> => {
    const log = ctx.log ?? deps.logger;
    const lang = ctx.lang ?? languageOf(ctx.from?.language_code, deps.defaultLanguage);
    if (isRedisConnectionError(error)) {
      log.debug({ err: error }, "update not handled: redis unreachable");
      if (!addressesBot(ctx)) return;
      const text = i18n.t(lang, "error-unavailable");
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text }).catch(() => undefined);
      else await ctx.reply(text).catch(() => undefined);
      return;
    }
    log.error({ err: error }, "update failed");
    if (ctx.chat?.type === "private") {
      await ctx.reply(i18n.t(lang, "error-generic")).catch(() => undefined);
    }
  };
}
