import { type Conversation, createConversation } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import { type Context, GrammyError, InlineKeyboard, type MiddlewareFn } from "grammy";
import type { Article, ArticleInput, Urgency } from "../../articles/article.ts";
import { SUMMARY_MAX_CHARS } from "../../articles/article.ts";
import { InvalidUrlError, publisherUrl } from "../../articles/canonical-url.ts";
import { summarizeExtractive } from "../../articles/extractive.ts";
import { summarize } from "../../articles/summarize.ts";
import type { Topic } from "../../articles/topics.ts";
import { LANGUAGES } from "../../config.ts";
import { toRenderItem } from "../../digest/article-item.ts";
import { renderLabels } from "../../digest/labels.ts";
import { renderItem } from "../../digest/render.ts";
import type { Source } from "../../feeds/sources.ts";
import { escapeHtml, isNotModified } from "../../telegram/helpers.ts";
import type { BotContext, BotDeps } from "../context.ts";
import { createI18n } from "../i18n.ts";
import { LANGUAGE_NAMES } from "../menus/settings-text.ts";
import { DEFAULT_CONVERSATION_IDLE_MS } from "./storage.ts";

export const POST = "post";
export const TITLE_MAX_CHARS = 300;
export const SOURCE_MAX_CHARS = 100;
const INPUT_SHOWN_CHARS = 80;

/** A context inside an editor's conversation: built by the conversation's own plugins. */
export type EditorContext = Context & I18nFlavor & Pick<BotContext, "deps" | "log" | "lang">;

export type EditorConversation = Conversation<BotContext, EditorContext>;

export type EditorConversationBuilder<A> = (
  conversation: EditorConversation,
  first: EditorContext,
  args: A,
  deps: BotDeps,
  idleMs: number,
) => Promise<void>;

/**
 * Installs an editor conversation under `id`. Contexts inside a conversation
 * are built by the plugin, not by the bot's middleware, so each gets `deps`,
 * `log`, `lang` (the outside context's language, read through `external` so
 * every replay sees the same value) and i18n here.
 */
export function createEditorConversation<A>(
  deps: BotDeps,
  id: string,
  builder: EditorConversationBuilder<A>,
): MiddlewareFn<BotContext> {
  const idleMs = deps.conversationIdleMs ?? DEFAULT_CONVERSATION_IDLE_MS;
  const i18n = createI18n<EditorContext>(deps.defaultLanguage);
  return createConversation<BotContext, EditorContext>(
    (conversation, ctx, args: A) => builder(conversation, ctx, args, deps, idleMs),
    {
      id,
      plugins: (conversation) => [
        async (ctx, next) => {
          ctx.deps = deps;
          ctx.lang = await conversation.external((outer) => outer.lang);
          ctx.log = deps.logger.child({
            update: ctx.update.update_id,
            chat: ctx.chat?.id,
            conversation: id,
          });
          await next();
        },
        i18n,
      ],
    },
  );
}

/** Starts `id` in this chat, replacing any conversation in progress there. */
export async function enterEditorConversation(
  ctx: BotContext,
  id: string,
  args?: unknown,
): Promise<void> {
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(id, ...(args === undefined ? [] : [args]));
}

/**
 * The command a message starts with, lower-cased, or "" when it is addressed
 * to another bot (/latest@other_bot); undefined when it is no command.
 */
export function commandOf(c: Context): string | undefined {
  const text = c.message?.text;
  const entity = c.message?.entities?.[0];
  if (text === undefined || entity?.type !== "bot_command" || entity.offset !== 0) return undefined;
  const [name = "", at] = text.slice(1, entity.length).split("@");
  if (at !== undefined && at.toLowerCase() !== c.me.username.toLowerCase()) return "";
  return name.toLowerCase();
}

/** Length in characters as a reader counts them (code points). */
export function charCount(text: string): number {
  return [...text].length;
}

/** Text as stored: whitespace runs (line breaks included) become one space, ends trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `text` cut to `max` characters with "…", HTML-escaped, for echoing what someone typed. */
export function shownInput(text: string, max = INPUT_SHOWN_CHARS): string {
  const chars = [...oneLine(text)];
  return escapeHtml(chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join(""));
}

