import { InlineKeyboard } from "grammy";
import type { ArticleInput, Urgency } from "../../articles/article.ts";
import { SOURCE_MAX_CHARS, SUMMARY_MAX_CHARS, TITLE_MAX_CHARS } from "../../articles/article.ts";
import type { Topic } from "../../articles/topics.ts";
import { LANGUAGES } from "../../config.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotDeps } from "../context.ts";
import { LANGUAGE_NAMES } from "../menus/settings-text.ts";
import type { Answer, Dialog } from "./dialog.ts";
import {
  articleHtml,
  charCount,
  languageOfTitle,
  oneLine,
  parseArticleLink,
  shownInput,
  sourceChoices,
  summarizePasted,
} from "./editor-text.ts";
import type { ConversationContext } from "./kit.ts";

/** What the preview shows and Publish stores. */
export interface PostDraft {
  url: string;
  title: string;
  summary: string;
  topics: string[];
  urgency: Urgency;
  source: string;
}

type Outcome =
  | { kind: "published"; id: string; hookFailed: boolean }
  | { kind: "exists"; id: string };

function topicsKeyboard(
  c: ConversationContext,
  topics: readonly Topic[],
  chosen: readonly string[],
) {
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

/** The preview's buttons: publish or cancel, and the article's language, the chosen one marked. */
function previewKeyboard(c: ConversationContext, lang: string): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(c.t("post-btn-publish"), "post:publish")
    .text(c.t("post-btn-cancel"), "post:cancel")
    .row();
  for (const code of LANGUAGES) {
    keyboard.text(`${code === lang ? "✅ " : ""}${LANGUAGE_NAMES[code]}`, `post:l:${code}`);
  }
  return keyboard;
}

function proposedText(c: ConversationContext, proposed: string): string {
  return c.t("post-summary-proposed", {
    count: charCount(proposed),
    summary: escapeHtml(proposed),
  });
}

/** The steps of /post, each asking one question and returning the editor's answer. */
export class PostSteps {
  constructor(
    private readonly dialog: Dialog,
    private readonly deps: BotDeps,
  ) {}

