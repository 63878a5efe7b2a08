import type { MessageEntity } from "grammy/types";

/**
 * Telegram's HTML parse mode, reproduced byte for byte from the Bot API's own
 * parser so that a text accepted here is accepted by Telegram and a text
 * rejected here is rejected with the same description.
 */

/** A text Telegram refuses to parse; `message` is the part of the description after "can't parse entities: ". */
export class TelegramHtmlError extends Error {
  override name = "TelegramHtmlError";
}

export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

const SUPPORTED_TAGS = new Set([
  "a",
  "b",
  "strong",
  "i",
  "em",
  "s",
  "strike",
  "del",
  "u",
  "ins",
  "tg-spoiler",
  "tg-emoji",
  "span",
  "pre",
  "code",
  "blockquote",
]);

// Telegram orders entities by offset, then longest first, then by a fixed priority per type.
const TYPE_PRIORITY: Record<string, number> = {
  blockquote: 0,
  expandable_blockquote: 0,
  pre: 10,
  code: 20,
  text_link: 49,
  text_mention: 49,
  bold: 90,
  italic: 91,
  underline: 92,
  strikethrough: 93,
  spoiler: 94,
  custom_emoji: 99,
};

const SURROGATE_ERROR =
  "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface OpenTag {
  name: string;
  argument: string;
  offset: number;
  resultPos: number;
}

interface RawEntity {
  kind: string;
  offset: number;
  length: number;
  argument: string;
  userId?: number;
}

/**
 * Parses `html` the way Telegram's HTML parse mode does: the plain text and its
 * entities (offsets and lengths in UTF-16 code units), or a TelegramHtmlError
 * carrying Telegram's own error text, with UTF-8 byte offsets into `html`.
 */
export function parseTelegramHtml(html: string): ParsedText {
  const src = encoder.encode(html);
  const at = (i: number): number => (i < src.length ? (src[i] as number) : 0);
  const out: number[] = [];
  const entities: RawEntity[] = [];
  const open: OpenTag[] = [];
  let utf16 = 0;
  let sawSurrogate = false;

  const decodeEntity = (pos: number): { code: number; end: number } | undefined => {
    let end = pos + 1;
    let code = 0;
    if (at(pos + 1) === 0x23 /* # */) {
      end++;
      if (at(pos + 2) === 0x78 /* x */) {
        end++;
        while (isHexDigit(at(end))) code = code * 16 + hexValue(at(end++));
      } else {
        while (isDigit(at(end))) code = code * 10 + (at(end++) - 0x30);
      }
      if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
    } else {
      while (isAlpha(at(end))) end++;
      const name = String.fromCharCode(...src.subarray(pos + 1, end));
      const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
      if (!Object.hasOwn(named, name)) return undefined;
      code = named[name] as number;
    }
    return { code, end: at(end) === 0x3b /* ; */ ? end + 1 : end };
  };

  for (let i = 0; i < src.length; i++) {
    const c = at(i);
    if (c === 0x26 /* & */) {
      const decoded = decodeEntity(i);
      if (decoded) {
        i = decoded.end - 1;
        utf16 += decoded.code > 0xffff ? 2 : 1;
        if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) sawSurrogate = true;
        appendCodePoint(out, decoded.code);
        continue;
      }
    }
    if (c !== 0x3c /* < */) {
      if (isFirstUtf8Unit(c)) utf16 += c >= 0xf0 ? 2 : 1;
      out.push(c);
      continue;
    }

    const begin = i++;
    if (at(i) !== 0x2f /* / */) {
      while (!isSpace(at(i)) && at(i) !== 0x3e) i++;
      if (at(i) === 0) throw new TelegramHtmlError(`Unclosed start tag at byte offset ${begin}`);
      const name = lower(src.subarray(begin + 1, i));
      if (!SUPPORTED_TAGS.has(name)) {
        throw new TelegramHtmlError(`Unsupported start tag "${name}" at byte offset ${begin}`);
      }
      let argument = "";
      while (at(i) !== 0x3e /* > */) {
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0x3e) break;
        const attrBegin = i;
        while (!isSpace(at(i)) && !ATTRIBUTE_NAME_STOPS.has(at(i))) i++;
        const attr = decoder.decode(src.subarray(attrBegin, i));
        if (attr === "") {
          throw new TelegramHtmlError(
            `Empty attribute name in the tag "${name}" at byte offset ${begin}`,
          );
        }
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) !== 0x3d /* = */) {
          if (at(i) === 0) {
            throw new TelegramHtmlError(`Unclosed start tag "${name}" at byte offset ${begin}`);
          }
          if (name === "blockquote" && attr === "expandable") argument = "1";
          continue;
        }
        i++;
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0) {
          throw new TelegramHtmlError(`Unclosed start tag "${name}" at byte offset ${begin}`);
        }
        let value: string;
        if (at(i) !== 0x27 && at(i) !== 0x22) {
          const tokenBegin = i;
          while (isAlnum(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          value = lower(src.subarray(tokenBegin, i));
          if (!isSpace(at(i)) && at(i) !== 0x3e) {
            throw new TelegramHtmlError(
              `Unexpected end of name token at byte offset ${tokenBegin}`,
            );
          }
        } else {
          const quote = at(i++);
          const bytes: number[] = [];
          while (at(i) !== quote && at(i) !== 0) {
            if (at(i) === 0x26) {
              const decoded = decodeEntity(i);
              if (decoded) {
                appendCodePoint(bytes, decoded.code);
                i = decoded.end;
                continue;
              }
            }
            bytes.push(at(i++));
          }
          if (at(i) === quote) i++;
          value = decoder.decode(Uint8Array.from(bytes));
        }
        if (at(i) === 0) throw new TelegramHtmlError(`Unclosed start tag at byte offset ${begin}`);

        if (name === "a" && attr === "href") argument = value;
        else if (name === "code" && attr === "class" && value.startsWith("language-")) {
          argument = value.slice(9);
        } else if (name === "span" && attr === "class" && value.startsWith("tg-")) {
          argument = value.slice(3);
        } else if (name === "tg-emoji" && attr === "emoji-id") argument = value;
        else if (name === "blockquote" && attr === "expandable") argument = "1";
      }
      if (name === "span" && argument !== "spoiler") {
        throw new TelegramHtmlError(
          `Tag "span" must have class "tg-spoiler" at byte offset ${begin}`,
        );
      }
      open.push({ name, argument, offset: utf16, resultPos: out.length });
      continue;
    }

    const top = open.at(-1);
    if (!top) throw new TelegramHtmlError(`Unexpected end tag at byte offset ${begin}`);
    while (!isSpace(at(i)) && at(i) !== 0x3e) i++;
    const endName = lower(src.subarray(begin + 2, i));
    while (isSpace(at(i)) && at(i) !== 0) i++;
    if (at(i) !== 0x3e) throw new TelegramHtmlError(`Unclosed end tag at byte offset ${begin}`);
    if (endName !== "" && endName !== top.name) {
      throw new TelegramHtmlError(
        `Unmatched end tag at byte offset ${begin}, expected "</${top.name}>", found "</${endName}>"`,
      );
    }
    if (utf16 > top.offset) closeEntity(top, utf16 - top.offset, entities, out);
    open.pop();
  }

  const unclosed = open.at(-1);
  if (unclosed) {
    throw new TelegramHtmlError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  }
  if (sawSurrogate && !isWellFormedUtf8(out)) throw new TelegramHtmlError(SURROGATE_ERROR);

  for (const entity of entities) if (entity.kind === "code") entity.argument = "";
  entities.sort(compareEntities);
  return { text: decoder.decode(Uint8Array.from(out)), entities: entities.map(toBotApiEntity) };
}

