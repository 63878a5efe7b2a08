import iconv from "iconv-lite";

/** The text of a response body and how its bytes were read. */
export interface DecodedBody {
  text: string;
  /** the charset actually used, lower-case, e.g. "utf-8" or "windows-1251" */
  charset: string;
  /** where the charset came from */
  from: "bom" | "header" | "xml-declaration" | "default";
  /** set when the declared charset could not be used, e.g. `unknown charset "x-foo"; read as UTF-8` */
  note?: string;
}

const UTF8 = "utf-8";
const FEED_ROOT = /^(rss|feed|rdf|[\w.-]+:rdf)$/;
const HTML_ONLY_ROOTS = new Set(["head", "body", "div", "p", "meta", "title", "script"]);

/**
 * Turns a feed's bytes into text. A byte-order mark wins, as in the WHATWG
 * Encoding Standard: servers often send a default charset (ISO-8859-1) with
 * a UTF-8 body, while a BOM describes the bytes themselves. Otherwise the
 * Content-Type charset, then the XML declaration's encoding, else UTF-8. Ukrainian sites still serve
 * windows-1251, so legacy charsets go through TextDecoder, or iconv-lite for
 * labels TextDecoder does not know. An unknown charset falls back to UTF-8
 * with a note instead of failing the whole feed. The BOM is stripped.
 */
export function decodeBodyDetailed(bytes: Uint8Array, contentType?: string): DecodedBody {
  const bom = sniffBom(bytes);
  if (bom) {
    const text = decodeWith(bom.charset, bytes.subarray(bom.length)) ?? "";
    return { text: stripBom(text), charset: bom.charset, from: "bom" };
  }
  const fromHeader = contentType ? charsetFromContentType(contentType) : undefined;
  const fromXml = fromHeader ? undefined : charsetFromXmlDeclaration(bytes);
  const declared = fromHeader ?? fromXml;
  const from = fromHeader ? "header" : fromXml ? "xml-declaration" : "default";
  if (declared) {
    const text = decodeWith(declared, bytes);
    if (text !== undefined) return { text: stripBom(text), charset: canonical(declared), from };
    return {
      text: stripBom(new TextDecoder(UTF8).decode(bytes)),
      charset: UTF8,
      from: "default",
      note: `unknown charset "${declared}"; read as UTF-8`,
    };
  }
  return { text: stripBom(new TextDecoder(UTF8).decode(bytes)), charset: UTF8, from };
}

/** Like decodeBodyDetailed, when only the text matters. */
export function decodeBody(bytes: Uint8Array, contentType?: string): string {
  return decodeBodyDetailed(bytes, contentType).text;
}

/**
 * True when a response is a web page rather than a feed: an HTML doctype or
 * an `<html>` root. Servers often send real feeds as text/html, so the
 * Content-Type alone only decides when the root element is not recognisable.
 */
export function detectHtmlInsteadOfFeed(text: string, contentType?: string): boolean {
  const head = skipProlog(text.slice(0, 64 * 1024));
  if (head.startsWith("{") || head.startsWith("[")) return false;
  if (/^<!doctype\s+html\b/i.test(head)) return true;
  const root = /^<([A-Za-z_][\w.:-]*)/.exec(skipDoctype(head))?.[1]?.toLowerCase();
  if (root === undefined) return isHtmlType(contentType);
  if (root === "html") return true;
  if (FEED_ROOT.test(root)) return false;
  return isHtmlType(contentType) || HTML_ONLY_ROOTS.has(root);
}

function isHtmlType(contentType: string | undefined): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType ?? "");
}

function skipProlog(text: string): string {
  let rest = text.replace(/^\uFEFF/, "");
  for (;;) {
    const trimmed = rest.trimStart();
    const m = /^(<\?[\s\S]*?\?>|<!--[\s\S]*?-->)/.exec(trimmed);
    if (!m) return trimmed;
    rest = trimmed.slice(m[0].length);
  }
}

function skipDoctype(text: string): string {
  const m = /^<!doctype[^>]*>/i.exec(text);
  return m ? skipProlog(text.slice(m[0].length)) : text;
}

function sniffBom(bytes: Uint8Array): { charset: string; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { charset: UTF8, length: 3 };
  // FF FE and FE FF are also "яю" and "юя" in windows-1251: trust them only when
  // the character after them is ASCII, as a feed's "<", "{" or whitespace is.
  if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[3] === 0) {
    return { charset: "utf-16le", length: 2 };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff && bytes[2] === 0) {
    return { charset: "utf-16be", length: 2 };
  }
  return undefined;
}

function charsetFromContentType(contentType: string): string | undefined {
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return m?.[2]?.trim() || undefined;
}

function charsetFromXmlDeclaration(bytes: Uint8Array): string | undefined {
  // UTF-16 without a BOM: "<?" is 3C 00 3F 00 (LE) or 00 3C 00 3F (BE).
  if (bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] === 0x3f && bytes[3] === 0) {
    return "utf-16le";
  }
  if (bytes[0] === 0 && bytes[1] === 0x3c && bytes[2] === 0 && bytes[3] === 0x3f) {
    return "utf-16be";
  }
  const head = latin1(bytes.subarray(0, 1024));
  const m = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  const declared = m?.[1];
  // A declaration readable as ASCII cannot really be UTF-16: the server transcoded the body.
  if (!declared || /^utf-?16/i.test(declared)) return undefined;
  return declared;
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function decodeWith(charset: string, bytes: Uint8Array): string | undefined {
  const label = charset.trim().toLowerCase();
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    // not a WHATWG label; iconv-lite knows more aliases (cp866, win-1251, ...)
  }
  if (iconv.encodingExists(label))
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), label);
  return undefined;
}

function canonical(charset: string): string {
  try {
    return new TextDecoder(charset.trim().toLowerCase()).encoding;
  } catch {
    return charset.trim().toLowerCase();
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
