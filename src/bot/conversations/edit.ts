import { InlineKeyboard, type MiddlewareFn } from "grammy";
import {
  type Article,
  articleLink,
  SUMMARY_MAX_CHARS,
  TITLE_MAX_CHARS,
} from "../../articles/article.ts";
import type { BotContext, BotDeps } from "../context.ts";
import { Dialog } from "./dialog.ts";
import { articleHtml, charCount, oneLine, parseArticleLink, shownInput } from "./editor-text.ts";
import {
  type BotConversation,
  type ConversationContext,
  enterConversation,
  installConversation,
} from "./kit.ts";

const EDIT = "edit";

export type EditField = "title" | "summary" | "link";

export interface EditArgs {
  id: string;
  field: EditField;
}

type Saved =
  | { kind: "saved"; article: Article }
  | { kind: "unchanged" }
  | { kind: "gone" }
  /** the link is another article's */
  | { kind: "taken"; id: string };

const LIMIT = { title: TITLE_MAX_CHARS, summary: SUMMARY_MAX_CHARS } as const;

/** Starts the correction of `args.field` in this chat, replacing any conversation in progress. */
export function enterEdit(ctx: BotContext, args: EditArgs): Promise<void> {
  return enterConversation(ctx, EDIT, args);
}

function cardKeyboard(c: BotContext | ConversationContext, id: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(c.t("edit-btn-title"), `edit:title:${id}`)
    .text(c.t("edit-btn-summary"), `edit:summary:${id}`)
    .text(c.t("edit-btn-link"), `edit:link:${id}`);
}

/** The article as readers see it, under `intro`, with a button per field to correct. */
export function editCard(c: BotContext | ConversationContext, intro: string, article: Article) {
  return {
    text: `${intro}\n\n${articleHtml(c, article)}`,
    options: {
      parse_mode: "HTML" as const,
      link_preview_options: { is_disabled: true },
      reply_markup: cardKeyboard(c, article.id),
    },
  };
}

type Checked = { value: string } | { refused: string; vars?: Record<string, string | number> };

/** The new value of the field, as stored; the reason (a locale key and its values) when refused. */
function checkValue(field: EditField, typed: string | undefined): Checked {
  const text = typed === undefined ? "" : oneLine(typed);
  if (field === "link" && text !== "") {
    const link = parseArticleLink(text);
    return link === undefined
      ? { refused: "edit-link-invalid", vars: { input: shownInput(text) } }
      : { value: link };
  }
  const count = charCount(text);
  if (count === 0) return { refused: "edit-expect-text" };
  if (field !== "link" && count > LIMIT[field])
    return { refused: `edit-${field}-too-long`, vars: { count } };
  return { value: text };
}

/** Stores the corrected field and lets the correction follow the sent messages. */
function save(
  conversation: BotConversation,
  deps: BotDeps,
  args: EditArgs,
  value: string,
): Promise<Saved> {
  return conversation.external(async (outer): Promise<Saved> => {
    const before = await deps.articles.get(args.id);
    if (!before) return { kind: "gone" };
    const current = args.field === "link" ? articleLink(before) : before[args.field];
    if (current === value) return { kind: "unchanged" };
    if (args.field === "link") {
      const holder = await deps.articles.getByUrl(value);
      if (holder && holder.id !== before.id) return { kind: "taken", id: holder.id };
    }
    const after = await deps.articles.update(args.id, { [args.field]: value });
    if (!after) return { kind: "gone" };
    outer.log.info({ article: args.id, field: args.field }, "editor corrected an article");
    await deps.onCorrection?.(before, after);
    return { kind: "saved", article: after };
  });
}

/**
 * Waits for the new value of the field, checks it and saves it with
 * `articles.update`; readers get the corrected article from then on, and the
 * messages already sent with it follow (deps.onCorrection). /cancel (or any
 * other command, which then runs as usual) leaves the article as it is; so
 * does a question left unanswered for the idle limit.
 */
async function edit(
  conversation: BotConversation,
  first: ConversationContext,
  args: EditArgs,
  deps: BotDeps,
  idleMs: number,
): Promise<void> {
  const editorId = first.from?.id;
  const dialog = new Dialog(conversation, first, deps, idleMs, {
    command: EDIT,
    texts: { timedOut: "edit-timed-out", cancelled: "edit-cancelled", left: "edit-cancelled" },
    owns: (c) => c.from?.id === editorId,
  });
  await dialog.show(first.t(`edit-ask-${args.field}`));
  const { c, text } = await dialog.answer();
  const checked = checkValue(args.field, text);
  if ("refused" in checked) {
    await c.reply(c.t(checked.refused, checked.vars), { parse_mode: "HTML" });
    return dialog.again();
  }
  const saved = await save(conversation, deps, args, checked.value);
  if (saved.kind === "taken") {
    await c.reply(c.t("edit-link-taken", { id: saved.id }), { parse_mode: "HTML" });
    return dialog.again();
  }
  if (saved.kind !== "saved") {
    await c.reply(c.t(saved.kind === "gone" ? "edit-gone" : "edit-unchanged"));
    return;
  }
  const card = editCard(c, c.t(`edit-${args.field}-saved`), saved.article);
  await c.reply(card.text, card.options);
}

/** The conversation that takes a corrected field, installed after the conversations plugin. */
export function createEditConversation(deps: BotDeps): MiddlewareFn<BotContext> {
  return installConversation<EditArgs>(deps, EDIT, edit);
}
