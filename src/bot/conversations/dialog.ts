import { GrammyError, type InlineKeyboard } from "grammy";
import { isNotModified } from "../../telegram/helpers.ts";
import type { BotDeps } from "../context.ts";
import { type BotConversation, type Command, type ConversationContext, commandOf } from "./kit.ts";

/** The locale keys a conversation answers with when it stops or refuses an update. */
export interface DialogTexts {
  /** the answer came after the idle limit */
  timedOut: string;
  /** /cancel */
  cancelled: string;
  /** another command of the bot: the conversation stops and the command runs */
  left: string;
  /** a press on one of its menus that is no longer the open one */
  staleButton?: string;
  /** a press on its menu by someone who may not drive it (else the press goes on to the bot) */
  notYours?: string;
}

export interface DialogRules {
  /** the conversation's own command: sent again, it ends this one and goes on to start afresh */
  command: string;
  /** the start of its buttons' callback data ("sub:"); without one, no press is an answer */
  prefix?: string;
  texts: DialogTexts;
  /** whether the update comes from whoever may drive the conversation */
  owns(c: ConversationContext): boolean | Promise<boolean>;
  /** whether a message (no command) is meant as an answer; default: every message is */
  addressed?(c: ConversationContext): boolean;
}

/** One answer: a press on the open menu (its data) or a message (its text, when it has one). */
export interface Answer {
  c: ConversationContext;
  /** callback data of a press on the open menu */
  data?: string;
  /** text of a message */
  text?: string;
}

/**
 * The question-and-answer machinery every conversation of the bot is
 * written in: one open menu at a time (a step edits it when its button was
 * pressed, else a new message goes below and the old one loses its buttons),
 * the owner's next answer, the idle limit counted from the last question,
 * /cancel, the conversation's own command and other commands. Updates that
 * are not answers (someone else's, other features' buttons, a command for
 * another bot) go on to the rest of the bot untouched.
 */
export class Dialog {
  /** the context of the latest answer: the next question is shown from it */
  current: ConversationContext;
  readonly chatId: number;
  private menuId: number | undefined;
  /** when the open question was asked: the idle limit counts from here */
  private askedAt = 0;
  private readonly threadOptions: { message_thread_id?: number };

  constructor(
    readonly conversation: BotConversation,
    first: ConversationContext,
    private readonly deps: BotDeps,
    private readonly idleMs: number,
    private readonly rules: DialogRules,
  ) {
    this.current = first;
    this.chatId = first.chat?.id ?? 0;
    const thread = first.msg?.is_topic_message ? first.msg.message_thread_id : undefined;
    this.threadOptions = thread !== undefined ? { message_thread_id: thread } : {};
  }

  /** The time, read once per replay through `external`. */
  clock(): Promise<number> {
    return this.conversation.external(() => this.deps.clock());
  }

  /** In a group, a reply quotes the message it answers; elsewhere nothing. */
  replyOptions(c: ConversationContext) {
    const inGroup = c.chat?.type === "group" || c.chat?.type === "supergroup";
    return inGroup && c.message
      ? {
          reply_parameters: { message_id: c.message.message_id, allow_sending_without_reply: true },
        }
      : {};
  }

  /** Shows a question: edits the open menu when its button was pressed, else sends a new message below. */
  async show(text: string, keyboard?: InlineKeyboard): Promise<void> {
    const c = this.current;
    this.askedAt = await this.clock();
    const options = {
      parse_mode: "HTML" as const,
      link_preview_options: { is_disabled: true },
      ...(keyboard ? { reply_markup: keyboard } : {}),
    };
    if (this.menuId !== undefined && c.callbackQuery?.message?.message_id === this.menuId) {
      try {
        await c.api.editMessageText(this.chatId, this.menuId, text, options);
      } catch (err) {
        if (!isNotModified(err)) throw err;
      }
      if (!keyboard) this.menuId = undefined;
      return;
    }
    await this.closeMenu(c);
    const sent = await c.api.sendMessage(this.chatId, text, { ...options, ...this.threadOptions });
    if (keyboard) this.menuId = sent.message_id;
  }

