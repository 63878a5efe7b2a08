import type { I18nFlavor } from "@grammyjs/i18n";
import { Composer } from "grammy";
import type { Topic } from "../../articles/topics.ts";
import type { ChatSettings } from "../../chats/chat.ts";
import { nextDueAt } from "../../chats/next-due.ts";
import type { Language } from "../../config.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";

type Translate = I18nFlavor["t"];

/** "Tue 17 Dec, 08:00 (Europe/Kyiv)": a moment in the chat's own zone, in the reader's language. */
export function formatDigestTime(t: Translate, tz: string, ms: number): string {
  const when = new Intl.DateTimeFormat(t("date-locale"), {
    timeZone: tz,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(ms);
  return `${when} (${tz})`;
}

/** The topics (in the topics file's order), times and zone of a subscription, one HTML line each. */
export function settingsLines(
  t: Translate,
  topics: readonly Topic[],
  lang: Language,
  settings: Pick<ChatSettings, "topics" | "times" | "tz">,
): string[] {
  const chosen = new Set(settings.topics);
  const names = [
    ...topics.filter((topic) => chosen.has(topic.id)).map((topic) => topic.name[lang]),
    ...settings.topics.filter((id) => !topics.some((topic) => topic.id === id)),
  ];
  const shown = names.length ? names.join(", ") : t("subscribe-all-topics");
  return [
    t("subscribe-summary-topics", { topics: escapeHtml(shown) }),
    t("subscribe-summary-times", { times: settings.times.join(", ") }),
    t("subscribe-summary-zone", { zone: escapeHtml(settings.tz) }),
  ];
}

function statusText(ctx: BotContext): string {
  const chat = ctx.chatRecord;
  if (!chat) return ctx.t("status-none");
  const active = chat.status === "active";
  const lines = [
    ctx.t(active ? "status-active" : "status-inactive"),
    ...settingsLines(ctx.t, ctx.deps.topics, ctx.lang, chat),
  ];
  if (active) {
    const next = formatDigestTime(ctx.t, chat.tz, nextDueAt(chat, ctx.deps.clock()));
    lines.push(ctx.t("subscribe-summary-next", { next: escapeHtml(next) }));
  }
  lines.push(
    chat.lastDeliveryAt
      ? ctx.t("status-last", {
          last: escapeHtml(formatDigestTime(ctx.t, chat.tz, chat.lastDeliveryAt)),
        })
      : ctx.t("status-last-none"),
  );
  return lines.join("\n");
}

/** `/status`: whether this chat is subscribed, to what, when the next digest comes and when the last one came. Anyone may ask. */
export const statusFeature = new Composer<BotContext>();

statusFeature
  .chatType(["private", "group", "supergroup"])
  .command("status", (ctx) => ctx.reply(statusText(ctx), { parse_mode: "HTML" }));
