import { sequentialize } from "@grammyjs/runner";
import { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { BotContext, BotDeps } from "./context.ts";
import { digestFeature } from "./features/digest.ts";
import { helpFeature } from "./features/help.ts";
import { latestFeature } from "./features/latest.ts";
import { searchFeature } from "./features/search.ts";
import { sourcesFeature } from "./features/sources.ts";
import { startFeature } from "./features/start.ts";
import { topicsFeature } from "./features/topics.ts";
import { createI18n, languageOf } from "./i18n.ts";

export interface BotOptions {
  token: string;
  /** Bot API root, e.g. https://api.telegram.org or a fake's http://127.0.0.1:port */
  apiRoot: string;
  /** Skips getMe when known (tests, benchmarks). */
  botInfo?: UserFromGetMe;
}

/** Updates from one chat are handled one at a time, in order; chats run in parallel. */
function chatKey(ctx: BotContext): string | undefined {
  return ctx.chat?.id.toString();
}

/**
 * Builds the bot and its routing table. Nothing is started: polling is
 * `startPolling` (polling.ts), tests call `bot.handleUpdate`.
 */
export function createBot(deps: BotDeps, options: BotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(options.token, {
    client: { apiRoot: options.apiRoot },
    botInfo: options.botInfo,
  });
  const i18n = createI18n<BotContext>(deps.defaultLanguage);

  bot.use(sequentialize(chatKey));
  bot.use(async (ctx, next) => {
    ctx.deps = deps;
    ctx.log = deps.logger.child({ update: ctx.update.update_id, chat: ctx.chat?.id });
    ctx.chatRecord = ctx.chat ? await deps.chats.get(ctx.chat.id) : undefined;
    ctx.lang = ctx.chatRecord?.lang ?? languageOf(ctx.from?.language_code, deps.defaultLanguage);
    return next();
  });
  bot.use(i18n);
  // Other bots' messages are never commands for us.
  bot.drop((ctx) => ctx.message?.from?.is_bot === true);

  // The routing table: one feature per line, in order.
  bot.use(startFeature);
  bot.use(helpFeature);
  bot.use(latestFeature);
  bot.use(digestFeature);
  bot.use(searchFeature);
  bot.use(topicsFeature);
  bot.use(sourcesFeature);

  bot.catch(async ({ ctx, error }) => {
    ctx.log.error({ err: error }, "update failed");
    if (ctx.chat?.type === "private") {
      await ctx.reply(ctx.t("error-generic")).catch(() => undefined);
    }
  });
  return bot;
}
