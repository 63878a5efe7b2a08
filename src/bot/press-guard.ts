import { GrammyError } from "grammy";
import type { BotContext } from "./context.ts";
import { isEditor } from "./guards.ts";
import { type PressRule, pressRule } from "./keyboards/press-rules.ts";
import { mayManageTarget, setTarget } from "./menus/settings-target.ts";

type Chat = NonNullable<BotContext["chat"]>;

function placeAllows(rule: PressRule, chat: Chat): boolean {
  if (rule.place === "private") return chat.type === "private";
  return chat.type === "private" || chat.type === "group" || chat.type === "supergroup";
}

/** Ends the press's spinner and nothing else: data the bot never sends earns no explanation. */
async function refuseQuietly(ctx: BotContext, why: string): Promise<void> {
  ctx.log.debug({ data: ctx.callbackQuery?.data, why }, "press refused");
  try {
    await ctx.answerCallbackQuery();
  } catch (err) {
    if (!(err instanceof GrammyError)) throw err;
    ctx.log.debug({ err }, "could not answer a refused press");
  }
}

async function refuse(ctx: BotContext, key: string): Promise<void> {
  ctx.log.info({ data: ctx.callbackQuery?.data, user: ctx.from?.id }, "press refused: no rights");
  await ctx.answerCallbackQuery({ text: ctx.t(key), show_alert: true });
}

/**
 * The one check every button press passes before any feature or
 * conversation sees it. It reads the callback data's prefix
 * (keyboards/press-rules.ts), decides the chat the press acts on — the chat
 * id the data carries, else the chat it was pressed in — and checks the
 * presser's right for that chat. Data no button of the bot sends (an unknown
 * prefix, a malformed id, a menu press naming no chat), or a button pressed
 * where it never appears, is answered with no text and changes nothing; a
 * well-formed press without the right gets one line saying why. A menu
 * press that passes has its target set (settings-target.ts), so the menus
 * act on exactly the chat checked here.
 */
export async function guardPresses(ctx: BotContext, next: () => Promise<void>): Promise<void> {
  const query = ctx.callbackQuery;
  if (!query) return next();
  const chat = ctx.chat;
  const data = query.data;
  if (!chat || data === undefined) return refuseQuietly(ctx, "no chat or no data");
  const rule = pressRule(data);
  if (!rule) return refuseQuietly(ctx, "unknown prefix");
  const press = rule.parse(data);
  if (!press) return refuseQuietly(ctx, "malformed");
  if (!placeAllows(rule, chat)) return refuseQuietly(ctx, "not pressed where the button is shown");

  switch (rule.right) {
    case "anyone":
    case "conversation":
      return next();
    case "editor":
      return isEditor(ctx) ? next() : refuse(ctx, "only-editors");
    case "channel-manager": {
      const target = press.target;
      const record = target === undefined ? undefined : await ctx.deps.chats.get(target);
      const manages = record?.kind === "channel" && record.managers.includes(query.from.id);
      return manages ? next() : refuse(ctx, "channels-not-linked");
    }
    case "chat-manager": {
      const target = press.target ?? chat.id;
      setTarget(ctx, target);
      if (await mayManageTarget(ctx)) return next();
      return refuse(ctx, target === chat.id ? "only-admins" : "settings-not-manager");
    }
  }
}