/** The length Telegram counts for a text in HTML parse mode: UTF-16 code units of the parsed text. */
export function telegramLength(html: string): number {
  return parseTelegramHtml(html).text.length;
}

/** Escapes `&`, `<` and `>` so that Telegram shows `text` verbatim in HTML parse mode. */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function closeEntity(tag: OpenTag, length: number, entities: RawEntity[], out: number[]): void {
  const offset = tag.offset;
  const simple: Record<string, string> = {
    i: "italic",
    em: "italic",
    b: "bold",
    strong: "bold",
    s: "strikethrough",
    strike: "strikethrough",
    del: "strikethrough",
    u: "underline",
    ins: "underline",
    "tg-spoiler": "spoiler",
    span: "spoiler",
  };
  const last = entities.at(-1);
  const coversSame = last !== undefined && last.offset === offset && last.length === length;
  const kind = simple[tag.name];
  if (kind) {
    entities.push({ kind, offset, length, argument: "" });
  } else if (tag.name === "tg-emoji") {
    if (!isInt64(tag.argument) || BigInt(tag.argument) === 0n) {
      throw new TelegramHtmlError("Invalid custom emoji identifier specified");
    }
    entities.push({ kind: "custom_emoji", offset, length, argument: tag.argument });
  } else if (tag.name === "a") {
    const url = tag.argument || decoder.decode(Uint8Array.from(out.slice(tag.resultPos)));
    const userId = linkUserId(url);
    if (userId !== undefined) {
      entities.push({ kind: "text_mention", offset, length, argument: "", userId });
    } else {
      const checked = checkedLink(url);
      if (checked) entities.push({ kind: "text_link", offset, length, argument: checked });
    }
  } else if (tag.name === "pre") {
    if (coversSame && last.kind === "code" && last.argument !== "") last.kind = "pre";
    else entities.push({ kind: "pre", offset, length, argument: "" });
  } else if (tag.name === "code") {
    if (coversSame && last.kind === "pre" && last.argument === "" && tag.argument !== "") {
      last.argument = tag.argument;
    } else entities.push({ kind: "code", offset, length, argument: tag.argument });
  } else if (tag.name === "blockquote") {
    const quote = tag.argument ? "expandable_blockquote" : "blockquote";
    entities.push({ kind: quote, offset, length, argument: "" });
  }
}

