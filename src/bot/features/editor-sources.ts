import { Composer, InlineKeyboard } from "grammy";
import type { Article } from "../../articles/article.ts";
import { TELEGRAM_MAX_LENGTH } from "../../digest/render.ts";
import type { FeedState } from "../../feeds/feed-state.ts";
import type { Source } from "../../feeds/sources.ts";
import { escapeHtml, isNotModified } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import { isEditor } from "../guards.ts";
import { timeZoneOf } from "../reply-articles.ts";

const DAY_MS = 24 * 60 * 60_000;
const ERROR_SHOWN_CHARS = 200;
const BUTTON_NAME_CHARS = 24;
const PRESS = /^src:(pause|resume):([a-z0-9]+(?:-[a-z0-9]+)*)$/;

interface SourceCard {
  source: Source;
  state: FeedState;
  /** articles stored in the last 24 hours under the source's name */
  recent: number;
}

interface Page {
  text: string;
  keyboard: InlineKeyboard;
}

function cut(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, " ").trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join("");
}

function when(ctx: BotContext, at: number): string {
  const locale = ctx.t("date-locale");
  const absolute = new Intl.DateTimeFormat(locale, {
    timeZone: timeZoneOf(ctx),
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
  const minutes = Math.round((at - ctx.deps.clock()) / 60_000);
  const relative = new Intl.RelativeTimeFormat(locale, { style: "short", numeric: "always" });
  const ago =
    Math.abs(minutes) < 120
      ? relative.format(minutes, "minute")
      : Math.abs(minutes) < 48 * 60
        ? relative.format(Math.round(minutes / 60), "hour")
        : relative.format(Math.round(minutes / (24 * 60)), "day");
  return `${absolute} (${ago})`;
}

function statusLine(ctx: BotContext, card: SourceCard): string {
  if (!card.source.enabled) return ctx.t("editor-sources-status-disabled");
  if (card.state.paused) return ctx.t("editor-sources-status-paused");
  return ctx.t("editor-sources-status-active", { minutes: card.source.pollMinutes });
}

function cardText(ctx: BotContext, card: SourceCard): string {
  const { source, state } = card;
  const lines = [
    `<b>${escapeHtml(source.name)}</b> · <code>${escapeHtml(source.id)}</code>`,
    statusLine(ctx, card),
    state.lastSuccessAt === undefined
      ? ctx.t("editor-sources-never")
      : ctx.t("editor-sources-last-success", { when: when(ctx, state.lastSuccessAt) }),
    ctx.t("editor-sources-items", { count: card.recent }),
  ];
  if (state.failures > 0) {
    lines.push(
      ctx.t("editor-sources-failures", {
        count: state.failures,
        error: escapeHtml(cut(state.lastError ?? "?", ERROR_SHOWN_CHARS)),
      }),
    );
  }
  return lines.join("\n");
}

function button(ctx: BotContext, card: SourceCard): [string, string] {
  const name = cut(card.source.name, BUTTON_NAME_CHARS);
  return card.state.paused
    ? [ctx.t("editor-sources-btn-resume", { name }), `src:resume:${card.source.id}`]
    : [ctx.t("editor-sources-btn-pause", { name }), `src:pause:${card.source.id}`];
}

/** Articles per source name over the last 24 hours, from the article store. */
async function recentCounts(ctx: BotContext): Promise<Map<string, number>> {
  const recent: Article[] = await ctx.deps.articles.since(ctx.deps.clock() - DAY_MS);
  const counts = new Map<string, number>();
  for (const article of recent) counts.set(article.source, (counts.get(article.source) ?? 0) + 1);
  return counts;
}

async function cardsFor(ctx: BotContext, sources: Source[]): Promise<SourceCard[]> {
  const counts = await recentCounts(ctx);
  return Promise.all(
    sources.map(async (source) => ({
      source,
      state: await ctx.deps.feedState.get(source.id),
      recent: counts.get(source.name) ?? 0,
    })),
  );
}

/**
 * The cards as messages within Telegram's length limit, the header on the
 * first, each with the Pause/Resume buttons of the sources it shows.
 */
function pages(ctx: BotContext, cards: SourceCard[], withHeader: boolean): Page[] {
  const out: Page[] = [];
  let blocks: string[] = withHeader
    ? [ctx.t("editor-sources-header", { zone: escapeHtml(timeZoneOf(ctx)) })]
    : [];
  let keyboard = new InlineKeyboard();
  let length = blocks.join("").length;
  let hasCards = false;
  for (const card of cards) {
    const text = cardText(ctx, card);
    if (hasCards && length + 2 + text.length > TELEGRAM_MAX_LENGTH) {
      out.push({ text: blocks.join("\n\n"), keyboard });
      blocks = [];
      keyboard = new InlineKeyboard();
      length = 0;
    }
    length += (blocks.length > 0 ? 2 : 0) + text.length;
    blocks.push(text);
    const [label, data] = button(ctx, card);
    keyboard.text(label, data).row();
    hasCards = true;
  }
  if (blocks.length > 0) out.push({ text: blocks.join("\n\n"), keyboard });
  return out;
}

const html = { parse_mode: "HTML", link_preview_options: { is_disabled: true } } as const;

async function showSources(ctx: BotContext): Promise<void> {
  const { sources } = ctx.deps;
  if (sources.length === 0) {
    await ctx.reply(ctx.t("editor-sources-empty"));
    return;
  }
  for (const page of pages(ctx, await cardsFor(ctx, sources), true)) {
    await ctx.reply(page.text, { ...html, reply_markup: page.keyboard });
  }
}

/** The source ids whose buttons the pressed message carries, in order. */
function idsOnMessage(ctx: BotContext): string[] {
  const markup = ctx.callbackQuery?.message?.reply_markup;
  return (markup?.inline_keyboard ?? [])
    .flat()
    .map((b) => ("callback_data" in b ? PRESS.exec(b.callback_data ?? "")?.[2] : undefined))
    .filter((id): id is string => id !== undefined);
}

async function redraw(ctx: BotContext): Promise<void> {
  const { sources } = ctx.deps;
  const ids = idsOnMessage(ctx);
  const shown = sources.filter((s) => ids.includes(s.id));
  if (shown.length === 0) return;
  const [page] = pages(ctx, await cardsFor(ctx, shown), shown[0] === sources[0]);
  if (!page) return;
  try {
    await ctx.editMessageText(page.text, { ...html, reply_markup: page.keyboard });
  } catch (err) {
    if (isNotModified(err)) return;
    throw err;
  }
}

/**
 * `/sources` for editors, in a private chat: per source its polling status,
 * last successful fetch, articles stored under its name in the last 24 hours,
 * consecutive failures with the last error, and a Pause/Resume button (the
 * poller skips paused sources). Everyone else falls through to the public
 * list. A button names the state it sets, so a double press changes nothing.
 */
export const editorSourcesFeature = new Composer<BotContext>();
const inPrivate = editorSourcesFeature.chatType("private");

inPrivate.filter(isEditor).command("sources", showSources);

inPrivate.callbackQuery(PRESS, async (ctx) => {
  if (!isEditor(ctx)) {
    await ctx.answerCallbackQuery({ text: ctx.t("only-editors"), show_alert: true });
    return;
  }
  const [, action, id] = ctx.match;
  const source = ctx.deps.sources.find((s) => s.id === id);
  if (!source) {
    await ctx.answerCallbackQuery({ text: ctx.t("editor-sources-unknown"), show_alert: true });
    return;
  }
  const paused = action === "pause";
  await ctx.deps.feedState.setPaused(source.id, paused);
  ctx.log.info({ source: source.id, paused, editor: ctx.from.id }, "source paused or resumed");
  await ctx.answerCallbackQuery({
    text: ctx.t(paused ? "editor-sources-paused" : "editor-sources-resumed", {
      name: source.name,
    }),
  });
  await redraw(ctx);
});
