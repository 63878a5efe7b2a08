import { Composer, InlineKeyboard, type MiddlewareFn } from "grammy";
import type { Article } from "../../articles/article.ts";
import { SUMMARY_MAX_CHARS } from "../../articles/article.ts";
import type { BotContext, BotDeps } from "../context.ts";
import {
  articleHtml,
  charCount,
  commandOf,
  createEditorConversation,
  type EditorContext,
  type EditorConversation,
  enterEditorConversation,
  oneLine,
  shownInput,
  TITLE_MAX_CHARS,
} from "../conversations/post.ts";
import { isEditor, requireEditor } from "../guards.ts";

export const EDIT = "edit";

type Field = "title" | "summary";

export interface EditArgs {
  id: string;
  field: Field;
}

type Saved = { kind: "saved"; article: Article } | { kind: "unchanged" } | { kind: "gone" };

const LIMIT: Record<Field, number> = { title: TITLE_MAX_CHARS, summary: SUMMARY_MAX_CHARS };

function cardKeyboard(c: BotContext | EditorContext, id: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(c.t("edit-btn-title"), `edit:title:${id}`)
    .text(c.t("edit-btn-summary"), `edit:summary:${id}`);
}

/** The article as readers see it, under `intro`, with the Title / Summary buttons. */
function card(c: BotContext | EditorContext, intro: string, article: Article) {
  return {
    text: `${intro}\n\n${articleHtml(c, article)}`,
    options: {
      parse_mode: "HTML" as const,
      link_preview_options: { is_disabled: true },
      reply_markup: cardKeyboard(c, article.id),
    },
  };
}

/**
 * Waits for the new title or summary, checks its length and saves it with
 * `articles.update`; readers get the corrected text from then on. /cancel
 * (or any other command, which then runs as usual) leaves the article as it
 * is; so does a question left unanswered for the idle limit.
 */
async function edit(
  conversation: EditorConversation,
  first: EditorContext,
  args: EditArgs,
  deps: BotDeps,
  idleMs: number,
): Promise<void> {
  const editorId = first.from?.id;
  const clock = () => conversation.external(() => deps.now());
  const askedAt = await clock();
  await first.reply(first.t(args.field === "title" ? "edit-ask-title" : "edit-ask-summary"), {
    parse_mode: "HTML",
  });
  const c = await conversation.wait();
  if (c.from?.id !== editorId || c.callbackQuery || !c.message) {
    return conversation.skip({ next: true });
  }
  const command = commandOf(c);
  if ((await clock()) - askedAt >= idleMs) {
    await c.reply(c.t("edit-timed-out"));
    return conversation.halt({ next: command !== undefined && command !== "cancel" });
  }
  if (command === "") return conversation.skip({ next: true });
  if (command !== undefined) {
    if (command !== EDIT) await c.reply(c.t("edit-cancelled"));
    return conversation.halt({ next: command !== "cancel" });
  }
  const text = c.message.text === undefined ? "" : oneLine(c.message.text);
  const count = charCount(text);
  if (count === 0) {
    await c.reply(c.t("edit-expect-text"));
    return conversation.skip({ next: false });
  }
  if (count > LIMIT[args.field]) {
    await c.reply(c.t(`edit-${args.field}-too-long`, { count }));
    return conversation.skip({ next: false });
  }

  const saved = await conversation.external(async (outer): Promise<Saved> => {
    const before = await deps.articles.get(args.id);
    if (!before) return { kind: "gone" };
    if (before[args.field] === text) return { kind: "unchanged" };
    const after = await deps.articles.update(args.id, { [args.field]: text });
    if (!after) return { kind: "gone" };
    outer.log.info({ article: args.id, field: args.field }, "editor corrected an article");
    await deps.onCorrection?.(before, after);
    return { kind: "saved", article: after };
  });
  if (saved.kind === "gone") {
    await c.reply(c.t("edit-gone"));
    return;
  }
  if (saved.kind === "unchanged") {
    await c.reply(c.t("edit-unchanged"));
    return;
  }
  const { text: reply, options } = card(c, c.t(`edit-${args.field}-saved`), saved.article);
  await c.reply(reply, options);
}

/** The conversation that takes a corrected title or summary, installed after the conversations plugin. */
export function createEditConversation(deps: BotDeps): MiddlewareFn<BotContext> {
  return createEditorConversation<EditArgs>(deps, EDIT, edit);
}

/**
 * `/edit <link or id>` (editors, private chat): shows the article as readers
 * see it with a Title and a Summary button; each starts the conversation
 * above for that field.
 */
export const editorEditFeature = new Composer<BotContext>();
const inPrivate = editorEditFeature.chatType("private");

inPrivate.command("edit", requireEditor, async (ctx) => {
  const input = ctx.match.trim();
  if (input === "") {
    await ctx.reply(ctx.t("edit-usage"), { link_preview_options: { is_disabled: true } });
    return;
  }
  const article = await ctx.deps.articles.find(input);
  if (!article) {
    await ctx.reply(ctx.t("edit-unknown", { input: shownInput(input) }), {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    });
    return;
  }
  const { text, options } = card(ctx, ctx.t("edit-card-intro", { id: article.id }), article);
  await ctx.reply(text, options);
});

inPrivate.callbackQuery(/^edit:(title|summary):([0-9a-f]{16})$/, async (ctx) => {
  if (!isEditor(ctx)) {
    await ctx.answerCallbackQuery({ text: ctx.t("only-editors"), show_alert: true });
    return;
  }
  const field = ctx.match[1] as Field;
  const id = ctx.match[2] ?? "";
  if (!(await ctx.deps.articles.get(id))) {
    await ctx.answerCallbackQuery({ text: ctx.t("edit-gone"), show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  await enterEditorConversation(ctx, EDIT, { id, field } satisfies EditArgs);
});
