import type { Redis } from "ioredis";
import type { Article, ArticleInput } from "../articles/article.ts";
import {
  type ArticlePatch,
  type ArticleStore,
  InvalidArticleError,
} from "../articles/article-store.ts";
import { InvalidUrlError } from "../articles/canonical-url.ts";
import type { Clusters } from "../articles/clusters.ts";
import type { Tagger } from "../articles/tagger.ts";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";
import {
  ITEM_MEMORY_TTL_SEC,
  type ItemMemory,
  itemFingerprint,
  itemKey,
  memoryValue,
  readMemories,
} from "./item-memory.ts";
import { itemToArticle } from "./item-to-article.ts";
import type { FeedItem } from "./parse-feed.ts";
import type { Source } from "./sources.ts";

/**
 * Items of one poll stored at once: their Redis round trips overlap with the
 * summarising of the next ones.
 */
export const INGEST_CONCURRENCY = 16;

/** Called for each article a poll created, or changed because the feed changed the item. */
export type OnArticle = (article: Article, created: boolean) => void | Promise<void>;

export interface IngestDeps {
  redis: Redis;
  keys: Keys;
  articles: ArticleStore;
  tagger: Tagger;
  /** groups near-duplicates across sources; left out, nothing is grouped */
  clusters?: Clusters;
  onArticle?: OnArticle;
}

/**
 * Turns a feed's items into articles. Items are deduplicated by canonical
 * URL and, per source, by guid (or URL when there is none) with a content
 * fingerprint: an item seen before with the same content costs nothing, one
 * whose content changed refreshes its article's title, summary and topics,
 * one whose guid was seen under another URL is the same article. An article
 * stored first by another source or by an editor is left as it is. New
 * articles are grouped into stories, then each new or changed one is
 * announced (onArticle).
 */
export async function ingestItems(
  source: Source,
  items: FeedItem[],
  deps: IngestDeps,
  fetchedAt: number,
  log: Logger,
): Promise<{ created: number; updated: number }> {
  const { created, updated } = await storeItems(source, items, deps, fetchedAt, log);
  let grouped = created;
  if (deps.clusters && created.length > 0) {
    const times = created.map((a) => a.publishedAt);
    const stories = await deps.clusters.open(Math.min(...times), Math.max(...times));
    grouped = [];
    for (const article of created) grouped.push(await stories.assign(article));
  }
  for (const article of grouped) await announce(deps, log, article, true);
  for (const article of updated) await announce(deps, log, article, false);
  return { created: created.length, updated: updated.length };
}

/** Stores the items not seen before (or changed); the articles created and changed, oldest first. */
async function storeItems(
  source: Source,
  items: FeedItem[],
  deps: IngestDeps,
  fetchedAt: number,
  log: Logger,
): Promise<{ created: Article[]; updated: Article[] }> {
  const { redis, keys } = deps;
  const byKey = new Map<string, FeedItem>();
  for (const item of items) {
    const key = itemKey(item);
    if (!byKey.has(key)) byKey.set(key, item);
  }
  const ordered = [...byKey].reverse();
  const memoryKeys = ordered.map(([key]) => keys.feedItem(source.id, key));
  const remembered = await readMemories(redis, memoryKeys);

  const created: (Article | undefined)[] = [];
  const updated: (Article | undefined)[] = [];
  const memorize = redis.pipeline();
  await eachLimit(ordered, INGEST_CONCURRENCY, async ([, item], i) => {
    const memory = remembered[i];
    const fingerprint = itemFingerprint(item);
    if (memory?.fingerprint === fingerprint) return;
    try {
      const input = itemToArticle(item, { source, tagger: deps.tagger, fetchedAt });
      if (!input) return;
      const stored = await storeItem(deps.articles, input, memory);
      created[i] = stored.created;
      updated[i] = stored.updated;
      const value = memoryValue({ articleId: stored.articleId, fingerprint });
      memorize.set(memoryKeys[i] as string, value, "EX", ITEM_MEMORY_TTL_SEC);
    } catch (err) {
      if (!(err instanceof InvalidArticleError || err instanceof InvalidUrlError)) throw err;
      log.warn({ url: item.url, guid: item.guid, reason: err.message }, "feed item skipped");
    }
  });
  if (memorize.length > 0) await memorize.exec();
  return {
    created: created.filter((article) => article !== undefined),
    updated: updated.filter((article) => article !== undefined),
  };
}

/** The article an item now names, and the article itself if this poll created or changed it. */
interface Stored {
  articleId: string;
  created?: Article;
  updated?: Article;
}

/**
 * Stores one item's article: refreshes the article a remembered item became,
 * leaves alone one first stored by another source or an editor, else puts it.
 */
async function storeItem(
  articles: ArticleStore,
  input: ArticleInput,
  memory: ItemMemory | undefined,
): Promise<Stored> {
  const known =
    (memory ? await articles.get(memory.articleId) : undefined) ??
    (await articles.getByUrl(input.url));
  if (known) {
    const updated = memory ? await refresh(articles, known, input) : undefined;
    return { articleId: known.id, updated };
  }
  const put = await articles.put(input);
  return {
    articleId: put.article.id,
    created: put.created ? put.article : undefined,
    updated: !put.created && put.changed ? put.article : undefined,
  };
}

/** Runs `task` over `list` with at most `limit` running at once; rejects with the first error. */
async function eachLimit<T>(
  list: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < list.length) {
      const index = next++;
      await task(list[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, run));
}

/** Brings a known article in line with its item's new content; the changed article or undefined. */
async function refresh(
  articles: ArticleStore,
  known: Article,
  input: ArticleInput,
): Promise<Article | undefined> {
  const patch: ArticlePatch = {};
  if (input.title !== known.title) patch.title = input.title;
  if (input.summary !== known.summary) patch.summary = input.summary;
  const topics = input.topics ?? [];
  if (topics.join(",") !== known.topics.join(",")) patch.topics = topics;
  if (Object.keys(patch).length === 0) return undefined;
  return articles.update(known.id, patch);
}

async function announce(
  deps: IngestDeps,
  log: Logger,
  article: Article,
  created: boolean,
): Promise<void> {
  if (!deps.onArticle) return;
  try {
    await deps.onArticle(article, created);
  } catch (err) {
    log.error({ err, article: article.id }, "handling a new feed article failed");
  }
}
