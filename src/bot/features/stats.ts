import { Composer } from "grammy";
import { createDeliveryCounters } from "../../delivery/counters.ts";
import type { BotContext } from "../context.ts";
import { requireEditor } from "../guards.ts";

async function statsText(ctx: BotContext): Promise<string> {
  const { redis, keys, deliveryQueue, articles } = ctx.deps;
  const [counts, queued, subscribed, stored] = await Promise.all([
    createDeliveryCounters(redis, keys).readCounters(),
    deliveryQueue?.getJobCounts("waiting", "prioritized", "active", "delayed"),
    redis.zcard(keys.schedule()),
    articles.count(),
  ]);
  return [
    ctx.t("delivery-stats-title"),
    ctx.t("delivery-stats-sent", { count: counts.sent }),
    ctx.t("delivery-stats-retried", { count: counts.retried }),
    ctx.t("delivery-stats-rate-limited", { count: counts.rateLimitedSeconds }),
    ctx.t("delivery-stats-blocked", { count: counts.blocked }),
    ctx.t("delivery-stats-left", { count: counts.left }),
    ctx.t("delivery-stats-migrated", { count: counts.migrated }),
    ctx.t("delivery-stats-bad-messages", { count: counts.badMessages }),
    ctx.t("delivery-stats-failed", { count: counts.failed }),
    "",
    ctx.t("delivery-stats-queue-title"),
    queued
      ? ctx.t("delivery-stats-queue", {
          waiting: (queued.waiting ?? 0) + (queued.prioritized ?? 0),
          active: queued.active ?? 0,
          delayed: queued.delayed ?? 0,
        })
      : ctx.t("delivery-stats-queue-off"),
    "",
    ctx.t("delivery-stats-audience-title"),
    ctx.t("delivery-stats-subscribed", { count: subscribed }),
    ctx.t("delivery-stats-articles", { count: stored }),
  ].join("\n");
}

export const statsFeature = new Composer<BotContext>();

statsFeature.chatType("private").command("stats", requireEditor, async (ctx) => {
  await ctx.reply(await statsText(ctx), { parse_mode: "HTML" });
});
