import { type Conversation, createConversation } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context, MiddlewareFn } from "grammy";
import type { BotContext, BotDeps } from "../context.ts";
import { createI18n } from "../i18n.ts";
import { DEFAULT_CONVERSATION_IDLE_MS } from "./storage.ts";

/** A context inside a conversation: built by the conversation's own plugins, not the bot's middleware. */
export type ConversationContext = Context & I18nFlavor & Pick<BotContext, "deps" | "log" | "lang">;

export type BotConversation = Conversation<BotContext, ConversationContext>;

/** What runs a conversation: its first context, its arguments, the bot's deps and the idle limit. */
export type ConversationRun<A> = (
  conversation: BotConversation,
  first: ConversationContext,
  args: A,
  deps: BotDeps,
  idleMs: number,
) => Promise<void>;

/**
 * Installs the conversation `id`, after the conversations plugin. Contexts
 * inside a conversation are built by the plugin, not by the bot's
 * middleware, so each gets `deps`, `log`, `lang` (the outside context's
 * language, read through `external` so every replay sees the same value) and
 * i18n here.
 */
export function installConversation<A>(
  deps: BotDeps,
  id: string,
  run: ConversationRun<A>,
): MiddlewareFn<BotContext> {
  const idleMs = deps.conversationIdleMs ?? DEFAULT_CONVERSATION_IDLE_MS;
  const i18n = createI18n<ConversationContext>(deps.defaultLanguage);
  return createConversation<BotContext, ConversationContext>(
    (conversation, ctx, args: A) => run(conversation, ctx, args, deps, idleMs),
    {
      id,
      plugins: (conversation) => [
        async (ctx, next) => {
          ctx.deps = deps;
          ctx.lang = await conversation.external((outer) => outer.lang);
          ctx.log = deps.logger.child({
            update: ctx.update.update_id,
            chat: ctx.chat?.id,
            conversation: id,
          });
          await next();
        },
        i18n,
      ],
    },
  );
}

/** Starts `id` in this chat, replacing any conversation in progress there. */
export async function enterConversation(
  ctx: BotContext,
  id: string,
  args?: unknown,
): Promise<void> {
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(id, ...(args === undefined ? [] : [args]));
}

/** A command a message starts with. */
export interface Command {
  /** lower-cased, without the slash and the bot's name */
  name: string;
  /** false when addressed to another bot (/latest@other_bot) */
  forUs: boolean;
}

/** The command a message starts with; undefined when it is no command. */
export function commandOf(c: Context): Command | undefined {
  const text = c.message?.text;
  const entity = c.message?.entities?.[0];
  if (text === undefined || entity?.type !== "bot_command" || entity.offset !== 0) return undefined;
  const [name = "", at] = text.slice(1, entity.length).split("@");
  const forUs = at === undefined || at.toLowerCase() === c.me.username.toLowerCase();
  return { name: name.toLowerCase(), forUs };
}
