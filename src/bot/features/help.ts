import { Composer } from "grammy";
import { commandsFor } from "../commands.ts";
import type { BotContext } from "../context.ts";
import { isEditor } from "../guards.ts";

function helpText(ctx: BotContext): string {
  const lines = commandsFor(isEditor(ctx)).map((c) => `/${c.command} — ${ctx.t(c.describe)}`);
  return [
    ctx.t("help-title"),
    "",
    ...lines,
    "",
    ctx.t("help-footer", { botname: ctx.me.username }),
  ].join("\n");
}

export const helpFeature = new Composer<BotContext>();

helpFeature.command("help", (ctx) => ctx.reply(helpText(ctx), { parse_mode: "HTML" }));

helpFeature.callbackQuery("help", async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(helpText(ctx), { parse_mode: "HTML" });
});
