import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { type EditField, editCard, enterEdit } from "../conversations/edit.ts";
import { shownInput } from "../conversations/editor-text.ts";
import { isEditor, requireEditor } from "../guards.ts";

/**
 * `/edit <link or id>` (editors, private chat): shows the article as readers
 * see it with a button per field; each starts the conversation in
 * conversations/edit.ts for that field.
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
  const { text, options } = editCard(ctx, ctx.t("edit-card-intro", { id: article.id }), article);
  await ctx.reply(text, options);
});

inPrivate.callbackQuery(/^edit:(title|summary|link):([0-9a-f]{16})$/, async (ctx) => {
  if (!isEditor(ctx)) {
    await ctx.answerCallbackQuery({ text: ctx.t("only-editors"), show_alert: true });
    return;
  }
  const field = ctx.match[1] as EditField;
  const id = ctx.match[2] ?? "";
  if (!(await ctx.deps.articles.get(id))) {
    await ctx.answerCallbackQuery({ text: ctx.t("edit-gone"), show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  await enterEdit(ctx, { id, field });
});
