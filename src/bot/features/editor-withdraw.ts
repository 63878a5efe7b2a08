import { Composer } from "grammy";
import { Withdrawals } from "../../articles/withdrawals.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import { requireEditor } from "../guards.ts";

/**
 * `/withdraw <link or id>` (editors, private chat): the article is marked
 * withdrawn, so no list offers it again (articles/withdrawals.ts), and every
 * message the bot sent with it in the last 48 hours is edited to show it
 * struck through, with a short note (corrections/). Withdrawing twice does
 * no harm: the second time finds the messages already edited.
 */
export const editorWithdrawFeature = new Composer<BotContext>();

editorWithdrawFeature.chatType("private").command("withdraw", requireEditor, async (ctx) => {
  const input = ctx.match.trim();
  if (input === "") {
    await ctx.reply(ctx.t("withdraw-usage"));
    return;
  }
  const article = await ctx.deps.articles.find(input);
  if (!article) {
    await ctx.reply(ctx.t("withdraw-unknown", { input: escapeHtml(input.slice(0, 200)) }), {
      parse_mode: "HTML",
    });
    return;
  }
  // marked first: from now on no list offers it, whatever becomes of the messages
  await new Withdrawals(ctx.deps.redis, ctx.deps.keys).withdraw(article.id);
  const messages = (await ctx.deps.onCorrection?.(article, undefined)) ?? 0;
  ctx.log.info({ article: article.id, messages }, "editor withdrew an article");
  await ctx.reply(ctx.t("withdraw-done", { title: escapeHtml(article.title), count: messages }), {
    parse_mode: "HTML",
  });
});
