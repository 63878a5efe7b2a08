import { type Article, articleLink } from "../articles/article.ts";
import type { ArticleStore } from "../articles/article-store.ts";
import type { RenderItem } from "./render.ts";

/** One story: the report shown, and the other outlets' reports named with it. */
export interface Story {
  main: Article;
  /** the other reports, earliest first */
  others: Article[];
  /** newest publishedAt among its articles */
  latestAt: number;
  urgent: boolean;
  /** for late news: when its last article arrived (0 when unknown) */
  arrivedAt: number;
}

export interface GroupOptions {
  /** when each article reached the store, for late news */
  arrivals?: ReadonlyMap<string, number>;
  /** the reader's language: a report in it leads its story */
  prefer?: string;
}

/**
 * The one grouping every list uses (/latest, /search, digests): articles
 * of one near-duplicate cluster (clusters.ts) are one story, an article
 * without a cluster is a story of its own. The lead is the best report: one
 * with a summary, in the reader's language, the earliest (the first to
 * tell it), the fullest. Stories come in the order their first article
 * appears in `articles`. Pure.
 */
export function groupStories(articles: readonly Article[], options: GroupOptions = {}): Story[] {
  const groups = new Map<string, Article[]>();
  for (const article of articles) {
    const key = article.cluster === undefined ? `a:${article.id}` : `c:${article.cluster}`;
    const members = groups.get(key);
    if (!members) groups.set(key, [article]);
    else if (!members.some((m) => m.id === article.id)) members.push(article);
  }
  return [...groups.values()].map((members) => story(members, options));
}

function story(members: Article[], options: GroupOptions): Story {
  const lead = leadFirst(options.prefer);
  const [main, ...others] = [...members].sort(lead);
  if (!main) throw new RangeError("a story needs at least one article");
  return {
    main,
    others: others.sort((a, b) => a.publishedAt - b.publishedAt || compareIds(a, b)),
    latestAt: Math.max(...members.map((m) => m.publishedAt)),
    urgent: members.some((m) => m.urgency === "flash"),
    arrivedAt: Math.max(...members.map((m) => options.arrivals?.get(m.id) ?? 0)),
  };
}

function leadFirst(prefer: string | undefined): (a: Article, b: Article) => number {
  const preferred = (article: Article) =>
    Number(prefer !== undefined && langOf(article) === prefer);
  return (a, b) =>
    Number(b.summary !== "") - Number(a.summary !== "") ||
    preferred(b) - preferred(a) ||
    a.publishedAt - b.publishedAt ||
    b.summary.length - a.summary.length ||
    compareIds(a, b);
}

/** Newest story first (by its newest report), then by the lead's id. */
function newestStoryFirst(a: Story, b: Story): number {
  return b.latestAt - a.latestAt || compareIds(a.main, b.main);
}

/** A story as render.ts shows it: the lead, then each other outlet once, linked. */
export function storyItem(story: Story): RenderItem {
  const { main } = story;
  const item: RenderItem = {
    title: main.title,
    url: articleLink(main),
    summary: main.summary,
    source: main.source,
    publishedAt: main.publishedAt,
    topics: main.topics,
    urgency: story.urgent ? "flash" : "normal",
  };
  const seen = new Set([sourceKey(main.source)]);
  const also: { source: string; url: string }[] = [];
  for (const other of story.others) {
    const key = sourceKey(other.source);
    if (seen.has(key)) continue;
    seen.add(key);
    also.push({ source: other.source, url: articleLink(other) });
  }
  if (also.length > 0) item.alsoReportedBy = also;
  return item;
}

/** The primary language subtag of an article ("en-GB" → "en"). */
function langOf(article: Pick<Article, "lang">): string {
  return (article.lang || "en").split("-")[0]?.toLowerCase() ?? "en";
}

/** Whether an article is in one of `langs`; no list means every language. */
export function inLanguages(
  article: Pick<Article, "lang">,
  langs: readonly string[] | undefined,
): boolean {
  return langs === undefined || langs.includes(langOf(article));
}

export interface StoryListOptions {
  /** only articles in any of these topics; absent or empty: every topic */
  topics?: string[];
  /** only articles in these languages; absent: every language */
  langs?: readonly string[];
  /** the reader's language (see groupStories) */
  prefer?: string;
}

const PAGE_MIN = 20;
const PAGE_PER_STORY = 3;
const MAX_PAGES = 5;

/**
 * The `n` newest stories, newest first: `n` counts stories, not articles,
 * so four outlets' reports of one event take one place. Reads the newest
 * articles a page at a time until more than `n` stories are known (then
 * the `n` newest are complete: older pages only hold older reports) or
 * the store runs out; a few pages at most.
 */
export async function latestStories(
  store: Pick<ArticleStore, "latest">,
  n: number,
  options: StoryListOptions = {},
): Promise<Story[]> {
  const count = Math.floor(n);
  if (!(count >= 1)) return [];
  const pageSize = Math.max(PAGE_MIN, count * PAGE_PER_STORY);
  const collected: Article[] = [];
  const seen = new Set<string>();
  let before: number | undefined;
  let stories: Story[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const batch = await store.latest(pageSize, {
      ...(options.topics ? { topics: options.topics } : {}),
      ...(before === undefined ? {} : { before }),
    });
    for (const article of batch) {
      if (seen.has(article.id)) continue;
      seen.add(article.id);
      if (inLanguages(article, options.langs)) collected.push(article);
    }
    stories = groupStories(
      collected,
      options.prefer === undefined ? {} : { prefer: options.prefer },
    );
    const last = batch.at(-1);
    if (stories.length > count || batch.length < pageSize || !last) break;
    // inclusive of the last time seen, so reports sharing it are not skipped
    before = last.publishedAt + 1;
  }
  return stories.sort(newestStoryFirst).slice(0, count);
}

/**
 * Groups a list of matches (e.g. search results, newest first) into at most
 * `n` stories, newest first, in `langs`.
 */
export function topStories(
  articles: readonly Article[],
  n: number,
  options: Omit<StoryListOptions, "topics"> = {},
): Story[] {
  const kept = articles.filter((article) => inLanguages(article, options.langs));
  const grouped = groupStories(
    kept,
    options.prefer === undefined ? {} : { prefer: options.prefer },
  );
  return grouped.sort(newestStoryFirst).slice(0, Math.max(0, Math.floor(n)));
}

function sourceKey(source: string): string {
  return source.trim().toLowerCase();
}

function compareIds(a: Article, b: Article): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