/**
 * The article as readers get it: renderItem with the digest labels in this
 * update's language and the bot's default time zone, exactly as /latest
 * shows it (a digest dates it in its chat's zone).
 */
export function articleHtml(c: EditorContext | BotContext, article: Omit<Article, "id">): string {
  const labels = renderLabels((_lang, key, vars) => c.t(key, vars), c.lang, c.deps.topics);
  return renderItem(toRenderItem({ ...article, id: "" }), {
    labels,
    timeZone: c.deps.defaultTimezone,
  });
}

/**
 * An article link an editor typed, as the publisher wrote it (tracking
 * parameters dropped, see publisherUrl), or undefined when it
 * is not an http(s) link. A link without a scheme ("example.org/news/1") is
 * read as https.
 */
export function parseArticleLink(text: string): string | undefined {
  const trimmed = text
    .trim()
    .replace(/^<(.*)>$/s, "$1")
    .trim();
  const withScheme =
    !/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && /^[\w-]+(\.[\w-]+)+(\/|$)/.test(trimmed)
      ? `https://${trimmed}`
      : trimmed;
  try {
    return publisherUrl(withScheme);
  } catch (err) {
    if (err instanceof InvalidUrlError) return undefined;
    throw err;
  }
}

function bareHost(url: string): string {
  return new URL(url).hostname.replace(/^www\./, "");
}

/**
 * The source names to offer for a link: the known outlets (sources.json)
 * whose site or feed is on the link's host, then the host itself, e.g.
 * "euromaidanpress.com".
 */
export function sourceChoices(link: string, sources: readonly Source[]): string[] {
  const host = bareHost(link);
  const known = sources
    .filter((s) => [s.homepage, s.url].some((u) => u !== undefined && bareHost(u) === host))
    .map((s) => s.name);
  return [...new Set([...known, host])];
}

/** The language of an editor's title: Ukrainian when it is written in Cyrillic, else English. */
export function languageOfTitle(title: string): string {
  return /\p{Script=Cyrillic}/u.test(title) ? "uk" : "en";
}

/** A summary of pasted article text: the extractive summariser, else the lead sentences. */
export function summarizePasted(text: string, title: string): string {
  return summarizeExtractive(text, { title }) || summarize(text);
}

function topicsKeyboard(c: EditorContext, topics: readonly Topic[], chosen: readonly string[]) {
  const keyboard = new InlineKeyboard();
  topics.forEach((topic, i) => {
    const on = chosen.includes(topic.id);
    const mark = on ? "✅ " : topic.emoji ? `${topic.emoji} ` : "";
    keyboard.text(`${mark}${topic.name[c.lang]}`, `post:t:${on ? "-" : "+"}${topic.id}`);
    if (i % 2 === 1) keyboard.row();
  });
  if (topics.length % 2 === 1) keyboard.row();
  return keyboard.text(c.t("post-btn-topics-done"), "post:t:done");
}

interface Input {
  c: EditorContext;
  /** callback data of a press on the current menu */
  data?: string;
  /** text of a message */
  text?: string;
}

interface Draft {
  url: string;
  title: string;
  summary: string;
  /** what topics are looked for in: the pasted article text, else the summary */
  body: string;
  topics: string[];
  urgency: Urgency;
  source: string;
}

type Outcome =
  | { kind: "published"; id: string; hookFailed: boolean }
  | { kind: "exists"; id: string };

/**
 * `/post`: link → title → summary (written, or made from pasted article
 * text and confirmed) → topics (the tagger's proposal, toggled) → urgency →
 * source name → a preview rendered exactly as subscribers will see it, with
 * the article's language (guessed from the title) to confirm or change, as
 * readers get news only in their chosen languages → Publish or Cancel. Only Publish writes: `articles.put`, then
 * `deps.onArticle` (a flash goes out from there). /cancel stops at any step;
 * another command stops and is handled as usual; a question left
 * unanswered for the idle limit ends it at the editor's next message.
 */
