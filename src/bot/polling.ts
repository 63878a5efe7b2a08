import { type RunnerHandle, run } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { Logger } from "../logger.ts";
import { commandList } from "./commands.ts";
import type { BotContext } from "./context.ts";
import { createI18n } from "./i18n.ts";

export const ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "callback_query",
  "my_chat_member",
  "channel_post",
  "inline_query",
] as const;

/**
 * Registers the command menu in English (default) and Ukrainian, and for
 * each editor's private chat a menu that adds the editor commands. A refusal
 * is logged and ignored: the menu is a convenience, never a reason to stop.
 */
async function registerCommands(
  bot: Bot<BotContext>,
  logger: Logger,
  editorIds: readonly number[] = [],
): Promise<void> {
  const i18n = createI18n("en");
  const menus = [
    ...(["en", "uk"] as const).map((lang) => ({
      commands: commandList((key) => i18n.t(lang, key)),
      options: lang === "en" ? {} : { language_code: lang },
    })),
    ...editorIds.map((id) => ({
      commands: commandList((key) => i18n.t("en", key), true),
      options: { scope: { type: "chat" as const, chat_id: id } },
    })),
  ];
  for (const { commands, options } of menus) {
    try {
      await bot.api.setMyCommands(commands, options);
    } catch (err) {
      logger.warn({ err, ...options }, "Telegram refused setMyCommands; the bot keeps running");
    }
  }
}

/**
 * Starts long polling through @grammyjs/runner (updates of different chats in
 * parallel, one chat in order thanks to sequentialize in createBot).
 */
export async function startPolling(
  bot: Bot<BotContext>,
  logger: Logger,
  editorIds: readonly number[] = [],
): Promise<RunnerHandle> {
  await bot.init();
  await registerCommands(bot, logger, editorIds);
  // a webhook left from webhook mode would make getUpdates fail; its pending updates are kept
  await bot.api.deleteWebhook();
  const handle = run(bot, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] }, retryInterval: "exponential" },
  });
  logger.info({ username: bot.botInfo.username }, "polling for updates");
  return handle;
}

/**
 * Webhook mode: registers the command menus, then asks Telegram to post
 * updates to `url` with `secret` in X-Telegram-Bot-Api-Secret-Token, for the
 * same update types polling asks for. The webhook is left set at shutdown, so
 * Telegram keeps updates for the next start.
 */
export async function startWebhook(
  bot: Bot<BotContext>,
  logger: Logger,
  webhook: { url: string; secret: string },
  editorIds: readonly number[] = [],
): Promise<void> {
  await bot.init();
  await registerCommands(bot, logger, editorIds);
  await bot.api.setWebhook(webhook.url, {
    secret_token: webhook.secret,
    allowed_updates: [...ALLOWED_UPDATES],
  });
  logger.info(
    { username: bot.botInfo.username, path: new URL(webhook.url).pathname },
    "webhook set",
  );
}
