import { decodeBodyDetailed, detectHtmlInsteadOfFeed } from "./decode.ts";
import { withoutUndefined } from "./without-undefined.ts";

/** Validators from the previous successful fetch, sent back as-is. */
export interface ConditionalState {
  etag?: string;
  lastModified?: string;
}

export interface FetchOptions {
  /** whole request, redirects and body included; default 20 s */
  timeoutMs?: number;
  /** largest body accepted, after decompression; default 5 MB */
  maxBytes?: number;
  userAgent?: string;
  /** default 5 */
  maxRedirects?: number;
}

export type FetchResult =
  | {
      kind: "ok";
      text: string;
      contentType: string;
      etag?: string;
      lastModified?: string;
      /** the URL that answered, after redirects */
      finalUrl: string;
      /** where a 301/308 chain from the requested URL ended: the URL to poll from now on */
      permanentRedirect?: string;
      cacheMaxAgeSec?: number;
      status: number;
      /** the charset the body was read with */
      charset: string;
      /** set when the declared charset was unusable and UTF-8 was used instead */
      charsetNote?: string;
    }
  | { kind: "not-modified"; cacheMaxAgeSec?: number; permanentRedirect?: string }
  | { kind: "html" }
  | { kind: "retry-later"; status: number; retryAfterSec?: number }
  | { kind: "gone"; status: number }
  | { kind: "error"; reason: string; status?: number };

export const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_USER_AGENT = "FrontlineDigest/0.1 (news digest bot; feed reader)";

const ACCEPT =
  "application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";
const PERMANENT = new Set([301, 308]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);
const GONE = new Set([403, 404, 410]);

/**
 * One conditional GET of a feed, classified into what the poller must do
 * next. Sends If-None-Match / If-Modified-Since exactly as the server gave
 * them. Follows redirects itself so that a 301/308 can be remembered
 * (`permanentRedirect`) while a 302/307 is not. Never throws and never waits
 * longer than `timeoutMs`: headers and body share one deadline, and a body
 * larger than `maxBytes` is abandoned while streaming, not buffered.
 */
export async function fetchFeed(
  url: string,
  state: ConditionalState,
  options: FetchOptions = {},
): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers: Record<string, string> = {
    accept: ACCEPT,
    "user-agent": options.userAgent ?? DEFAULT_USER_AGENT,
  };
  if (state.etag) headers["if-none-match"] = state.etag;
  if (state.lastModified) headers["if-modified-since"] = state.lastModified;

  let current = url;
  let permanentRedirect: string | undefined;
  let allPermanent = true;
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(current, {
        headers,
        redirect: "manual",
        signal: controller.signal,
      });
      if (!REDIRECT.has(response.status)) {
        return await classify(response, {
          finalUrl: current,
          permanentRedirect,
          maxBytes,
        });
      }
      await discard(response);
      const location = response.headers.get("location");
      if (!location) {
        return {
          kind: "error",
          reason: `redirect ${response.status} without a Location header`,
          status: response.status,
        };
      }
      if (hop >= maxRedirects) {
        return {
          kind: "error",
          reason: `more than ${maxRedirects} redirects`,
          status: response.status,
        };
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return {
          kind: "error",
          reason: `redirect to an invalid URL: ${location}`,
          status: response.status,
        };
      }
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        return {
          kind: "error",
          reason: `redirect to a non-HTTP URL: ${next.href}`,
          status: response.status,
        };
      }
      allPermanent &&= PERMANENT.has(response.status);
      if (allPermanent) permanentRedirect = next.href;
      current = next.href;
    }
  } catch (err) {
    if (controller.signal.aborted)
      return { kind: "error", reason: `timeout after ${timeoutMs} ms` };
    return { kind: "error", reason: `network error: ${describeNetworkError(err)}` };
  } finally {
    clearTimeout(timer);
  }
}

async function classify(
  response: Response,
  context: {
    finalUrl: string;
    permanentRedirect: string | undefined;
    maxBytes: number;
  },
): Promise<FetchResult> {
  const { status } = response;
  const h = response.headers;
  const cacheMaxAgeSec = parseCacheMaxAge(h.get("cache-control"));
  if (status === 304) {
    await discard(response);
    return withoutUndefined({
      kind: "not-modified",
      cacheMaxAgeSec,
      permanentRedirect: context.permanentRedirect,
    });
  }
  if (status === 429 || status === 503) {
    await discard(response);
    return withoutUndefined({
      kind: "retry-later",
      status,
      retryAfterSec: parseRetryAfter(h.get("retry-after"), Date.now()),
    });
  }
  if (GONE.has(status)) {
    await discard(response);
    return { kind: "gone", status };
  }
  if (status < 200 || status > 299) {
    await discard(response);
    const reason = status >= 500 ? `server error ${status}` : `unexpected status ${status}`;
    return { kind: "error", reason, status };
  }

  const declared = Number(h.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > context.maxBytes) {
    await discard(response);
    return tooLarge(context.maxBytes, status);
  }
  const bytes = await readCapped(response, context.maxBytes);
  if (bytes === undefined) return tooLarge(context.maxBytes, status);
  if (bytes.length === 0) return { kind: "error", reason: "empty body", status };

  const contentType = h.get("content-type") ?? "";
  const decoded = decodeBodyDetailed(bytes, contentType);
  if (detectHtmlInsteadOfFeed(decoded.text, contentType)) return { kind: "html" };
  return withoutUndefined({
    kind: "ok",
    text: decoded.text,
    contentType,
    etag: h.get("etag") ?? undefined,
    lastModified: h.get("last-modified") ?? undefined,
    finalUrl: context.finalUrl,
    permanentRedirect: context.permanentRedirect,
    cacheMaxAgeSec,
    status,
    charset: decoded.charset,
    charsetNote: decoded.note,
  });
}

function tooLarge(maxBytes: number, status: number): FetchResult {
  return { kind: "error", reason: `too large: body over ${maxBytes} bytes`, status };
}

/** The whole body, or undefined as soon as it passes `maxBytes` (the rest is never read). */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

/**
 * Seconds to wait from a Retry-After header: either delta-seconds or an
 * HTTP-date (measured from `nowMs`). Undefined when absent or unreadable;
 * a date in the past gives 0.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (!Number.isFinite(at) || !/\b(gmt|utc|[+-]\d{4})\b/i.test(v)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * The max-age of a Cache-Control header in seconds: how long the server says
 * the feed stays fresh. Undefined when absent, or when no-store / no-cache
 * ask the client not to rely on it.
 */
export function parseCacheMaxAge(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const directives = value
    .toLowerCase()
    .split(",")
    .map((d) => d.trim());
  if (directives.some((d) => d === "no-store" || d === "no-cache")) return undefined;
  for (const d of directives) {
    const m = /^max-age\s*=\s*"?(\d+)"?$/.exec(d);
    if (m) return Number(m[1]);
  }
  return undefined;
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.message ? `${cause.code} (${cause.message})` : cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