async function post(
  conversation: EditorConversation,
  first: EditorContext,
  _args: undefined,
  deps: BotDeps,
  idleMs: number,
): Promise<void> {
  const chatId = first.chat?.id;
  const editorId = first.from?.id;
  if (chatId === undefined || editorId === undefined) return;
  let current = first;
  let menuId: number | undefined;
  /** when the current question was asked, read before sending it */
  let askedAt = 0;

  const clock = () => conversation.external(() => deps.now());

  async function closeMenu(c: EditorContext): Promise<void> {
    if (menuId === undefined) return;
    const id = menuId;
    menuId = undefined;
    try {
      await c.api.editMessageReplyMarkup(chatId as number, id);
    } catch (err) {
      if (!(err instanceof GrammyError)) throw err;
      c.log.debug({ err, message: id }, "could not take the buttons off an old step");
    }
  }

  /** Shows a step: edits the menu when its button was pressed, else sends a new message below. */
  async function show(text: string, keyboard?: InlineKeyboard): Promise<void> {
    const c = current;
    askedAt = await clock();
    const options = {
      parse_mode: "HTML" as const,
      link_preview_options: { is_disabled: true },
      ...(keyboard ? { reply_markup: keyboard } : {}),
    };
    if (menuId !== undefined && c.callbackQuery?.message?.message_id === menuId) {
      try {
        await c.api.editMessageText(chatId as number, menuId, text, options);
      } catch (err) {
        if (!isNotModified(err)) {
          throw err;
        }
      }
      if (!keyboard) menuId = undefined;
      return;
    }
    await closeMenu(c);
    const sent = await c.api.sendMessage(chatId as number, text, options);
    if (keyboard) menuId = sent.message_id;
  }

  async function timedOut(c: EditorContext): Promise<never> {
    await closeMenu(c);
    if (c.callbackQuery) {
      await c.answerCallbackQuery({ text: c.t("post-timed-out"), show_alert: true });
      return conversation.halt();
    }
    const command = commandOf(c);
    if (command === POST || command === "") return conversation.halt({ next: true });
    await c.reply(c.t("post-timed-out"));
    return conversation.halt({ next: command !== undefined && command !== "cancel" });
  }

  async function onCommand(c: EditorContext, command: string): Promise<never> {
    if (command === POST || command === "") return conversation.skip({ next: true });
    await closeMenu(c);
    if (command === "cancel") {
      await c.reply(c.t("post-cancelled"));
      return conversation.halt();
    }
    await c.reply(c.t("post-left"));
    return conversation.halt({ next: true });
  }

  /** The editor's next answer: a press on the current step's buttons, or a message. */
  async function input(): Promise<Input> {
    const c = await conversation.wait();
    const query = c.callbackQuery;
    if (c.from?.id !== editorId) return conversation.skip({ next: true });
    if (query && !query.data?.startsWith("post:")) return conversation.skip({ next: true });
    if (!query && !c.message) return conversation.skip({ next: true });
    if ((await clock()) - askedAt >= idleMs) return timedOut(c);
    if (query) {
      if (query.message?.message_id !== menuId) {
        await c.answerCallbackQuery({ text: c.t("post-stale-button") });
        return conversation.skip({ next: false });
      }
      current = c;
      return { c, data: query.data ?? "" };
    }
    const command = commandOf(c);
    if (command !== undefined) return onCommand(c, command);
    current = c;
    const text = c.message?.text;
    return text === undefined ? { c } : { c, text };
  }

  /** Says what is expected (or why the answer is refused) and waits for another answer. */
  async function retry(c: EditorContext, text: string): Promise<never> {
    if (c.callbackQuery) await c.answerCallbackQuery({ text, show_alert: true });
    else await c.reply(text, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
    return conversation.skip({ next: false });
  }

  async function linkStep(): Promise<string | undefined> {
    await show(current.t("post-ask-link"));
    const got = await input();
    if (got.text === undefined) return retry(got.c, got.c.t("post-expect-link"));
    const url = parseArticleLink(got.text);
    if (!url) return retry(got.c, got.c.t("post-link-invalid", { input: shownInput(got.text) }));
    const existing = await conversation.external(async () => {
      const found = await deps.articles.getByUrl(url);
      return found ? { id: found.id, title: found.title } : null;
    });
    if (!existing) return url;
    await show(
      got.c.t("post-link-exists", { id: existing.id, title: shownInput(existing.title, 120) }),
    );
    return undefined;
  }

  async function titleStep(): Promise<string> {
    await show(current.t("post-ask-title"));
    const got = await input();
    if (got.text === undefined) return retry(got.c, got.c.t("post-expect-text"));
    const title = oneLine(got.text);
    const count = charCount(title);
    if (count === 0) return retry(got.c, got.c.t("post-expect-text"));
    if (count > TITLE_MAX_CHARS) return retry(got.c, got.c.t("post-title-too-long", { count }));
    return title;
  }

  async function summaryStep(title: string): Promise<{ summary: string; body: string }> {
    await show(current.t("post-ask-summary"));
    let pasted: string | undefined;
    let proposed: string | undefined;
    for (;;) {
      const got = await input();
      const { c } = got;
      if (got.text !== undefined) {
        const text = oneLine(got.text);
        const count = charCount(text);
        if (count === 0) return retry(c, c.t("post-expect-text"));
        if (count <= SUMMARY_MAX_CHARS) return { summary: text, body: pasted ?? text };
        pasted = got.text;
        proposed = undefined;
        await show(
          c.t("post-summary-too-long", { count }),
          new InlineKeyboard().text(c.t("post-btn-summarise"), "post:summarise"),
        );
        continue;
      }
      if (got.data === undefined) return retry(c, c.t("post-expect-text-or-button"));
      await c.answerCallbackQuery();
      if (got.data === "post:summarise" && pasted !== undefined) {
        proposed = summarizePasted(pasted, title);
        if (proposed === "") {
          pasted = undefined;
          await show(c.t("post-summary-failed"));
          continue;
        }
        await show(
          c.t("post-summary-proposed", {
            count: charCount(proposed),
            summary: escapeHtml(proposed),
          }),
          new InlineKeyboard()
            .text(c.t("post-btn-use-summary"), "post:use-summary")
            .row()
            .text(c.t("post-btn-own-summary"), "post:own-summary"),
        );
      } else if (got.data === "post:use-summary" && proposed !== undefined) {
        await show(
          c.t("post-summary-proposed", {
            count: charCount(proposed),
            summary: escapeHtml(proposed),
          }),
        );
        return { summary: proposed, body: pasted ?? proposed };
      } else if (got.data === "post:own-summary") {
        proposed = undefined;
        await show(c.t("post-ask-own-summary"));
      }
    }
  }

  async function topicsStep(proposal: string[]): Promise<string[]> {
    let chosen = proposal;
    for (;;) {
      await show(current.t("post-ask-topics"), topicsKeyboard(current, deps.topics, chosen));
      const got = await input();
      if (got.data === undefined) return retry(got.c, got.c.t("post-expect-button"));
      await got.c.answerCallbackQuery();
      if (got.data === "post:t:done") {
        await closeMenu(got.c);
        return chosen;
      }
      const press = /^post:t:([+-])([a-z0-9-]+)$/.exec(got.data);
      if (!press) continue;
      const next = new Set(chosen);
      if (press[1] === "+") next.add(press[2] ?? "");
      else next.delete(press[2] ?? "");
      chosen = deps.topics.map((t) => t.id).filter((id) => next.has(id));
    }
  }

  async function urgencyStep(): Promise<Urgency> {
    const c = current;
    await show(
      c.t("post-ask-urgency"),
      new InlineKeyboard()
        .text(c.t("post-btn-normal"), "post:u:normal")
        .row()
        .text(c.t("post-btn-flash"), "post:u:flash"),
    );
    const got = await input();
    if (got.data !== "post:u:normal" && got.data !== "post:u:flash") {
      return retry(got.c, got.c.t("post-expect-button"));
    }
    await got.c.answerCallbackQuery();
    await closeMenu(got.c);
    return got.data === "post:u:flash" ? "flash" : "normal";
  }

  async function sourceStep(url: string): Promise<string> {
    const c = current;
    const choices = sourceChoices(url, deps.sources);
    const keyboard = new InlineKeyboard();
    for (const [i, name] of choices.entries()) keyboard.text(name, `post:s:${i}`).row();
    await show(c.t("post-ask-source"), keyboard);
    const got = await input();
    const picked = /^post:s:(\d+)$/.exec(got.data ?? "");
    const choice = picked ? choices[Number(picked[1])] : undefined;
    if (choice !== undefined) {
      await got.c.answerCallbackQuery();
      await closeMenu(got.c);
      return choice;
    }
    if (got.text === undefined) return retry(got.c, got.c.t("post-expect-text-or-button"));
    const typed = oneLine(got.text);
    if (charCount(typed) === 0) return retry(got.c, got.c.t("post-expect-text-or-button"));
    if (charCount(typed) > SOURCE_MAX_CHARS) {
      return retry(got.c, got.c.t("post-source-too-long"));
    }
    await closeMenu(got.c);
    return typed;
  }

  async function publish(input: ArticleInput): Promise<Outcome> {
    return conversation.external(async (outer): Promise<Outcome> => {
      const existing = await deps.articles.getByUrl(input.url);
      if (existing) return { kind: "exists", id: existing.id };
      const { article, created } = await deps.articles.put(input);
      outer.log.info({ article: article.id, urgency: article.urgency }, "editor published");
      let hookFailed = false;
      try {
        await deps.onArticle?.(article, created);
      } catch (err) {
        hookFailed = true;
        outer.log.error({ err, article: article.id }, "onArticle failed after /post");
      }
      return { kind: "published", id: article.id, hookFailed };
    });
  }

  /** The preview's buttons: publish or cancel, and the article's language, the chosen one marked. */
  function previewKeyboard(c: EditorContext, lang: string): InlineKeyboard {
    const keyboard = new InlineKeyboard()
      .text(c.t("post-btn-publish"), "post:publish")
      .text(c.t("post-btn-cancel"), "post:cancel")
      .row();
    for (const code of LANGUAGES) {
      keyboard.text(`${code === lang ? "✅ " : ""}${LANGUAGE_NAMES[code]}`, `post:l:${code}`);
    }
    return keyboard;
  }

  /** true when published; false when the editor cancelled. */
  async function previewStep(draft: Draft): Promise<boolean> {
    const c = current;
    const { body: _body, ...fields } = draft;
    const article = { ...fields, publishedAt: await clock(), lang: languageOfTitle(draft.title) };
    const html = articleHtml(c, article);
    const intro = [c.t("post-preview-intro")];
    if (draft.urgency === "flash") intro.push(c.t("post-preview-flash"));
    intro.push(c.t("post-preview-lang"));
    await closeMenu(c);
    await c.api.sendMessage(chatId as number, intro.join("\n"), { parse_mode: "HTML" });
    let got: Input;
    for (;;) {
      await show(html, previewKeyboard(current, article.lang));
      got = await input();
      const lang = /^post:l:([a-z]+)$/.exec(got.data ?? "")?.[1];
      if (lang === undefined || !(LANGUAGES as readonly string[]).includes(lang)) break;
      await got.c.answerCallbackQuery();
      article.lang = lang;
    }
    if (got.data !== "post:publish" && got.data !== "post:cancel") {
      return retry(got.c, got.c.t("post-expect-button"));
    }
    await got.c.answerCallbackQuery();
    await closeMenu(got.c);
    if (got.data === "post:cancel") {
      await got.c.reply(got.c.t("post-cancelled"));
      return false;
    }
    const outcome = await publish(article);
    if (outcome.kind === "exists") {
      await got.c.reply(got.c.t("post-published-meanwhile", { id: outcome.id }), {
        parse_mode: "HTML",
      });
      return false;
    }
    const lines = [got.c.t("post-published", { id: outcome.id })];
    if (outcome.hookFailed) lines.push(got.c.t("post-hook-failed", { id: outcome.id }));
    await got.c.reply(lines.join("\n"), { parse_mode: "HTML" });
    return true;
  }

  const url = await linkStep();
  if (url === undefined) return;
  const title = await titleStep();
  const { summary, body } = await summaryStep(title);
  const topics = await topicsStep(deps.tagger.tag(`${title}\n${body}`));
  const urgency = await urgencyStep();
  const source = await sourceStep(url);
  await previewStep({ url, title, summary, body, topics, urgency, source });
}

/** The /post conversation, installed after the conversations plugin. */
export function createPostConversation(deps: BotDeps): MiddlewareFn<BotContext> {
  return createEditorConversation<undefined>(deps, POST, post);
}
