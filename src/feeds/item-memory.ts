import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { canonicalUrl } from "../articles/canonical-url.ts";
import type { FeedItem } from "./parse-feed.ts";

/** How long a source remembers an item it carried (refreshed while the item stays in the feed). */
export const ITEM_MEMORY_TTL_SEC = 30 * 24 * 3600;

/** What a source remembers of one item: the article it became and a fingerprint of its content. */
export interface ItemMemory {
  articleId: string;
  fingerprint: string;
}

/** Reads the item memories and pushes back their expiry, in one round trip. */
export async function readMemories(
  redis: Redis,
  memoryKeys: string[],
): Promise<(ItemMemory | undefined)[]> {
  if (memoryKeys.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const key of memoryKeys) pipeline.getex(key, "EX", ITEM_MEMORY_TTL_SEC);
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err) throw err;
    if (typeof value !== "string") return undefined;
    const [articleId, fingerprint] = value.split(" ");
    return articleId && fingerprint ? { articleId, fingerprint } : undefined;
  });
}

/** The stored form of an ItemMemory, as readMemories reads it back. */
export function memoryValue(memory: ItemMemory): string {
  return `${memory.articleId} ${memory.fingerprint}`;
}

/** Names an item within its source: its guid, else its canonical link. */
export function itemKey(item: FeedItem): string {
  let name = item.guid ? `guid ${item.guid}` : `url ${item.url ?? ""}`;
  if (!item.guid && item.url) {
    try {
      name = `url ${canonicalUrl(item.url)}`;
    } catch {
      // an unusable link is skipped later; its raw spelling names it meanwhile
    }
  }
  return sha1(name).slice(0, 24);
}

/** Changes when anything of the item that reaches its article changes. */
export function itemFingerprint(item: FeedItem): string {
  const fields = [item.url, item.title, item.html, item.description, item.author, item.publishedAt];
  return sha1(JSON.stringify(fields)).slice(0, 16);
}

function sha1(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}
