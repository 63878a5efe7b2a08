import { LANGUAGES, type Language } from "../config.ts";

export type ChatKind = "private" | "group" | "supergroup" | "channel";

/** active = subscribed; paused = unsubscribed, settings kept; left/blocked = the bot can no longer post there. */
export type ChatStatus = "active" | "paused" | "left" | "blocked";

/** Quiet hours in the chat's local time; `end` may be earlier than `start` (wraps past midnight). */
export interface QuietHours {
  start: string;
  end: string;
}

/** What a chat's users can change. */
export interface ChatSettings {
  lang: Language;
  /** IANA time zone */
  tz: string;
  /** local digest times "HH:MM", sorted, unique, 1..MAX_TIMES */
  times: string[];
  /** topic ids; empty = every topic */
  topics: string[];
  /** items per digest, MIN_ITEMS..MAX_ITEMS */
  maxItems: number;
  /** link previews under digest items */
  previews: boolean;
  quiet?: QuietHours;
  /** flash alerts for urgent items */
  flash: boolean;
  /** forum topic the digest is posted in */
  threadId?: number;
  /**
   * The languages of news the chat gets, sorted, when its users chose them;
   * absent: its interface language plus English (see newsLanguages).
   */
  news?: Language[];
}

export interface Chat extends ChatSettings {
  id: number;
  kind: ChatKind;
  title?: string;
  status: ChatStatus;
  /** publishedAt ms of the newest article already delivered in a digest; 0 = none */
  cursor: number;
  /** ms since epoch, kept to the second, like updatedAt and lastDeliveryAt */
  createdAt: number;
  updatedAt: number;
  /** when the last digest delivered was composed: what had arrived by then was offered */
  lastDeliveryAt?: number;
  /**
   * Set only while late news waits that the last digest could not hold: when
   * the last late story it took arrived (ms). The next digest's late news
   * starts after it instead of after lastDeliveryAt (digest/build.ts).
   */
  lateFrom?: number;
  /** user ids who manage a linked channel from their private chat; empty otherwise */
  managers: number[];
}

/** The part of a chat its schedule depends on. */
export type ChatSchedule = Pick<Chat, "id" | "status" | "tz" | "times">;

export const CHAT_STATUSES: readonly ChatStatus[] = ["active", "paused", "left", "blocked"];

export const MAX_TIMES = 6;
export const MIN_ITEMS = 1;
export const MAX_ITEMS = 10;
export const DEFAULT_TIMES: readonly string[] = ["08:00"];
export const DEFAULT_MAX_ITEMS = 5;

/**
 * The languages of news a chat gets: the ones its users chose, else its
 * interface language plus English — an English reader gets English, a
 * Ukrainian reader gets Ukrainian and English. Sorted as LANGUAGES is.
 */
export function newsLanguages(chat: Pick<ChatSettings, "lang" | "news">): Language[] {
  if (chat.news && chat.news.length > 0) return chat.news;
  return LANGUAGES.filter((lang) => lang === chat.lang || lang === "en");
}

/** The settings a new chat starts with; language and zone come from the deployment's config. */
export function defaultSettings(defaults: { lang: Language; tz: string }): ChatSettings {
  return {
    lang: defaults.lang,
    tz: defaults.tz,
    times: [...DEFAULT_TIMES],
    topics: [],
    maxItems: DEFAULT_MAX_ITEMS,
    previews: false,
    flash: true,
  };
}
