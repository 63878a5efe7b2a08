import { type Conversation, createConversation } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import { type Context, GrammyError, type InlineKeyboard, type MiddlewareFn } from "grammy";
import {
  type Chat,
  type ChatKind,
  DEFAULT_TIMES,
  MAX_TIMES,
  newsLanguages,
} from "../../chats/chat.ts";
import { nextDueAt } from "../../chats/next-due.ts";
import { parseTimes, parseTimeZone, type SettingError } from "../../chats/settings.ts";
import type { Language } from "../../config.ts";
import { escapeHtml, isNotModified } from "../../telegram/helpers.ts";
import type { BotContext, BotDeps } from "../context.ts";
import { formatDigestTime, settingsLines } from "../features/status.ts";
import { createI18n } from "../i18n.ts";
import { backKeyboard, confirmKeyboard, parseConfirmPress } from "../keyboards/confirm.ts";
import { parseSchedulePress, scheduleKeyboard } from "../keyboards/schedule-presets.ts";
import { parseTimeZonePress, timeZoneKeyboard } from "../keyboards/time-zone-picker.ts";
import { applyTopicsPress, parseTopicsPress, topicsKeyboard } from "../keyboards/topics-picker.ts";
import { settingErrorsText } from "../setting-errors.ts";
import { DEFAULT_CONVERSATION_IDLE_MS } from "./storage.ts";

export const SUBSCRIBE = "subscribe";

/** `targetChatId`: subscribe that chat (a linked channel) from this one; default: this chat. */
export interface SubscribeArgs {
  targetChatId?: number;
}

/** What a context inside the conversation carries: built by the conversation's own plugins. */
export type SubscribeContext = Context & I18nFlavor & Pick<BotContext, "deps" | "log" | "lang">;

type SubscribeConversation = Conversation<BotContext, SubscribeContext>;

type Step = "topics" | "schedule" | "times" | "zone" | "zone-typed" | "confirm";

/** The user who opened the conversation, or, for an anonymous admin, every admin of the group. */
type Owner = { user: number } | { admins: number };

interface Input {
  c: SubscribeContext;
  /** callback data of a press on the current menu */
  data?: string;
  /** text of a message */
  text?: string;
}

interface Command {
  name: string;
  /** false when addressed to another bot (/latest@other_bot) */
  forUs: boolean;
}

const PREFIX = "sub:";
const P = {
  topics: "sub:t",
  schedule: "sub:s",
  zone: "sub:z",
  confirm: "sub:c",
  news: "sub:n",
  backToSchedule: "sub:b:schedule",
  backToZone: "sub:b:zone",
} as const;
const ADMIN_STATUSES = new Set(["creator", "administrator"]);
/** The news-language choices offered, as stored (sorted language codes). */
const NEWS_CHOICES: readonly (readonly Language[])[] = [["en"], ["uk"], ["en", "uk"]];

function newsName(c: SubscribeContext, news: readonly Language[]): string {
  return c.t(news.length > 1 ? "news-langs-both" : `news-langs-${news[0] ?? "en"}`);
}

/**
 * Starts /subscribe in this chat, replacing any conversation in progress
 * there. `args.targetChatId` subscribes another chat (a linked channel) from
 * this private chat.
 */
export async function enterSubscribe(ctx: BotContext, args?: SubscribeArgs): Promise<void> {
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(SUBSCRIBE, ...(args ? [args] : []));
}

/**
 * The /subscribe conversation, installed after the conversations plugin.
 * Contexts inside a conversation are built by the plugin, not by the bot's
 * middleware, so the conversation installs its own: `deps`, `log`, `lang`
 * (the outside context's language, read through `external` so a replay sees
 * the same value) and i18n. A question left unanswered for
 * `deps.conversationIdleMs` ends the conversation at the user's next message,
 * with a reply saying so.
 */
export function createSubscribeConversation(deps: BotDeps): MiddlewareFn<BotContext> {
  const idleMs = deps.conversationIdleMs ?? DEFAULT_CONVERSATION_IDLE_MS;
  const i18n = createI18n<SubscribeContext>(deps.defaultLanguage);
  return createConversation<BotContext, SubscribeContext>(
    (conversation, ctx, args?: SubscribeArgs) =>
      subscribe(conversation, ctx, args ?? {}, deps, idleMs),
    {
      id: SUBSCRIBE,
      plugins: (conversation) => [conversationContext(deps, conversation), i18n],
    },
  );
}

