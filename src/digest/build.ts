import type { Article } from "../articles/article.ts";
import type { ArticleStore, LateArticle } from "../articles/article-store.ts";
import { type Chat, newsLanguages } from "../chats/chat.ts";
import { digestWindowStart, MAX_LOOKBACK_MS, periodStartOf } from "./period.ts";
import type { RenderItem } from "./render.ts";
import { groupStories, inLanguages, type Story, storyItem } from "./stories.ts";

/** What one digest holds, before rendering. */
export interface DigestContent {
  /** urgent first, then newest first */
  items: RenderItem[];
  /** stories that did not fit in this digest (late news first); the next digest starts with them */
  more: number;
  /** the cursor to store once every part was sent: the newest publishedAt among the delivered articles */
  newestAt: number;
  /** the period the digest covers, ms: from the last delivery (or window start)… */
  periodStart: number;
  /** …to now, or to newestAt when stories were left out */
  periodEnd: number;
  /**
   * Set when the late news did not all fit: when the last late story taken
   * arrived (ms). The next digest's late news starts after it, so the rest
   * comes then (ChatStore.setCursor keeps it as the chat's lateFrom).
   */
  lateFrom?: number;
}

/** The chat fields a digest depends on. */
export type DigestChat = Pick<
  Chat,
  "cursor" | "lastDeliveryAt" | "lateFrom" | "topics" | "maxItems"
> &
  Partial<Pick<Chat, "lang" | "news">>;

export interface BuildDeps {
  articles: ArticleStore;
}

/**
 * The chat's next digest, or undefined when nothing new was published.
 *
 * Takes the articles published after the digest window start (see
 * digestWindowStart: the cursor, or the last 24 hours for a chat that never
 * had one) and not after `now`, within the chat's topics (none = all) and,
 * when the chat's language is given, its news languages (newsLanguages).
 * Articles of one near-duplicate cluster are one story (stories.ts, as
 * every list groups them): the best report is shown, the other outlets are
 * listed under "also reported by".
 *
 * The cursor is a single publishedAt, so it can only advance over what was
 * delivered if every story left out is newer than every story sent. When
 * more stories are waiting than `chat.maxItems`, the OLDEST ones are taken
 * (by their newest article), and `more` counts the rest, all still after the
 * new cursor: "and 7 more — /digest" then gives exactly those. Stories sharing
 * the cut-off time are taken or left together, so none is skipped; only when
 * that would leave the digest empty may it hold more than maxItems. The items
 * are then shown urgent (flash) first, then newest first.
 *
 * Late news is in too: an article dated before the window that reached the
 * store after the last digest was composed (a feed lists an item some
 * minutes after its date, and a digest may have moved past that date
 * meanwhile). It sorts as the oldest, so it is taken first and never moves
 * the cursor back. When more late stories wait than the digest holds (a
 * feed back after a long outage), the first arrived are taken, the digest
 * holds only those, and `lateFrom` says when the last of them arrived: the
 * next digest's late news starts after it, so the rest come next, and
 * nothing is offered twice.
 *
 * Flash items are included like any other; the worker leaves out those
 * already pushed to the chat (without-flashed.ts).
 */
