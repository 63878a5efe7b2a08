import { createHash } from "node:crypto";

/** Query parameters that only say how a reader arrived; they never change the page. */
const TRACKING_PARAMS = new Set([
  "fbclid",
  "gclid",
  "yclid",
  "mc_cid",
  "mc_eid",
  "igshid",
  "ref_src",
  "_ga",
  "ocid",
]);

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g;
const SHOWN_MAX_CHARS = 120;

/** A string that is not an absolute http(s) link; the message says what is wrong. */
export class InvalidUrlError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string,
  ) {
    super(`${show(input)} ${problem}`);
    this.name = "InvalidUrlError";
  }
}

/**
 * The one spelling of a link under which an article is stored, so the same
 * page reached through a tracker, a fragment or plain http is one article.
 * Throws InvalidUrlError for anything but an absolute http(s) URL.
 *
 * Rules: https scheme; host lower-cased but otherwise kept — "www.example.org"
 * and "example.org" stay distinct, because they may be different sites and a
 * wrong merge would attach one outlet's article to another's link; default
 * port, credentials and fragment dropped; tracking parameters (utm_*, fbclid,
 * gclid, …) dropped; the remaining parameters sorted by name (a stable sort,
 * so repeated names keep their order), each kept exactly as written apart from
 * escapes; percent-escapes of unreserved characters decoded and the others
 * upper-cased (RFC 3986 §6.2.2), everything else as the WHATWG URL parser
 * writes it; trailing slashes removed from any path but the root "/".
 */
export function canonicalUrl(raw: string): string {
  const text = raw.trim();
  if (text === "")
    throw new InvalidUrlError(raw, "is empty: a link such as https://example.org/a is needed");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidUrlError(
      raw,
      "is not an absolute link: write it in full, such as https://example.org/a",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidUrlError(raw, `is not an http(s) link (it uses ${url.protocol})`);
  }
  if (url.hostname === "") throw new InvalidUrlError(raw, "has no host name");

  url.protocol = "https:";
  const path = normalizePath(url.pathname);
  const query = normalizeQuery(url.search.slice(1));
  return new URL(`https://${url.host}${path}${query === "" ? "" : `?${query}`}`).href;
}

/**
 * The link as the publisher wrote it, for readers: only tracking parameters
 * (utm_*, fbclid, gclid, …) are dropped; the scheme, the trailing slash, the
 * order and spelling of the other parameters and the fragment stay, because a
 * site that does not redirect may serve only its own spelling. The canonical
 * form (canonicalUrl) is for de-duplication and ids, never for a reader.
 * Throws InvalidUrlError for anything canonicalUrl rejects.
 */
export function publisherUrl(raw: string): string {
  canonicalUrl(raw);
  const url = new URL(raw.trim());
  url.username = "";
  url.password = "";
  const query = url.search
    .slice(1)
    .split("&")
    .filter((part) => {
      if (part === "") return false;
      const eq = part.indexOf("=");
      return !isTracking(eq < 0 ? part : part.slice(0, eq));
    })
    .join("&");
  url.search = query === "" ? "" : `?${query}`;
  return url.href;
}

/** A stable 16-hex-character article id: the first 64 bits of the canonical URL's sha1. */
export function articleId(canonical: string): string {
  return urlHash(canonical).slice(0, 16);
}

/** The full sha1 (40 hex characters) of a canonical URL, the key of the URL → id index. */
export function urlHash(canonical: string): string {
  return createHash("sha1").update(canonical, "utf8").digest("hex");
}

function normalizePath(pathname: string): string {
  const path = normalizeEscapes(pathname).replace(/\/+$/, "");
  return path === "" ? "/" : path;
}

function normalizeQuery(search: string): string {
  const params = search
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const normalized = normalizeEscapes(part);
      const eq = normalized.indexOf("=");
      return { name: eq < 0 ? normalized : normalized.slice(0, eq), text: normalized };
    })
    .filter(({ name }) => !isTracking(name));
  params.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return params.map((p) => p.text).join("&");
}

function isTracking(name: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    decoded = name;
  }
  const lower = decoded.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

function normalizeEscapes(text: string): string {
  return text.replace(PERCENT_ESCAPE, (sequence, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : sequence.toUpperCase();
  });
}

function show(input: string): string {
  const shown = input.length > SHOWN_MAX_CHARS ? `${input.slice(0, SHOWN_MAX_CHARS)}…` : input;
  return JSON.stringify(shown);
}
