import type { InlineKeyboard } from "grammy";
import { type Chat, DEFAULT_TIMES, MAX_TIMES, newsLanguages } from "../../chats/chat.ts";
import { nextDueAt } from "../../chats/next-due.ts";
import { parseTimes, parseTimeZone, type SettingError } from "../../chats/settings.ts";
import type { Language } from "../../config.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext, BotDeps } from "../context.ts";
import { formatDigestTime, settingsLines } from "../features/status.ts";
import { backKeyboard, confirmKeyboard, parseConfirmPress } from "../keyboards/confirm.ts";
import { parseSchedulePress, scheduleKeyboard } from "../keyboards/schedule-presets.ts";
import { parseTimeZonePress, timeZoneKeyboard } from "../keyboards/time-zone-picker.ts";
import { applyTopicsPress, parseTopicsPress, topicsKeyboard } from "../keyboards/topics-picker.ts";
import { settingErrorsText } from "../setting-errors.ts";
import type { Dialog } from "./dialog.ts";
import type { ConversationContext } from "./kit.ts";

export type Step = "topics" | "schedule" | "times" | "zone" | "zone-typed" | "confirm";

/** The chat being subscribed and where the conversation runs. */
export interface SubscribeTarget {
  id: number;
  /** true when it is another chat (a linked channel) than the one the conversation runs in */
  forTarget: boolean;
  /** the conversation runs in a group */
  inGroup: boolean;
  /** the type of the chat the conversation runs in */
  kind: Chat["kind"];
  /** the title of the chat the conversation runs in */
  title: string | undefined;
  /** the forum topic the conversation runs in */
  thread: number | undefined;
  /** whether the user may still change the target's settings, checked at saving */
  mayStillManage(c: ConversationContext): Promise<boolean>;
}

interface Draft {
  topics: string[];
  times: string[];
  tz: string;
  news?: Language[];
}

const P = {
  topics: "sub:t",
  schedule: "sub:s",
  zone: "sub:z",
  confirm: "sub:c",
  news: "sub:n",
  backToSchedule: "sub:b:schedule",
  backToZone: "sub:b:zone",
} as const;
/** The news-language choices offered, as stored (sorted language codes). */
const NEWS_CHOICES: readonly (readonly Language[])[] = [["en"], ["uk"], ["en", "uk"]];

function newsName(c: ConversationContext, news: readonly Language[]): string {
  return c.t(news.length > 1 ? "news-langs-both" : `news-langs-${news[0] ?? "en"}`);
}

/** The steps of /subscribe, each showing its question and reading the answer into the draft. */
export class SubscribeSteps {
  private readonly draft: Draft;
  /** set once the news languages were pressed: only then are they stored */
  private newsChosen = false;

  constructor(
    private readonly dialog: Dialog,
    private readonly deps: BotDeps,
    private readonly target: SubscribeTarget,
    private readonly existing: Chat | null,
  ) {
    const known = new Set(deps.topics.map((topic) => topic.id));
    this.draft = {
      topics: (existing?.topics ?? []).filter((id) => known.has(id)),
      times: existing ? [...existing.times] : [...DEFAULT_TIMES],
      tz: existing?.tz ?? deps.defaultTimezone,
    };
  }

  private async hint(c: ConversationContext, step: Step): Promise<never> {
    if (c.callbackQuery) return this.dialog.ignore(c);
    await c.reply(c.t(`subscribe-hint-${step}`), this.dialog.replyOptions(c));
    return this.dialog.again();
  }

  /** What was wrong with a typed answer, and the question again. */
  private async retry(
    c: ConversationContext,
    errors: SettingError[],
    question: string,
  ): Promise<never> {
    const why = escapeHtml(settingErrorsText((key, vars) => c.t(key, vars), errors));
    await c.reply(`${why}\n\n${question}`, { parse_mode: "HTML", ...this.dialog.replyOptions(c) });
    return this.dialog.again();
  }

  private targetTitle(): string {
    return this.existing?.title ?? String(this.target.id);
  }

  private topicsText(c: ConversationContext): string {
    const intro: string[] = [];
    if (this.target.forTarget) {
      intro.push(c.t("subscribe-for-chat", { title: escapeHtml(this.targetTitle()) }));
    }
    if (this.existing?.status === "active") intro.push(c.t("subscribe-editing"));
    return [...intro, ...(intro.length ? [""] : []), c.t("subscribe-step-topics")].join("\n");
  }

