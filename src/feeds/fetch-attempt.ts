import type { Logger } from "../logger.ts";
import { type FetchOptions, type FetchResult, fetchFeed } from "./fetch-feed.ts";
import { FeedParseError, type ParsedFeed, parseFeedText } from "./parse-feed.ts";
import type { Source } from "./sources.ts";
import { withoutUndefined } from "./without-undefined.ts";

/** What fetching one URL of a source came to, in the terms a poll acts on. */
export type Attempt =
  | { kind: "feed"; url: string; result: Extract<FetchResult, { kind: "ok" }>; feed: ParsedFeed }
  | { kind: "not-modified"; url: string; result: Extract<FetchResult, { kind: "not-modified" }> }
  | {
      kind: "failed";
      url: string;
      reason: string;
      retryAfterSec?: number;
      /** the URL no longer serves a feed: another of the source's URLs may */
      wrongUrl: boolean;
    };

/**
 * Fetches the source from the URL in its state (else its configured one),
 * with the state's validators. A URL that answers 403/404/410, an HTML page
 * or something unparseable makes the source's other URLs be tried in order,
 * unconditionally; the first that works is the attempt. When none works, the
 * failure names what each URL answered.
 */
export async function fetchFromSource(
  source: Source,
  state: { url?: string; etag?: string; lastModified?: string },
  fetchOptions: FetchOptions | undefined,
  log: Logger,
): Promise<Attempt> {
  const current = state.url ?? source.url;
  const attempt = await fetchAndParse(current, state, fetchOptions);
  if (attempt.kind !== "failed" || !attempt.wrongUrl) return attempt;
  const tried = [`${current}: ${attempt.reason}`];
  for (const url of new Set([source.url, ...source.fallbackUrls])) {
    if (url === current) continue;
    const next = await fetchAndParse(url, {}, fetchOptions);
    if (next.kind !== "failed") {
      log.warn({ from: current, to: url }, "feed URL failed; a fallback URL works");
      return next;
    }
    tried.push(`${url}: ${next.reason}`);
  }
  if (tried.length === 1) return attempt;
  return { ...attempt, reason: `no URL of this source works (${tried.join("; ")})` };
}

async function fetchAndParse(
  url: string,
  validators: { etag?: string; lastModified?: string },
  fetchOptions: FetchOptions | undefined,
): Promise<Attempt> {
  const conditional = withoutUndefined({
    etag: validators.etag,
    lastModified: validators.lastModified,
  });
  const result = await fetchFeed(url, conditional, fetchOptions);
  switch (result.kind) {
    case "ok":
      try {
        return { kind: "feed", url, result, feed: parseFeedText(result.text, { baseUrl: url }) };
      } catch (err) {
        if (!(err instanceof FeedParseError)) throw err;
        return { kind: "failed", url, reason: `not a feed: ${err.reason}`, wrongUrl: true };
      }
    case "not-modified":
      return { kind: "not-modified", url, result };
    case "html":
      return {
        kind: "failed",
        url,
        reason: "serves an HTML page instead of a feed",
        wrongUrl: true,
      };
    case "gone":
      return { kind: "failed", url, reason: `answers ${result.status} (gone)`, wrongUrl: true };
    case "retry-later": {
      const wait =
        result.retryAfterSec === undefined ? "" : `, Retry-After ${result.retryAfterSec} s`;
      return withoutUndefined({
        kind: "failed",
        url,
        reason: `asked to retry later (${result.status}${wait})`,
        wrongUrl: false,
        retryAfterSec: result.retryAfterSec,
      });
    }
    case "error":
      return { kind: "failed", url, reason: result.reason, wrongUrl: false };
  }
}
