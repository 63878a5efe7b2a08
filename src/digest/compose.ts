import type { ArticleStore } from "../articles/article-store.ts";
import type { Topic } from "../articles/topics.ts";
import type { Chat } from "../chats/chat.ts";
import { escapeHtml } from "../telegram/helpers.ts";
import { buildDigest, type DigestChat, lastArticleAt } from "./build.ts";
import { renderLabels, type Translate } from "./labels.ts";
import { digestWindowStart, formatMoment, periodStartOf } from "./period.ts";
import { renderDigest } from "./render.ts";

export interface ComposeDeps {
  articles: ArticleStore;
  topics: Topic[];
  translate: Translate;
}

/** A digest ready to send. */
export interface ComposedDigest {
  /** Telegram HTML messages, to be sent in order */
  parts: string[];
  /** store with ChatStore.setCursor only after every part was sent */
  cursor: number;
  itemCount: number;
  /** stories left for the next digest */
  more: number;
  /** store with the cursor: where the next digest's late news starts, when this one could not hold it all */
  lateFrom?: number;
}

/** The chat fields composing depends on. */
export type ComposeChat = DigestChat & Pick<Chat, "lang" | "tz" | "kind">;

/**
 * The chat's next digest as Telegram HTML parts, or undefined when nothing new
 * was published (see buildDigest for what is taken and what the cursor
 * means). The header names the period in the chat's language and time zone
 * ("Digest — 16 Dec, 08:00 – 17 Dec, 08:00"); when stories were left out, a
 * footer says how many and, except in channels where readers cannot send
 * commands, that /digest brings them. Used by /digest and by scheduled
 * delivery alike, so both read the same; nothing is written.
 */
export async function composeDigest(
  chat: ComposeChat,
  deps: ComposeDeps,
  options: { now?: number } = {},
): Promise<ComposedDigest | undefined> {
  const now = options.now ?? Date.now();
  const content = await buildDigest(chat, deps, { now });
  if (!content) return undefined;
  const { translate } = deps;
  const moment = momentFormatter(chat, translate, now);
  const header = translate(chat.lang, "digest-header", {
    from: moment(content.periodStart),
    to: moment(content.periodEnd),
  });
  const footer =
    content.more > 0
      ? translate(chat.lang, chat.kind === "channel" ? "digest-more-channel" : "digest-more", {
          count: content.more,
        })
      : undefined;
  const parts = renderDigest(content.items, {
    labels: renderLabels(translate, chat.lang, deps.topics),
    timeZone: chat.tz,
    header,
    ...(footer === undefined ? {} : { footer }),
  });
  return {
    parts,
    cursor: content.newestAt,
    itemCount: content.items.length,
    more: content.more,
    ...(content.lateFrom === undefined ? {} : { lateFrom: content.lateFrom }),
  };
}

/**
 * The answer to a digest request with nothing new, as Telegram HTML: since
 * when (the last delivery, or the start of the digest window) and when the
 * last article in the chat's topics arrived, in its language and zone.
 */
export async function composeNothingNew(
  chat: ComposeChat,
  deps: Pick<ComposeDeps, "articles" | "translate">,
  options: { now?: number } = {},
): Promise<string> {
  const now = options.now ?? Date.now();
  const moment = momentFormatter(chat, deps.translate, now);
  const since = moment(periodStartOf(chat, digestWindowStart(chat, now)));
  const last = await lastArticleAt(chat, deps, { now });
  return last === undefined
    ? deps.translate(chat.lang, "digest-nothing-yet", { since })
    : deps.translate(chat.lang, "digest-nothing-new", { since, last: moment(last) });
}

function momentFormatter(
  chat: Pick<Chat, "lang" | "tz">,
  translate: Translate,
  now: number,
): (ms: number) => string {
  const locale = translate(chat.lang, "date-locale");
  return (ms) => escapeHtml(formatMoment(ms, { locale, timeZone: chat.tz, reference: now }));
}
