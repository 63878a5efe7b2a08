import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Redis } from "ioredis";
import type { Article } from "../articles/article.ts";
import type { ArticleStore } from "../articles/article-store.ts";
import type { Tagger } from "../articles/tagger.ts";
import type { Topic } from "../articles/topics.ts";
import type { Chat } from "../chats/chat.ts";
import type { ChatStore } from "../chats/chat-store.ts";
import type { Language } from "../config.ts";
import type { DeliveryQueue } from "../delivery/queue.ts";
import type { FeedStateStore } from "../feeds/feed-state.ts";
import type { Source } from "../feeds/sources.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import type { FloodLimits } from "./flood-limit-store.ts";

/** Everything a feature needs, handed to createBot; nothing is global. */
export interface BotDeps {
  articles: ArticleStore;
  chats: ChatStore;
  topics: Topic[];
  /** Outlets the bot follows (content/sources.json), for /sources and the editors' view of them. */
  sources: Source[];
  /** Per-source fetch state: editors see it and pause sources. */
  feedState: FeedStateStore;
  /** Proposes topics for an article an editor posts. */
  tagger: Tagger;
  /** Called after an editor stored an article (created or changed), e.g. to push a flash. */
  onArticle?: (article: Article, created: boolean) => Promise<void>;
  /** Called after an editor corrected (or, with undefined, withdrew) an article: edits the messages that carried it. */
  onCorrection?: (before: Article, after: Article | undefined) => Promise<number>;
  /** Where /flash enqueues and whose jobs /stats counts; absent, the bot sends no flashes. */
  deliveryQueue?: DeliveryQueue;
  /** Editors: may publish, flash, edit and see stats. */
  editorIds: number[];
  defaultLanguage: Language;
  defaultTimezone: string;
  logger: Logger;
  /** Clock, so tests can pin the time. */
  clock: () => number;
  /** For the bot's own short-lived state (e.g. a setting a user was asked to type), under `keys`. */
  redis: Redis;
  keys: Keys;
  /** How long /subscribe waits for an answer before it ends at the user's next message; default 15 minutes. */
  conversationIdleMs?: number;
  /** Commands per user and per group before "too many requests"; default DEFAULT_FLOOD_LIMITS. */
  floodLimits?: FloodLimits;
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

/** ctx.conversation comes from the conversations plugin, installed for every update. */
export type BotContext = ConversationFlavor<Context & I18nFlavor & Extras>;
