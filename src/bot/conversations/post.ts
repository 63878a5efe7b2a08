import type { MiddlewareFn } from "grammy";
import type { BotContext, BotDeps } from "../context.ts";
import { Dialog } from "./dialog.ts";
import {
  type BotConversation,
  type ConversationContext,
  enterConversation,
  installConversation,
} from "./kit.ts";
import { PostSteps } from "./post-steps.ts";

const POST = "post";

/** Starts /post in this chat, replacing any conversation in progress there. */
export function enterPost(ctx: BotContext): Promise<void> {
  return enterConversation(ctx, POST);
}

/**
 * `/post`: link → title → summary (written, or made from pasted article
 * text and confirmed) → topics (the tagger's proposal, toggled) → urgency →
 * source name → a preview rendered exactly as subscribers will see it, with
 * the article's language (guessed from the title) to confirm or change, as
 * readers get news only in their chosen languages → Publish or Cancel. Only
 * Publish writes: `articles.put`, then `deps.onArticle` (a flash goes out
 * from there). /cancel stops at any step; another command stops and is
 * handled as usual; a question left unanswered for the idle limit ends it at
 * the editor's next message.
 */
async function post(
  conversation: BotConversation,
  first: ConversationContext,
  _args: undefined,
  deps: BotDeps,
  idleMs: number,
): Promise<void> {
  const editorId = first.from?.id;
  if (first.chat === undefined || editorId === undefined) return;
  const dialog = new Dialog(conversation, first, deps, idleMs, {
    command: POST,
    prefix: "post:",
    texts: {
      timedOut: "post-timed-out",
      cancelled: "post-cancelled",
      left: "post-left",
      staleButton: "post-stale-button",
    },
    owns: (c) => c.from?.id === editorId,
  });
  const steps = new PostSteps(dialog, deps);
  const url = await steps.link();
  if (url === undefined) return;
  const title = await steps.title();
  const { summary, body } = await steps.summary(title);
  const topics = await steps.topics(deps.tagger.tag(`${title}\n${body}`));
  const urgency = await steps.urgency();
  const source = await steps.source(url);
  await steps.preview({ url, title, summary, topics, urgency, source });
}

/** The /post conversation, installed after the conversations plugin. */
export function createPostConversation(deps: BotDeps): MiddlewareFn<BotContext> {
  return installConversation<undefined>(deps, POST, post);
}
