import { conversations } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { telegramClientOptions } from "../telegram/http-client.ts";
import type { BotContext, BotDeps } from "./context.ts";
import { createEditConversation } from "./conversations/edit.ts";
import { createPostConversation } from "./conversations/post.ts";
import { conversationOptions } from "./conversations/storage.ts";
import { createSubscribeConversation } from "./conversations/subscribe.ts";
import { createErrorHandler } from "./error-handler.ts";
import { channelsFeature } from "./features/channels.ts";
import { digestFeature } from "./features/digest.ts";
import { editorEditFeature } from "./features/editor-edit.ts";
import { editorFlashFeature } from "./features/editor-flash.ts";
import { editorPostFeature } from "./features/editor-post.ts";
import { editorSourcesFeature } from "./features/editor-sources.ts";
import { editorWithdrawFeature } from "./features/editor-withdraw.ts";
import { fallbackFeature } from "./features/fallback.ts";
import { helpFeature } from "./features/help.ts";
import { inlineFeature } from "./features/inline.ts";
import { latestFeature } from "./features/latest.ts";
import { membershipFeature } from "./features/membership.ts";
import { migrationFeature } from "./features/migration.ts";
import { searchFeature } from "./features/search.ts";
import { commandCancelsTypedSetting, settingsFeature } from "./features/settings.ts";
import { sourcesFeature } from "./features/sources.ts";
import { startFeature } from "./features/start.ts";
import { statsFeature } from "./features/stats.ts";
import { statusFeature } from "./features/status.ts";
import { subscribeFeature } from "./features/subscribe.ts";
import { topicsFeature } from "./features/topics.ts";
import { topicsToggleFeature } from "./features/topics-toggle.ts";
import { watchFeature } from "./features/watch.ts";
import { floodLimit } from "./flood-limit.ts";
import { conversationRetry, replyRetry } from "./flood-limit-retry.ts";
import { createI18n, languageOf } from "./i18n.ts";
import { guardPresses } from "./press-guard.ts";

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
    client: telegramClientOptions(options.apiRoot),
    botInfo: options.botInfo,
  });
  const i18n = createI18n<BotContext>(deps.defaultLanguage);
  bot.api.config.use(replyRetry()); // a 429 on a reply is waited out, not an error

  bot.use(sequentialize(chatKey));
  bot.use(async (ctx, next) => {
    ctx.deps = deps;
    ctx.log = deps.logger.child({ update: ctx.update.update_id, chat: ctx.chat?.id });
    ctx.chatRecord = ctx.chat ? await deps.chats.get(ctx.chat.id) : undefined;
    ctx.lang = ctx.chatRecord?.lang ?? languageOf(ctx.from?.language_code, deps.defaultLanguage);
    return next();
  });
  bot.use(i18n);
  // Other bots' messages are never commands for us. A message sent on behalf
  // of a chat (an anonymous chat admin, a group upgrade) comes "from" a service bot
  // with sender_chat set, and is the chat's own.
  bot.use((ctx, next) =>
    ctx.message?.from?.is_bot === true && !ctx.message.sender_chat ? undefined : next(),
  );
  // A channel is a place the bot posts to, not a place it takes commands from:
  // an answer there would go to every subscriber of the channel.
  bot.use((ctx, next) =>
    ctx.channelPost?.entities?.[0]?.type === "bot_command" &&
    ctx.channelPost.entities[0].offset === 0
      ? undefined
      : next(),
  );
  bot.use(floodLimit(deps)); // commands and presses per user and per group
  bot.use(guardPresses); // every press: the chat it acts on and the presser's rights, before anything else
  // Conversations see an update before the features below; state in Redis, per chat.
  bot.use(conversations({ ...conversationOptions(deps), plugins: conversationRetry }));
  bot.use(createSubscribeConversation(deps));
  bot.use(createPostConversation(deps));
  bot.use(createEditConversation(deps));

  // The routing table: one feature per line, in order; readers' commonest first.
  bot.use(commandCancelsTypedSetting); // before any command: it cancels a wait for a typed value
  bot.use(startFeature);
  bot.use(helpFeature);
  bot.use(latestFeature);
  bot.use(digestFeature);
  bot.use(searchFeature);
  bot.use(inlineFeature);
  bot.use(watchFeature);
  bot.use(settingsFeature); // its menus and the typed values; before any feature that sends its menus
  bot.use(topicsFeature);
  bot.use(topicsToggleFeature);
  bot.use(editorPostFeature);
  bot.use(editorEditFeature);
  bot.use(editorFlashFeature);
  bot.use(editorWithdrawFeature);
  bot.use(statsFeature);
  bot.use(editorSourcesFeature); // editors' /sources, before the public one
  bot.use(sourcesFeature);
  bot.use(channelsFeature);
  bot.use(subscribeFeature);
  bot.use(statusFeature);
  bot.use(migrationFeature); // Telegram's notices about the chat itself, which no feature above takes
  bot.use(membershipFeature);
  bot.use(fallbackFeature); // last: commands and presses no feature answered

  bot.catch(createErrorHandler(deps, i18n));
  return bot;
}
