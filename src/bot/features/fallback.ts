import { Composer } from "grammy";
import { COMMANDS } from "../commands.ts";
import type { BotContext } from "../context.ts";

interface LeadingCommand {
  /** lower-cased, without "/" and "@bot" */
  name: string;
  /** "@name" given: true when it is this bot's */
  addressedToUs?: boolean;
}

function leadingCommand(ctx: BotContext): LeadingCommand | undefined {
  const text = ctx.message?.text;
  const entity = ctx.message?.entities?.[0];
  if (text === undefined || entity?.type !== "bot_command" || entity.offset !== 0) return undefined;
  const [name = "", at] = text.slice(1, entity.length).split("@");
  const command = { name: name.toLowerCase() };
  if (at === undefined) return command;
  return { ...command, addressedToUs: at.toLowerCase() === ctx.me.username.toLowerCase() };
}

const isKnown = (name: string) => COMMANDS.some((c) => c.command === name);

/**
 * The last line of the routing table: a command no feature answered. In a
 * private chat an unknown command gets a pointer to /help; in a group, a
 * command addressed to this bot by name gets that pointer, or — for a known
 * command that works only in a private chat (/channel, /post, …) — a note
 * saying so. Other bots' commands and plain text stay unanswered. A button
 * press no feature took (a button of an older version) is answered, so the
 * client stops waiting.
 */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.chatType("private").on("message:text", async (ctx, next) => {
  const command = leadingCommand(ctx);
  if (!command || command.addressedToUs === false || isKnown(command.name)) return next();
  await ctx.reply(
    ctx.t("fallback-unknown-command", { command: `/${command.name}`, help: "/help" }),
  );
});

fallbackFeature.chatType(["group", "supergroup"]).on("message:text", async (ctx, next) => {
  const command = leadingCommand(ctx);
  if (!command?.addressedToUs) return next();
  const key = isKnown(command.name) ? "fallback-private-only" : "fallback-unknown-command";
  const bot = ctx.me.username;
  await ctx.reply(ctx.t(key, { command: `/${command.name}`, help: `/help@${bot}`, botname: bot }));
});

fallbackFeature.on("callback_query", (ctx) => ctx.answerCallbackQuery());