  /** Says what is expected (or why the answer is refused) and waits for another answer. */
  private async retry(c: ConversationContext, text: string): Promise<never> {
    if (c.callbackQuery) await c.answerCallbackQuery({ text, show_alert: true });
    else await c.reply(text, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
    return this.dialog.again();
  }

  /** The article's link; undefined (after saying so) when an article has it already. */
  async link(): Promise<string | undefined> {
    const { dialog, deps } = this;
    await dialog.show(dialog.current.t("post-ask-link"));
    const got = await dialog.answer();
    if (got.text === undefined) return this.retry(got.c, got.c.t("post-expect-link"));
    const url = parseArticleLink(got.text);
    if (!url) {
      return this.retry(got.c, got.c.t("post-link-invalid", { input: shownInput(got.text) }));
    }
    const existing = await dialog.conversation.external(async () => {
      const found = await deps.articles.getByUrl(url);
      return found ? { id: found.id, title: found.title } : null;
    });
    if (!existing) return url;
    await dialog.show(
      got.c.t("post-link-exists", { id: existing.id, title: shownInput(existing.title, 120) }),
    );
    return undefined;
  }

  async title(): Promise<string> {
    await this.dialog.show(this.dialog.current.t("post-ask-title"));
    const got = await this.dialog.answer();
    if (got.text === undefined) return this.retry(got.c, got.c.t("post-expect-text"));
    const title = oneLine(got.text);
    const count = charCount(title);
    if (count === 0) return this.retry(got.c, got.c.t("post-expect-text"));
    if (count > TITLE_MAX_CHARS) {
      return this.retry(got.c, got.c.t("post-title-too-long", { count }));
    }
    return title;
  }

  /**
   * The summary, typed, or proposed from pasted article text and accepted;
   * `body` is what topics are looked for in: the pasted text, else the summary.
   */
  async summary(title: string): Promise<{ summary: string; body: string }> {
    const { dialog } = this;
    await dialog.show(dialog.current.t("post-ask-summary"));
    let pasted: string | undefined;
    let proposed: string | undefined;
    for (;;) {
      const got = await dialog.answer();
      const { c } = got;
      if (got.text !== undefined) {
        const text = oneLine(got.text);
        const count = charCount(text);
        if (count === 0) return this.retry(c, c.t("post-expect-text"));
        if (count <= SUMMARY_MAX_CHARS) return { summary: text, body: pasted ?? text };
        pasted = got.text;
        proposed = undefined;
        await dialog.show(
          c.t("post-summary-too-long", { count }),
          new InlineKeyboard().text(c.t("post-btn-summarise"), "post:summarise"),
        );
        continue;
      }
      if (got.data === undefined) return this.retry(c, c.t("post-expect-text-or-button"));
      await c.answerCallbackQuery();
      if (got.data === "post:summarise" && pasted !== undefined) {
        proposed = summarizePasted(pasted, title);
        if (proposed === "") pasted = undefined;
        await this.propose(c, proposed);
      } else if (got.data === "post:use-summary" && proposed !== undefined) {
        await dialog.show(proposedText(c, proposed));
        return { summary: proposed, body: pasted ?? proposed };
      } else if (got.data === "post:own-summary") {
        proposed = undefined;
        await dialog.show(c.t("post-ask-own-summary"));
      }
    }
  }

  /** Shows a summary made from pasted text, to use or to write one's own ("" when none could be made). */
  private async propose(c: ConversationContext, proposed: string): Promise<void> {
    if (proposed === "") {
      await this.dialog.show(c.t("post-summary-failed"));
      return;
    }
    await this.dialog.show(
      proposedText(c, proposed),
      new InlineKeyboard()
        .text(c.t("post-btn-use-summary"), "post:use-summary")
        .row()
        .text(c.t("post-btn-own-summary"), "post:own-summary"),
    );
  }

  async topics(proposal: string[]): Promise<string[]> {
    const { dialog, deps } = this;
    let chosen = proposal;
    for (;;) {
      const c = dialog.current;
      await dialog.show(c.t("post-ask-topics"), topicsKeyboard(c, deps.topics, chosen));
      const got = await dialog.answer();
      if (got.data === undefined) return this.retry(got.c, got.c.t("post-expect-button"));
      await got.c.answerCallbackQuery();
      if (got.data === "post:t:done") {
        await dialog.closeMenu(got.c);
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

  async urgency(): Promise<Urgency> {
    const c = this.dialog.current;
    await this.dialog.show(
      c.t("post-ask-urgency"),
      new InlineKeyboard()
        .text(c.t("post-btn-normal"), "post:u:normal")
        .row()
        .text(c.t("post-btn-flash"), "post:u:flash"),
    );
    const got = await this.dialog.answer();
    if (got.data !== "post:u:normal" && got.data !== "post:u:flash") {
      return this.retry(got.c, got.c.t("post-expect-button"));
    }
    await got.c.answerCallbackQuery();
    await this.dialog.closeMenu(got.c);
    return got.data === "post:u:flash" ? "flash" : "normal";
  }

  async source(url: string): Promise<string> {
    const c = this.dialog.current;
    const choices = sourceChoices(url, this.deps.sources);
    const keyboard = new InlineKeyboard();
    for (const [i, name] of choices.entries()) keyboard.text(name, `post:s:${i}`).row();
    await this.dialog.show(c.t("post-ask-source"), keyboard);
    const got = await this.dialog.answer();
    const picked = /^post:s:(\d+)$/.exec(got.data ?? "");
    const choice = picked ? choices[Number(picked[1])] : undefined;
    if (choice !== undefined) {
      await got.c.answerCallbackQuery();
      await this.dialog.closeMenu(got.c);
      return choice;
    }
    if (got.text === undefined) return this.retry(got.c, got.c.t("post-expect-text-or-button"));
    const typed = oneLine(got.text);
    if (charCount(typed) === 0) return this.retry(got.c, got.c.t("post-expect-text-or-button"));
    if (charCount(typed) > SOURCE_MAX_CHARS) {
      return this.retry(got.c, got.c.t("post-source-too-long"));
    }
    await this.dialog.closeMenu(got.c);
    return typed;
  }

  /** Shows the article as readers will get it, its language to change, until Publish or Cancel. */
  private async previewAnswer(html: string, article: { lang: string }): Promise<Answer> {
    const { dialog } = this;
    for (;;) {
      await dialog.show(html, previewKeyboard(dialog.current, article.lang));
      const got = await dialog.answer();
      const lang = /^post:l:([a-z]+)$/.exec(got.data ?? "")?.[1];
      if (lang === undefined || !(LANGUAGES as readonly string[]).includes(lang)) return got;
      await got.c.answerCallbackQuery();
      article.lang = lang;
    }
  }

  /** true when published; false when the editor cancelled. */
  async preview(draft: PostDraft): Promise<boolean> {
    const { dialog } = this;
    const c = dialog.current;
    const article = {
      ...draft,
      publishedAt: await dialog.clock(),
      lang: languageOfTitle(draft.title),
    };
    const html = articleHtml(c, article);
    const intro = [c.t("post-preview-intro")];
    if (draft.urgency === "flash") intro.push(c.t("post-preview-flash"));
    intro.push(c.t("post-preview-lang"));
    await dialog.closeMenu(c);
    await c.api.sendMessage(dialog.chatId, intro.join("\n"), { parse_mode: "HTML" });
    const got = await this.previewAnswer(html, article);
    if (got.data !== "post:publish" && got.data !== "post:cancel") {
      return this.retry(got.c, got.c.t("post-expect-button"));
    }
    await got.c.answerCallbackQuery();
    await dialog.closeMenu(got.c);
    if (got.data === "post:cancel") {
      await got.c.reply(got.c.t("post-cancelled"));
      return false;
    }
    const outcome = await this.publish(article);
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

  private publish(input: ArticleInput): Promise<Outcome> {
    const { deps } = this;
    return this.dialog.conversation.external(async (outer): Promise<Outcome> => {
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
}
