import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ContentError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Article } from "./article.ts";
import type { ArticleStore } from "./article-store.ts";
import type { Clusters } from "./clusters.ts";
import { parseContentFile } from "./content-file.ts";

export interface ImportContentOptions {
  /** The content directory; articles are read from `<dir>/articles/**\/*.md`. */
  dir: string;
  store: ArticleStore;
  topicIds: ReadonlySet<string>;
  logger: Logger;
  /** When given, new or changed articles join the same story from other outlets ("also reported by"). */
  clusters?: Clusters;
}

interface ImportFailure {
  /** the file's path, `dir` joined with its place under articles/ */
  file: string;
  /** the field and the problem, e.g. `summary: 612 characters, at most 500` */
  message: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  failed: ImportFailure[];
}

/**
 * Puts every curated article file under `<dir>/articles` into the store, in
 * path order. Idempotent: a file already imported as is counts as unchanged.
 * A bad file is logged once, reported in `failed` and skipped, so one typo
 * never keeps the other articles out; a missing directory imports nothing.
 */
export async function importContent(options: ImportContentOptions): Promise<ImportResult> {
  const { dir, store, topicIds, logger, clusters } = options;
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, failed: [] };
  const articlesDir = join(dir, "articles");

  let files: string[];
  try {
    files = await listMarkdown(articlesDir);
  } catch (err) {
    if (!isMissing(err)) throw err;
    logger.warn({ dir: articlesDir }, "no curated articles: directory not found");
    return result;
  }

  // Two files with one link would overwrite each other on every import.
  const fileById = new Map<string, string>();
  const fresh: Article[] = [];
  for (const file of files) {
    try {
      const input = parseContentFile(file, await readFile(file, "utf8"), topicIds);
      const existing = await store.getByUrl(input.url);
      const first = existing ? fileById.get(existing.id) : undefined;
      if (first !== undefined) {
        throw new ContentError(
          file,
          "url",
          `the same link as ${first} — keep one of the two files`,
        );
      }
      // a file says nothing of clusters: keep the one the article is in
      const kept = existing?.cluster ? { ...input, cluster: existing.cluster } : input;
      const { article, created, changed } = await store.put(kept);
      fileById.set(article.id, file);
      if (created || changed) fresh.push(article);
      if (created) result.created++;
      else if (changed) result.updated++;
      else result.unchanged++;
    } catch (err) {
      const failure = describe(file, err);
      result.failed.push(failure);
      logger.warn(
        { file, field: err instanceof ContentError ? err.field : undefined },
        `skipped content file: ${failure.message}`,
      );
    }
  }
  if (clusters && fresh.length > 0) {
    const times = fresh.map((a) => a.publishedAt);
    const session = await clusters.open(Math.min(...times), Math.max(...times));
    for (const article of fresh) await session.assign(article);
  }
  return result;
}

async function listMarkdown(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.endsWith(".md")) found.push(path);
    }
  };
  await walk(root);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function describe(file: string, err: unknown): ImportFailure {
  if (err instanceof ContentError) return { file, message: `${err.field}: ${err.problem}` };
  return { file, message: err instanceof Error ? err.message : String(err) };
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}