function compareEntities(a: RawEntity, b: RawEntity): number {
  if (a.offset !== b.offset) return a.offset - b.offset;
  if (a.length !== b.length) return b.length - a.length;
  return priority(a) - priority(b);
}

function priority(entity: RawEntity): number {
  if (entity.kind === "pre" && entity.argument !== "") return 10;
  if (entity.kind === "pre") return 11;
  return TYPE_PRIORITY[entity.kind] ?? 50;
}

function toBotApiEntity(entity: RawEntity): MessageEntity {
  const { offset, length } = entity;
  switch (entity.kind) {
    case "text_link":
      return { type: "text_link", offset, length, url: entity.argument };
    case "text_mention":
      return {
        type: "text_mention",
        offset,
        length,
        user: { id: entity.userId ?? 0, is_bot: false, first_name: "" },
      };
    case "custom_emoji":
      return { type: "custom_emoji", offset, length, custom_emoji_id: entity.argument };
    case "pre":
      return entity.argument
        ? { type: "pre", offset, length, language: entity.argument }
        : { type: "pre", offset, length };
    default:
      return { type: entity.kind, offset, length } as MessageEntity;
  }
}

function linkUserId(url: string): number | undefined {
  const match = /^tg:(?:\/\/)?user\?(?:.*&)?id=(\d+)(?:&.*)?$/i.exec(url);
  if (!match) return undefined;
  const id = Number(match[1]);
  return id > 0 && Number.isSafeInteger(id) ? id : undefined;
}

/** Telegram's link check for text links: http(s) links are normalised, tg:// and ton:// kept, the rest dropped. */
function checkedLink(raw: string): string | undefined {
  const link = raw.trim();
  if (link === "" || [...link].some((c) => /\s/.test(c) || c <= "\u001f" || c === "\u007f")) {
    return undefined;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):(?:\/\/)?/i.exec(link);
  const name = scheme?.[1]?.toLowerCase();
  if (scheme && (name === "tg" || name === "ton")) {
    const rest = link.slice(scheme[0].length);
    return rest === "" ? undefined : `${name}://${rest}`;
  }
  if (scheme && name !== "http" && name !== "https") {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(link)) return checkedHttp("http", link);
    return undefined;
  }
  return checkedHttp(name ?? "http", scheme ? link.slice(scheme[0].length) : link);
}

function checkedHttp(scheme: string, rest: string): string | undefined {
  const cut = rest.search(/[/?#]/);
  const authority = cut === -1 ? rest : rest.slice(0, cut);
  const tail = cut === -1 ? "" : rest.slice(cut);
  const host = authority.replace(/^[^@]*@/, "").replace(/:\d{1,5}$/, "");
  const isDomain = /^(?:[\p{L}\p{N}_-]+\.)+[\p{L}\p{N}-]{2,}\.?$/u.test(host);
  const isIp = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
  if (!isDomain && !isIp) return undefined;
  return `${scheme}://${authority}${tail.startsWith("/") ? tail : `/${tail}`}`;
}

function isInt64(text: string): boolean {
  if (!/^-?\d{1,19}$/.test(text)) return false;
  const value = BigInt(text);
  return value >= -(2n ** 63n) && value < 2n ** 63n;
}

const ATTRIBUTE_NAME_STOPS = new Set([0x3d, 0x3e, 0x2f, 0x22, 0x27]);

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isAlnum(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function hexValue(c: number): number {
  return isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

function isFirstUtf8Unit(c: number): boolean {
  return (c & 0xc0) !== 0x80;
}

function lower(bytes: Uint8Array): string {
  return decoder.decode(bytes.map((c) => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c)));
}

function appendCodePoint(out: number[], code: number): void {
  if (code <= 0x7f) out.push(code);
  else if (code <= 0x7ff) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
  else if (code <= 0xffff) {
    out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  } else {
    out.push(
      0xf0 | (code >> 18),
      0x80 | ((code >> 12) & 0x3f),
      0x80 | ((code >> 6) & 0x3f),
      0x80 | (code & 0x3f),
    );
  }
}

function isWellFormedUtf8(bytes: number[]): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
    return true;
  } catch {
    return false;
  }
}