  async topics(): Promise<Step> {
    const { dialog, deps, draft } = this;
    for (;;) {
      const c = dialog.current;
      const state = { topics: deps.topics, lang: c.lang, chosen: draft.topics };
      await dialog.show(this.topicsText(c), topicsKeyboard(c.t, state, P.topics));
      const got = await dialog.answer();
      if (got.data === undefined) return this.hint(got.c, "topics");
      const press = parseTopicsPress(P.topics, got.data);
      if (!press) return dialog.ignore(got.c);
      if (press.kind === "done") {
        await got.c.answerCallbackQuery();
        return "schedule";
      }
      const chosen = applyTopicsPress(deps.topics, draft.topics, press);
      if (chosen.join(",") === draft.topics.join(",")) return dialog.ignore(got.c);
      await got.c.answerCallbackQuery();
      draft.topics = chosen;
    }
  }

  /** A question answered by a press on its menu: the press as `parse` reads it. */
  private async picked<T>(
    text: string,
    keyboard: InlineKeyboard,
    hint: Step,
    parse: (data: string) => T | undefined,
  ): Promise<T> {
    await this.dialog.show(text, keyboard);
    const got = await this.dialog.answer();
    if (got.data === undefined) return this.hint(got.c, hint);
    const press = parse(got.data);
    if (!press) return this.dialog.ignore(got.c);
    await got.c.answerCallbackQuery();
    return press;
  }

  async schedule(): Promise<Step> {
    const c = this.dialog.current;
    const press = await this.picked(
      c.t("subscribe-step-schedule"),
      scheduleKeyboard(c.t, this.draft, P.schedule),
      "schedule",
      (data) => parseSchedulePress(P.schedule, data),
    );
    if (press.kind === "custom") return "times";
    if (press.kind === "preset") this.draft.times = press.times;
    return "zone";
  }

  /** A question answered by typing, with a Back button to `back`. */
  private async typed<T>(
    question: string,
    back: { data: string; step: Step },
    hint: Step,
    parse: (text: string) => { ok: true; value: T } | { ok: false; errors: SettingError[] },
  ): Promise<{ back: Step } | { value: T }> {
    const c = this.dialog.current;
    const shown = [question, ...(this.target.inGroup ? [c.t("subscribe-reply-here")] : [])].join(
      "\n",
    );
    await this.dialog.show(shown, backKeyboard(c.t, back.data));
    const got = await this.dialog.answer();
    if (got.data === back.data) {
      await got.c.answerCallbackQuery();
      return { back: back.step };
    }
    if (got.data !== undefined) return this.dialog.ignore(got.c);
    if (got.text === undefined) return this.hint(got.c, hint);
    const parsed = parse(got.text);
    if (parsed.ok) return { value: parsed.value };
    return this.retry(got.c, parsed.errors, shown);
  }

  async times(): Promise<Step> {
    const c = this.dialog.current;
    const question = c.t("subscribe-step-times", { max: MAX_TIMES });
    const back = { data: P.backToSchedule, step: "schedule" as const };
    const got = await this.typed(question, back, "times", parseTimes);
    if ("back" in got) return got.back;
    this.draft.times = got.value;
    return "zone";
  }

  async zone(): Promise<Step> {
    const c = this.dialog.current;
    const press = await this.picked(
      c.t("subscribe-step-zone", { times: this.draft.times.join(", ") }),
      timeZoneKeyboard(c.t, this.draft, P.zone),
      "zone",
      (data) => parseTimeZonePress(P.zone, data),
    );
    if (press.kind === "other") return "zone-typed";
    this.draft.tz = press.zone;
    return "confirm";
  }

  async zoneTyped(): Promise<Step> {
    const question = this.dialog.current.t("subscribe-step-zone-typed");
    const back = { data: P.backToZone, step: "zone" as const };
    const got = await this.typed(question, back, "zone-typed", parseTimeZone);
    if ("back" in got) return got.back;
    this.draft.tz = got.value;
    return "confirm";
  }

  /** The news languages the chat will get: as chosen here, else as stored, else the default. */
  private draftNews(c: ConversationContext): Language[] {
    if (this.draft.news) return this.draft.news;
    if (this.existing) return newsLanguages(this.existing);
    return newsLanguages({ lang: c.lang });
  }