export async function buildDigest(
  chat: DigestChat,
  deps: BuildDeps,
  options: { now?: number } = {},
): Promise<DigestContent | undefined> {
  const now = options.now ?? Date.now();
  const windowStart = digestWindowStart(chat, now);
  const [onTime, late] = await Promise.all([
    deps.articles.since(windowStart, { topics: chat.topics, untilMs: now }),
    lateNews(chat, windowStart, deps, now),
  ]);
  const langs = chat.lang === undefined ? undefined : newsLanguages({ ...chat, lang: chat.lang });
  const articles = [...onTime, ...late.map((found) => found.article)].filter((article) =>
    inLanguages(article, langs),
  );
  if (articles.length === 0) return undefined;

  const stories = groupStories(articles, { arrivals: arrivals(late), prefer: chat.lang });
  const lateStories = stories.filter((story) => story.latestAt <= windowStart);
  const limit = itemLimit(chat.maxItems);
  const overflow = lateStories.length > limit;
  const chosen = overflow ? chooseFirstArrived(lateStories, limit) : chooseOldest(stories, limit);
  const newestAt = Math.max(...chosen.map((story) => story.latestAt));
  const oldestAt = Math.min(...articles.map((article) => article.publishedAt));
  const more = stories.length - chosen.length;
  return {
    items: chosen.sort(displayOrder).map(storyItem),
    more,
    newestAt,
    periodStart: periodStartOf(chat, windowStart, oldestAt),
    periodEnd: more > 0 && !overflow ? newestAt : now,
    ...(overflow ? { lateFrom: Math.max(...chosen.map((story) => story.arrivedAt)) } : {}),
  };
}

/**
 * publishedAt of the newest article the chat could get (in its topics, not
 * after `now`), for "nothing new — the last article arrived …"; undefined
 * when there is none.
 */
export async function lastArticleAt(
  chat: Pick<Chat, "topics">,
  deps: BuildDeps,
  options: { now?: number } = {},
): Promise<number | undefined> {
  const now = options.now ?? Date.now();
  const [newest] = await deps.articles.latest(1, { topics: chat.topics, before: now + 1 });
  return newest?.publishedAt;
}

/**
 * The late news for a chat that had a digest: arrived after that digest was
 * composed (lastDeliveryAt is kept to the second, so from the end of that
 * second: what arrived within it may already have been in it), or after its
 * lateFrom when that digest could not hold all of it; dated at or before the
 * window, but no earlier than any digest reaches back.
 */
function lateNews(
  chat: DigestChat,
  windowStart: number,
  deps: BuildDeps,
  now: number,
): Promise<LateArticle[]> {
  if (!(chat.cursor > 0) || chat.lastDeliveryAt === undefined) return Promise.resolve([]);
  return deps.articles.arrivedLate(windowStart, {
    arrivedAfter: chat.lateFrom ?? chat.lastDeliveryAt + 999,
    publishedAfter: now - MAX_LOOKBACK_MS,
    untilMs: now,
    topics: chat.topics,
  });
}

function arrivals(late: LateArticle[]): Map<string, number> {
  return new Map(late.map(({ article, arrivedAt }) => [article.id, arrivedAt]));
}

/** A chat's maxItems as a count of at least one. */
function itemLimit(maxItems: number): number {
  return Math.max(1, Math.floor(maxItems) || 1);
}

/** The `limit` stories with the oldest latestAt, never splitting stories that share the cut-off time. */
function chooseOldest(stories: Story[], limit: number): Story[] {
  return firstUpTo(stories, limit, (story) => story.latestAt);
}

/** The `limit` late stories that arrived first, never splitting stories that arrived at the same time. */
function chooseFirstArrived(stories: Story[], limit: number): Story[] {
  return firstUpTo(stories, limit, (story) => story.arrivedAt);
}

/**
 * The first `limit` stories by `time` (then id); stories at the cut-off time
 * are taken or left together, and only when leaving them would take
 * nothing are there more than `limit`.
 */
function firstUpTo(stories: Story[], limit: number, time: (story: Story) => number): Story[] {
  const sorted = [...stories].sort((a, b) => time(a) - time(b) || compareIds(a.main, b.main));
  const first = sorted[limit];
  const last = sorted[limit - 1];
  if (!first || !last || time(first) !== time(last)) return sorted.slice(0, limit);
  const cut = time(last);
  const before = sorted.filter((s) => time(s) < cut);
  return before.length > 0 ? before : sorted.filter((s) => time(s) === cut);
}

function displayOrder(a: Story, b: Story): number {
  return (
    Number(b.urgent) - Number(a.urgent) ||
    b.main.publishedAt - a.main.publishedAt ||
    compareIds(a.main, b.main)
  );
}

function compareIds(a: Article, b: Article): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
