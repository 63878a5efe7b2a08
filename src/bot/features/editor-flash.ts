import { Composer } from "grammy";
import { Withdrawals } from "../../articles/withdrawals.ts";
import { fanOutFlash } from "../../delivery/flash.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import { requireEditor } from "../guards.ts";

const SHOWN_INPUT_CHARS = 100;

function shown(input: string): string {
  const chars = [...input];
  return escapeHtml(
    chars.length > SHOWN_INPUT_CHARS ? `${chars.slice(0, SHOWN_INPUT_CHARS - 1).join("")}…` : input,
  );
}

export const editorFlashFeature = new Composer<BotContext>();
const inPrivate = editorFlashFeature.chatType("private");

inPrivate.command("flash", requireEditor, async (ctx) => {
  const input = ctx.match.trim();
  if (input === "") {
    await ctx.reply(ctx.t("delivery-flash-usage"), { parse_mode: "HTML" });
    return;
  }
  const { articles, deliveryQueue, redis, keys, chats } = ctx.deps;
  if (!deliveryQueue) {
    await ctx.reply(ctx.t("delivery-off"));
    return;
  }
  const found = await articles.find(input);
  if (!found) {
    await ctx.reply(ctx.t("delivery-flash-unknown", { input: shown(input) }), {
      parse_mode: "HTML",
    });
    return;
  }
  if ((await new Withdrawals(redis, keys).among([found.id])).size > 0) {
    await ctx.reply(ctx.t("delivery-flash-withdrawn", { title: escapeHtml(found.title) }), {
      parse_mode: "HTML",
    });
    return;
  }
  const article = (await articles.update(found.id, { urgency: "flash" })) ?? found;
  const result = await fanOutFlash(article, {
    redis,
    keys,
    chats,
    queue: deliveryQueue,
    logger: ctx.log,
  });
  const lines: string[] = [];
  if (result.queued > 0) {
    lines.push(
      ctx.t("delivery-flash-queued", { title: escapeHtml(article.title), count: result.queued }),
    );
  }
  if (result.alreadyFlashed > 0) {
    lines.push(ctx.t("delivery-flash-already", { count: result.alreadyFlashed }));
  }
  if (lines.length === 0) lines.push(ctx.t("delivery-flash-nobody"));
  await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
});
