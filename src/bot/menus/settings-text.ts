import { type Chat, newsLanguages, type QuietHours } from "../../chats/chat.ts";
import { commonTimeZones } from "../../chats/time-zones.ts";
import type { Language } from "../../config.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";

/** Each language's name in itself, as the language buttons show it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", uk: "Українська" };

/** "✅ " for a chosen option, nothing otherwise. */
export function mark(chosen: boolean): string {
  return chosen ? "✅ " : "";
}

export function onOff(ctx: BotContext, on: boolean): string {
  return ctx.t(on ? "settings-on" : "settings-off");
}

function topicName(ctx: BotContext, id: string): string {
  const topic = ctx.deps.topics.find((t) => t.id === id);
  return topic ? topic.name[ctx.lang] : id;
}

/** "All topics", the names of one or two topics (in the topics file's order, as /status lists them), else how many. */
export function topicsValue(ctx: BotContext, topics: readonly string[]): string {
  if (topics.length === 0) return ctx.t("settings-all-topics");
  const order = (id: string) => {
    const i = ctx.deps.topics.findIndex((t) => t.id === id);
    return i === -1 ? ctx.deps.topics.length : i;
  };
  if (topics.length <= 2) {
    return [...topics]
      .sort((a, b) => order(a) - order(b))
      .map((id) => topicName(ctx, id))
      .join(", ");
  }
  return ctx.t("settings-topics-count", { count: topics.length });
}

export function timesValue(times: readonly string[]): string {
  return times.join(", ");
}

/** A preset zone by its city, in this update's language; any other zone by its IANA name. */
export function zoneValue(ctx: BotContext, zone: string): string {
  const preset = commonTimeZones.find((z) => z.zone === zone);
  if (!preset) return zone;
  const key = `settings-city-${preset.label.toLowerCase().replace(/\s+/g, "-")}`;
  const city = ctx.t(key);
  return city === key ? preset.label : city;
}

export function quietValue(ctx: BotContext, quiet: QuietHours | undefined): string {
  return quiet ? `${quiet.start}–${quiet.end}` : ctx.t("settings-off");
}

/** The news languages a chat gets, in words: "English", "Ukrainian", "English and Ukrainian". */
export function newsValue(ctx: BotContext, chat: Pick<Chat, "lang" | "news">): string {
  const langs = newsLanguages(chat);
  return ctx.t(langs.length > 1 ? "news-langs-both" : `news-langs-${langs[0] ?? "en"}`);
}

function statusLine(ctx: BotContext, chat: Chat): string {
  if (chat.status === "active") return ctx.t("settings-status-active");
  if (chat.status === "left" || chat.status === "blocked") return ctx.t("settings-status-gone");
  return ctx.t(
    chat.id === ctx.chat?.id ? "settings-status-paused" : "settings-status-paused-linked",
  );
}

/** The settings message: whose settings, subscribed or not, and every current value (HTML). */
export function settingsText(ctx: BotContext, chat: Chat): string {
  const title =
    chat.kind !== "private" && chat.title
      ? ctx.t("settings-title-of", { title: escapeHtml(chat.title) })
      : ctx.t("settings-title");
  return [
    title,
    statusLine(ctx, chat),
    "",
    ctx.t("settings-line-language", { value: LANGUAGE_NAMES[chat.lang] }),
    ctx.t("settings-line-topics", { value: escapeHtml(topicsValue(ctx, chat.topics)) }),
    ctx.t("settings-line-times", { value: timesValue(chat.times) }),
    ctx.t("settings-line-zone", { value: escapeHtml(chat.tz) }),
    ctx.t("settings-line-items", { value: chat.maxItems }),
    ctx.t("settings-line-previews", { value: onOff(ctx, chat.previews) }),
    ctx.t("settings-line-flash", { value: onOff(ctx, chat.flash) }),
    ctx.t("settings-line-quiet", { value: quietValue(ctx, chat.quiet) }),
    ctx.t("settings-line-news", { value: newsValue(ctx, chat) }),
  ].join("\n");
}

/** The /topics message: whose topics and which are chosen (HTML). */
export function topicsText(ctx: BotContext, chat: Chat): string {
  const title =
    chat.kind !== "private" && chat.title
      ? ctx.t("topics-toggle-title-of", { title: escapeHtml(chat.title) })
      : ctx.t("topics-toggle-title");
  return [
    title,
    ctx.t("topics-toggle-now", { value: escapeHtml(topicsValue(ctx, chat.topics)) }),
    "",
    ctx.t(chat.kind === "private" ? "topics-toggle-hint" : "topics-toggle-hint-group"),
  ].join("\n");
}