  /** The confirmation's buttons, with a row choosing the news languages. */
  private confirmMenu(c: ConversationContext): InlineKeyboard {
    const chosen = this.draftNews(c).join(",");
    const keyboard = confirmKeyboard(c.t, P.confirm).row();
    for (const news of NEWS_CHOICES) {
      const key = news.length > 1 ? "news-langs-both" : `news-langs-${news[0]}`;
      const mark = news.join(",") === chosen ? "✅ " : "";
      keyboard.text(`${mark}${c.t(key)}`, `${P.news}:${news.join(",")}`);
    }
    return keyboard;
  }

  private async confirmText(c: ConversationContext): Promise<string> {
    const next = formatDigestTime(
      c.t,
      this.draft.tz,
      nextDueAt(this.draft, await this.dialog.clock()),
    );
    return [
      c.t("subscribe-step-confirm"),
      "",
      ...settingsLines(c.t, this.deps.topics, c.lang, this.draft),
      c.t("subscribe-summary-news", { news: newsName(c, this.draftNews(c)) }),
      c.t("subscribe-summary-next", { next: escapeHtml(next) }),
    ].join("\n");
  }

  /** true once saved; false to go back and change the choices. */
  async confirm(): Promise<boolean> {
    const { dialog } = this;
    const c = dialog.current;
    await dialog.show(await this.confirmText(c), this.confirmMenu(c));
    const got = await dialog.answer();
    if (got.data === undefined) return this.hint(got.c, "confirm");
    const news = NEWS_CHOICES.find((choice) => got.data === `${P.news}:${choice.join(",")}`);
    if (news) {
      await got.c.answerCallbackQuery();
      this.draft.news = [...news];
      this.newsChosen = true;
      return this.confirm();
    }
    const press = parseConfirmPress(P.confirm, got.data);
    if (!press) return dialog.ignore(got.c);
    if (press === "ok" && !(await this.target.mayStillManage(got.c))) {
      const why = this.target.forTarget
        ? got.c.t("subscribe-not-admin", { title: this.targetTitle() })
        : got.c.t("only-admins");
      await got.c.answerCallbackQuery({ text: why, show_alert: true });
      await dialog.closeMenu(got.c);
      return dialog.conversation.halt();
    }
    await got.c.answerCallbackQuery();
    if (press === "change") return false;
    await this.done(got.c, await this.save(got.c.lang));
    return true;
  }

  private async done(c: ConversationContext, saved: Chat): Promise<void> {
    const next = escapeHtml(
      formatDigestTime(c.t, saved.tz, nextDueAt(saved, await this.dialog.clock())),
    );
    const done = this.target.forTarget
      ? c.t("subscribe-done-channel", {
          title: escapeHtml(saved.title ?? String(this.target.id)),
          next,
        })
      : c.t("subscribe-done", { next });
    await this.dialog.show(done);
  }

  private async save(lang: BotContext["lang"]): Promise<Chat> {
    const { deps, draft, target, newsChosen } = this;
    const kind = target.forTarget ? "channel" : target.kind;
    const title = target.forTarget ? undefined : target.title;
    const result = await this.dialog.conversation.external(async (outer) => {
      const before = await deps.chats.get(target.id);
      if (!before) await deps.chats.ensure(target.id, { kind, ...(title ? { title } : {}) });
      const patch: Record<string, unknown> = {
        topics: draft.topics,
        times: draft.times,
        tz: draft.tz,
        ...(target.forTarget ? {} : { threadId: target.thread ?? null }),
        ...(newsChosen && draft.news ? { news: draft.news } : {}),
        ...(before || target.forTarget ? {} : { lang }),
      };
      const updated = await deps.chats.updateSettings(target.id, patch);
      if (!updated.ok) return { ok: false as const, errors: updated.errors.map((e) => e.message) };
      const active = (await deps.chats.setStatus(target.id, "active")) ?? updated.chat;
      outer.log.info(
        { target: target.id, topics: active.topics, times: active.times, tz: active.tz },
        before?.status === "active" ? "subscription changed" : "subscribed",
      );
      return { ok: true as const, chat: active };
    });
    if (!result.ok) {
      throw new Error(`subscription of ${target.id} refused: ${result.errors.join("; ")}`);
    }
    return result.chat;
  }
}