function conversationContext(
  deps: BotDeps,
  conversation: SubscribeConversation,
): MiddlewareFn<SubscribeContext> {
  return async (ctx, next) => {
    ctx.deps = deps;
    ctx.lang = await conversation.external((outer) => outer.lang);
    ctx.log = deps.logger.child({
      update: ctx.update.update_id,
      chat: ctx.chat?.id,
      conversation: SUBSCRIBE,
    });
    await next();
  };
}

/**
 * Topics -> times -> time zone -> confirmation, in one message edited step
 * by step (a typed answer moves the menu below it). Confirming writes the
 * chat's settings and makes it active; the cursor is left alone: a chat whose
 * cursor is 0 gets the last 24 hours in its first digest (digestWindowStart),
 * and a returning subscriber continues from its cursor, at most 48 hours
 * back, so no first digest is empty for want of a cursor and none claims a
 * delivery that never happened.
 */
async function subscribe(
  conversation: SubscribeConversation,
  first: SubscribeContext,
  args: SubscribeArgs,
  deps: BotDeps,
  idleMs: number,
): Promise<void> {
  const chat = first.chat;
  if (!chat) return;
  const chatId = chat.id;
  const chatType = chat.type;
  const chatTitle = "title" in chat ? chat.title : undefined;
  const targetId = args.targetChatId ?? chatId;
  const forTarget = targetId !== chatId;
  const inGroup = chat.type === "group" || chat.type === "supergroup";
  const thread = first.msg?.is_topic_message ? first.msg.message_thread_id : undefined;
  const threadOptions = thread !== undefined ? { message_thread_id: thread } : {};
  const owner: Owner =
    inGroup && first.senderChat?.id === chatId ? { admins: chatId } : { user: first.from?.id ?? 0 };

  const existing: Chat | null = await conversation.external(
    async () => (await deps.chats.get(targetId)) ?? null,
  );
  const known = new Set(deps.topics.map((topic) => topic.id));
  const draft: { topics: string[]; times: string[]; tz: string; news?: Language[] } = {
    topics: (existing?.topics ?? []).filter((id) => known.has(id)),
    times: existing ? [...existing.times] : [...DEFAULT_TIMES],
    tz: existing?.tz ?? deps.defaultTimezone,
  };
  /** set once the news languages were pressed: only then are they stored */
  let newsChosen = false;
  let current = first;
  let menuId: number | undefined;
  /** when the question now open was asked: the idle limit counts from here */
  let askedAt = 0;

  const clock = () => conversation.external(() => deps.now());

  function commandOf(c: SubscribeContext): Command | undefined {
    const text = c.message?.text;
    const entity = c.message?.entities?.[0];
    if (text === undefined || entity?.type !== "bot_command" || entity.offset !== 0) return;
    const [name = "", at] = text.slice(1, entity.length).split("@");
    const forUs = at === undefined || at.toLowerCase() === c.me.username.toLowerCase();
    return { name: name.toLowerCase(), forUs };
  }

  /** In a group, only replies to the bot and mentions of it are answers; the rest is chatter. */
  function addressedToBot(c: SubscribeContext): boolean {
    if (!inGroup) return true;
    const message = c.message;
    if (message?.reply_to_message?.from?.id === c.me.id) return true;
    const text = message?.text ?? message?.caption ?? "";
    return text.toLowerCase().includes(`@${c.me.username.toLowerCase()}`);
  }

  async function fromOwner(c: SubscribeContext): Promise<boolean> {
    if ("user" in owner) return c.from?.id === owner.user && c.senderChat === undefined;
    if (c.senderChat?.id === owner.admins) return true;
    if (!c.from || c.from.is_bot) return false;
    try {
      const member = await c.api.getChatMember(owner.admins, c.from.id);
      return ADMIN_STATUSES.has(member.status);
    } catch (err) {
      if (err instanceof GrammyError) return false;
      throw err;
    }
  }

  /** Rights can change while the menu is open: a user who started it must still manage the chat to save. */
  async function mayStillManage(c: SubscribeContext): Promise<boolean> {
    if ("admins" in owner) return true;
    const managed = forTarget ? targetId : inGroup ? chatId : undefined;
    if (managed === undefined) return true;
    try {
      const member = await c.api.getChatMember(managed, owner.user);
      return ADMIN_STATUSES.has(member.status);
    } catch (err) {
      if (err instanceof GrammyError) return false;
      throw err;
    }
  }

  function replyOptions(c: SubscribeContext) {
    return inGroup && c.message
      ? {
          reply_parameters: { message_id: c.message.message_id, allow_sending_without_reply: true },
        }
      : {};
  }

  async function editMenu(
    c: SubscribeContext,
    id: number,
    text: string,
    keyboard?: InlineKeyboard,
  ) {
    try {
      await c.api.editMessageText(chatId, id, text, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(keyboard ? { reply_markup: keyboard } : {}),
      });
    } catch (err) {
      if (!isNotModified(err)) {
        throw err;
      }
    }
  }

  /** Takes the buttons off the current menu, so only the newest message has live ones. */
  async function closeMenu(c: SubscribeContext): Promise<void> {
    if (menuId === undefined) return;
    const id = menuId;
    menuId = undefined;
    try {
      await c.api.editMessageReplyMarkup(chatId, id);
    } catch (err) {
      if (!(err instanceof GrammyError)) throw err;
      c.log.debug({ err, message: id }, "could not take the buttons off an old menu");
    }
  }

  /** Shows a step: edits the menu when the user pressed one of its buttons, else sends a new one below. */
  async function show(text: string, keyboard?: InlineKeyboard): Promise<void> {
    const c = current;
    askedAt = await clock();
    if (menuId !== undefined && c.callbackQuery?.message?.message_id === menuId) {
      await editMenu(c, menuId, text, keyboard);
      return;
    }
    await closeMenu(c);
    const sent = await c.api.sendMessage(chatId, text, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...threadOptions,
      ...(keyboard ? { reply_markup: keyboard } : {}),
    });
    menuId = sent.message_id;
  }

  async function passOn(c: SubscribeContext): Promise<never> {
    if (c.callbackQuery?.data?.startsWith(PREFIX)) {
      await c.answerCallbackQuery({ text: c.t("subscribe-not-yours"), show_alert: true });
      return conversation.skip({ next: false });
    }
    return conversation.skip({ next: true });
  }

  async function timedOut(c: SubscribeContext): Promise<never> {
    await closeMenu(c);
    if (c.callbackQuery) {
      await c.answerCallbackQuery({ text: c.t("subscribe-timed-out"), show_alert: true });
      return conversation.halt();
    }
    const command = commandOf(c);
    if (command?.name === SUBSCRIBE) return conversation.halt({ next: true });
    await c.reply(c.t("subscribe-timed-out"), replyOptions(c));
    return conversation.halt({ next: command !== undefined && command.name !== "cancel" });
  }

  /**
   * /cancel ends the conversation here; /subscribe goes on to start a fresh
   * one; any other command of ours stops the setup, says so, and is then
   * handled as usual.
   */
  async function onCommand(c: SubscribeContext, command: Command): Promise<never> {
    await closeMenu(c);
    if (command.name === SUBSCRIBE) return conversation.skip({ next: true });
    if (command.name === "cancel") {
      await c.reply(c.t("subscribe-cancelled"), replyOptions(c));
      return conversation.halt();
    }
    await c.reply(c.t("subscribe-left"), replyOptions(c));
    return conversation.halt({ next: true });
  }

  /**
   * The owner's next answer: a press on the current menu or a message. Other
   * people's updates, other features' buttons and group chatter go on to the
   * rest of the bot untouched.
   */
  async function input(): Promise<Input> {
    const c = await conversation.wait();
    const query = c.callbackQuery;
    const command = commandOf(c);
    if (query) {
      if (!query.data?.startsWith(PREFIX)) return conversation.skip({ next: true });
    } else if (!c.message || (command ? !command.forUs : !addressedToBot(c))) {
      return conversation.skip({ next: true });
    }
    if (!(await fromOwner(c))) return passOn(c);
    if ((await clock()) - askedAt >= idleMs) return timedOut(c);
    if (query?.data !== undefined) {
      if (query.message?.message_id !== menuId) {
        await c.answerCallbackQuery({ text: c.t("subscribe-stale-button") });
        return conversation.skip({ next: false });
      }
      current = c;
      return { c, data: query.data };
    }
    if (command) return onCommand(c, command);
    current = c;
    const text = c.message?.text;
    return text === undefined ? { c } : { c, text };
  }

  /** A press that means nothing now (a double press of a step already left): answered, dropped. */
  async function ignore(c: SubscribeContext): Promise<never> {
    await c.answerCallbackQuery();
    return conversation.skip({ next: false });
  }

  async function hint(c: SubscribeContext, step: Step): Promise<never> {
    if (c.callbackQuery) return ignore(c);
    await c.reply(c.t(`subscribe-hint-${step}`), replyOptions(c));
    return conversation.skip({ next: false });
  }

  /** What was wrong with a typed answer, and the question again. */
  async function retry(
    c: SubscribeContext,
    errors: SettingError[],
    question: string,
  ): Promise<never> {
    const why = escapeHtml(settingErrorsText((key, vars) => c.t(key, vars), errors));
    await c.reply(`${why}\n\n${question}`, { parse_mode: "HTML", ...replyOptions(c) });
    return conversation.skip({ next: false });
  }

  function topicsText(c: SubscribeContext): string {
    const intro: string[] = [];
    if (forTarget) {
      intro.push(
        c.t("subscribe-for-chat", { title: escapeHtml(existing?.title ?? String(targetId)) }),
      );
    }
    if (existing?.status === "active") intro.push(c.t("subscribe-editing"));
    return [...intro, ...(intro.length ? [""] : []), c.t("subscribe-step-topics")].join("\n");
  }

  async function topicsStep(): Promise<Step> {
    for (;;) {
      const c = current;
      const state = { topics: deps.topics, lang: c.lang, chosen: draft.topics };
      await show(topicsText(c), topicsKeyboard(c.t, state, P.topics));
      const got = await input();
      if (got.data === undefined) return hint(got.c, "topics");
      const press = parseTopicsPress(P.topics, got.data);
      if (!press) return ignore(got.c);
      if (press.kind === "done") {
        await got.c.answerCallbackQuery();
        return "schedule";
      }
      const chosen = applyTopicsPress(deps.topics, draft.topics, press);
      if (chosen.join(",") === draft.topics.join(",")) return ignore(got.c);
      await got.c.answerCallbackQuery();
      draft.topics = chosen;
    }
  }

  async function scheduleStep(): Promise<Step> {
    const c = current;
    await show(c.t("subscribe-step-schedule"), scheduleKeyboard(c.t, draft, P.schedule));
    const got = await input();
    if (got.data === undefined) return hint(got.c, "schedule");
    const press = parseSchedulePress(P.schedule, got.data);
    if (!press) return ignore(got.c);
    await got.c.answerCallbackQuery();
    if (press.kind === "custom") return "times";
    if (press.kind === "preset") draft.times = press.times;
    return "zone";
  }

  async function timesStep(): Promise<Step> {
    const c = current;
    const question = [
      c.t("subscribe-step-times", { max: MAX_TIMES }),
      ...(inGroup ? [c.t("subscribe-reply-here")] : []),
    ].join("\n");
    await show(question, backKeyboard(c.t, P.backToSchedule));
    const got = await input();
    if (got.data === P.backToSchedule) {
      await got.c.answerCallbackQuery();
      return "schedule";
    }
    if (got.data !== undefined) return ignore(got.c);
    if (got.text === undefined) return hint(got.c, "times");
    const parsed = parseTimes(got.text);
    if (parsed.ok) {
      draft.times = parsed.value;
      return "zone";
    }
    return retry(got.c, parsed.errors, question);
  }

  async function zoneStep(): Promise<Step> {
    const c = current;
    await show(
      c.t("subscribe-step-zone", { times: draft.times.join(", ") }),
      timeZoneKeyboard(c.t, draft, P.zone),
    );
    const got = await input();
    if (got.data === undefined) return hint(got.c, "zone");
    const press = parseTimeZonePress(P.zone, got.data);
    if (!press) return ignore(got.c);
    await got.c.answerCallbackQuery();
    if (press.kind === "other") return "zone-typed";
    draft.tz = press.zone;
    return "confirm";
  }

  async function zoneTypedStep(): Promise<Step> {
    const c = current;
    const question = [
      c.t("subscribe-step-zone-typed"),
      ...(inGroup ? [c.t("subscribe-reply-here")] : []),
    ].join("\n");
    await show(question, backKeyboard(c.t, P.backToZone));
    const got = await input();
    if (got.data === P.backToZone) {
      await got.c.answerCallbackQuery();
      return "zone";
    }
    if (got.data !== undefined) return ignore(got.c);
    if (got.text === undefined) return hint(got.c, "zone-typed");
    const parsed = parseTimeZone(got.text);
    if (parsed.ok) {
      draft.tz = parsed.value;
      return "confirm";
    }
    return retry(got.c, parsed.errors, question);
  }

  function nextLine(c: SubscribeContext, now: number): string {
    const next = formatDigestTime(c.t, draft.tz, nextDueAt(draft, now));
    return c.t("subscribe-summary-next", { next: escapeHtml(next) });
  }

  /** The news languages the chat will get: as chosen here, else as stored, else the default. */
  function draftNews(c: SubscribeContext): Language[] {
    if (draft.news) return draft.news;
    if (existing) return newsLanguages(existing);
    return newsLanguages({ lang: c.lang });
  }

  /** The confirmation's buttons, with a row choosing the news languages. */
  function confirmMenu(c: SubscribeContext): InlineKeyboard {
    const chosen = draftNews(c).join(",");
    const keyboard = confirmKeyboard(c.t, P.confirm).row();
    for (const news of NEWS_CHOICES) {
      const key = news.length > 1 ? "news-langs-both" : `news-langs-${news[0]}`;
      const mark = news.join(",") === chosen ? "✅ " : "";
      keyboard.text(`${mark}${c.t(key)}`, `${P.news}:${news.join(",")}`);
    }
    return keyboard;
  }

  /** true once saved; false to go back and change the choices. */
  async function confirmStep(): Promise<boolean> {
    const c = current;
    const text = [
      c.t("subscribe-step-confirm"),
      "",
      ...settingsLines(c.t, deps.topics, c.lang, draft),
      c.t("subscribe-summary-news", { news: newsName(c, draftNews(c)) }),
      nextLine(c, await clock()),
    ].join("\n");
    await show(text, confirmMenu(c));
    const got = await input();
    if (got.data === undefined) return hint(got.c, "confirm");
    const news = NEWS_CHOICES.find((choice) => got.data === `${P.news}:${choice.join(",")}`);
    if (news) {
      await got.c.answerCallbackQuery();
      draft.news = [...news];
      newsChosen = true;
      return confirmStep();
    }
    const press = parseConfirmPress(P.confirm, got.data);
    if (!press) return ignore(got.c);
    if (press === "ok" && !(await mayStillManage(got.c))) {
      const title = existing?.title ?? String(targetId);
      const why = forTarget ? got.c.t("subscribe-not-admin", { title }) : got.c.t("only-admins");
      await got.c.answerCallbackQuery({ text: why, show_alert: true });
      await closeMenu(got.c);
      return conversation.halt();
    }
    await got.c.answerCallbackQuery();
    if (press === "change") return false;
    const saved = await save(got.c.lang);
    const next = escapeHtml(formatDigestTime(got.c.t, saved.tz, nextDueAt(saved, await clock())));
    const done = forTarget
      ? got.c.t("subscribe-done-channel", {
          title: escapeHtml(saved.title ?? String(targetId)),
          next,
        })
      : got.c.t("subscribe-done", { next });
    await show(done);
    return true;
  }

  async function save(lang: BotContext["lang"]): Promise<Chat> {
    const kind: ChatKind = forTarget ? "channel" : chatType;
    const title = forTarget ? undefined : chatTitle;
    const result = await conversation.external(async (outer) => {
      const before = await deps.chats.get(targetId);
      if (!before) await deps.chats.ensure(targetId, { kind, ...(title ? { title } : {}) });
      const patch: Record<string, unknown> = {
        topics: draft.topics,
        times: draft.times,
        tz: draft.tz,
        ...(forTarget ? {} : { threadId: thread ?? null }),
        ...(newsChosen && draft.news ? { news: draft.news } : {}),
        ...(before || forTarget ? {} : { lang }),
      };
      const updated = await deps.chats.updateSettings(targetId, patch);
      if (!updated.ok) return { ok: false as const, errors: updated.errors.map((e) => e.message) };
      const active = (await deps.chats.setStatus(targetId, "active")) ?? updated.chat;
      outer.log.info(
        { target: targetId, topics: active.topics, times: active.times, tz: active.tz },
        before?.status === "active" ? "subscription changed" : "subscribed",
      );
      return { ok: true as const, chat: active };
    });
    if (!result.ok)
      throw new Error(`subscription of ${targetId} refused: ${result.errors.join("; ")}`);
    return result.chat;
  }

  let step: Step = "topics";
  for (;;) {
    if (step === "topics") step = await topicsStep();
    else if (step === "schedule") step = await scheduleStep();
    else if (step === "times") step = await timesStep();
    else if (step === "zone") step = await zoneStep();
    else if (step === "zone-typed") step = await zoneTypedStep();
    else if (await confirmStep()) return;
    else step = "topics";
  }
}
