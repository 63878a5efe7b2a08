import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Topic } from "../articles/topics.ts";
import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import type { Language } from "../config.ts";
import type { Logger } from "../logger.ts";

/** Everything a feature needs, handed to createBot; nothing is global. */
export interface BotDeps {
  articles: ArticleStore;
  chats: ChatStore;
  topics: Topic[];
  /** Outlets the bot follows or quotes, for /sources. */
  sources: { name: string; homepage?: string }[];
  /** Editors: may publish, flash, edit and see stats. */
  adminIds: number[];
  defaultLanguage: Language;
  defaultTimezone: string;
  logger: Logger;
  /** Clock, so tests can pin "now". */
  now: () => number;
}

interface Extras {
  deps: BotDeps;
  /** Logger for this update, with update and chat ids bound. */
  log: Logger;
  /** The language this update is answered in: the chat's setting, else the user's Telegram language. */
  lang: Language;
  /** This chat's stored record, loaded once per update; undefined when the bot keeps nothing for it. */
  chatRecord: Chat | undefined;
}

export type BotContext = Context & I18nFlavor & Extras;