  /** Takes the buttons off the open menu, so only the newest message has live ones. */
  async closeMenu(c: ConversationContext): Promise<void> {
    if (this.menuId === undefined) return;
    const id = this.menuId;
    this.menuId = undefined;
    try {
      await c.api.editMessageReplyMarkup(this.chatId, id);
    } catch (err) {
      if (!(err instanceof GrammyError)) throw err;
      c.log.debug({ err, message: id }, "could not take the buttons off an old menu");
    }
  }

  /** Drops the update and waits for another answer to the same question. */
  again(): Promise<never> {
    return this.conversation.skip({ next: false });
  }

  /** A press that means nothing now (a double press of a step already left): answered, dropped. */
  async ignore(c: ConversationContext): Promise<never> {
    await c.answerCallbackQuery();
    return this.again();
  }

  /**
   * The owner's next answer: a press on the open menu or a message. A
   * command ends the conversation (see onCommand); an answer after the idle
   * limit ends it with a reply saying so.
   */
  async answer(): Promise<Answer> {
    const c = await this.conversation.wait();
    const query = c.callbackQuery;
    const command = commandOf(c);
    if (query) {
      const prefix = this.rules.prefix;
      if (prefix === undefined || !query.data?.startsWith(prefix)) return this.passOn(false);
    } else if (!c.message || (command ? !command.forUs : !this.addressed(c))) {
      return this.passOn(false);
    }
    if (!(await this.rules.owns(c))) return this.notOwner(c);
    if ((await this.clock()) - this.askedAt >= this.idleMs) return this.timedOut(c, command);
    if (query) {
      if (query.message?.message_id !== this.menuId) {
        await c.answerCallbackQuery({ text: this.text(c, "staleButton") });
        return this.again();
      }
      this.current = c;
      return { c, data: query.data ?? "" };
    }
    if (command) return this.onCommand(c, command);
    this.current = c;
    const text = c.message?.text;
    return text === undefined ? { c } : { c, text };
  }

  private addressed(c: ConversationContext): boolean {
    return this.rules.addressed?.(c) ?? true;
  }

  private text(c: ConversationContext, key: keyof DialogTexts): string | undefined {
    const name = this.rules.texts[key];
    return name === undefined ? undefined : c.t(name);
  }

  /** Leaves the update to the rest of the bot (`handled`: it was answered here). */
  private passOn(handled: boolean): Promise<never> {
    return this.conversation.skip({ next: !handled });
  }

  private async notOwner(c: ConversationContext): Promise<never> {
    const why = this.text(c, "notYours");
    if (!c.callbackQuery || why === undefined) return this.passOn(false);
    await c.answerCallbackQuery({ text: why, show_alert: true });
    return this.passOn(true);
  }

  private async timedOut(c: ConversationContext, command: Command | undefined): Promise<never> {
    await this.closeMenu(c);
    const text = c.t(this.rules.texts.timedOut);
    if (c.callbackQuery) {
      await c.answerCallbackQuery({ text, show_alert: true });
      return this.conversation.halt();
    }
    if (command?.name === this.rules.command) return this.conversation.halt({ next: true });
    await c.reply(text, this.replyOptions(c));
    return this.conversation.halt({ next: command !== undefined && command.name !== "cancel" });
  }

  /**
   * /cancel ends the conversation here; its own command ends it and goes on
   * to start afresh; any other command of the bot ends it, says so, and is
   * then handled as usual.
   */
  private async onCommand(c: ConversationContext, command: Command): Promise<never> {
    await this.closeMenu(c);
    if (command.name === this.rules.command) return this.conversation.halt({ next: true });
    if (command.name === "cancel") {
      await c.reply(c.t(this.rules.texts.cancelled), this.replyOptions(c));
      return this.conversation.halt();
    }
    await c.reply(c.t(this.rules.texts.left), this.replyOptions(c));
    return this.conversation.halt({ next: true });
  }
}
