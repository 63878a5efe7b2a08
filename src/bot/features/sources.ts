import { Composer } from "grammy";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";

function sourcesText(ctx: BotContext): string {
  const outlets = ctx.deps.sources.map((s) =>
    s.homepage
      ? `• <a href="${escapeHtml(s.homepage)}">${escapeHtml(s.name)}</a>`
      : `• ${escapeHtml(s.name)}`,
  );
  return [
    ctx.t("sources-intro"),
    "",
    ctx.t("sources-outlets"),
    ...(outlets.length ? outlets : [ctx.t("sources-empty")]),
  ].join("\n");
}

export const sourcesFeature = new Composer<BotContext>();

const reply = (ctx: BotContext) =>
  ctx.reply(sourcesText(ctx), { parse_mode: "HTML", link_preview_options: { is_disabled: true } });

sourcesFeature.command("sources", reply);

sourcesFeature.callbackQuery("sources", async (ctx) => {
  await ctx.answerCallbackQuery();
  await reply(ctx);
});
