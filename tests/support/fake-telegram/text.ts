import type { MessageEntity } from "grammy/types";
import { parseTelegramHtml, TelegramHtmlError } from "../telegram-html.ts";
import { badRequest } from "./errors.ts";
import type { Params } from "./params.ts";

export const MESSAGE_LIMIT = 4096;

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/**
 * The text of a sendMessage/editMessageText call as Telegram stores it:
 * parsed per `entities` or `parse_mode`, cleaned and trimmed, then checked
 * for emptiness and the 4096 UTF-16 unit limit; Telegram's 400s otherwise.
 */
export function messageText(params: Params): FormattedText {
  const raw = params.string("text");
  if (raw === undefined) throw badRequest("message text is empty");
  const fixed = formatted(raw, params);
  if (fixed.text.length === 0) throw badRequest("message text is empty");
  if (fixed.text.length > MESSAGE_LIMIT) throw badRequest("message is too long");
  return fixed;
}

/** HTML texts parsed lately: a broadcast sends one text to thousands of chats. */
const parsedHtml = new Map<string, FormattedText>();
const PARSED_KEPT = 64;

/** The text parsed and cleaned; an HTML text seen lately is not parsed again. */
function formatted(raw: string, params: Params): FormattedText {
  const html =
    params.raw.entities === undefined &&
    (params.string("parse_mode") ?? "").toLowerCase() === "html";
  if (!html) return cleanText(parse(raw, params));
  let known = parsedHtml.get(raw);
  if (known === undefined) {
    known = cleanText(parse(raw, params));
    if (parsedHtml.size >= PARSED_KEPT) parsedHtml.clear();
    parsedHtml.set(raw, known);
  }
  return { text: known.text, entities: known.entities.map((e) => ({ ...e })) };
}

function parse(raw: string, params: Params): FormattedText {
  const entities = params.json<MessageEntity[]>("entities", "can't parse entities JSON object");
  if (entities !== undefined) {
    if (!Array.isArray(entities) || !entities.every(isEntityShape)) {
      throw badRequest("can't parse entities JSON object");
    }
    return { text: raw, entities: entities.map((e) => ({ ...e })) };
  }
  const mode = params.string("parse_mode") ?? "";
  if (mode === "") return { text: raw, entities: [] };
  if (mode.toLowerCase() === "html") {
    try {
      return parseTelegramHtml(raw);
    } catch (error) {
      if (error instanceof TelegramHtmlError)
        throw badRequest(`can't parse entities: ${error.message}`);
      throw error;
    }
  }
  if (/^markdown(v2)?$/i.test(mode)) {
    throw badRequest(`the fake Bot API does not implement parse_mode ${mode}`);
  }
  throw badRequest("unsupported parse_mode");
}

function isEntityShape(entity: unknown): entity is MessageEntity {
  if (!entity || typeof entity !== "object") return false;
  const e = entity as Record<string, unknown>;
  return (
    typeof e.type === "string" &&
    Number.isInteger(e.offset) &&
    Number.isInteger(e.length) &&
    (e.offset as number) >= 0 &&
    (e.length as number) >= 0
  );
}

const isBlank = (c: string) => c === " " || c === "\n" || c === "\t";

/**
 * Telegram's clean-up of a formatted text: drops "\r" and a few invisible
 * characters, turns other control characters into spaces, removes entities
 * that cover only whitespace, trims whitespace at the end and spaces/newlines
 * at the start (before the first entity), and keeps entities aligned.
 */
export function cleanText(input: FormattedText): FormattedText {
  const units = input.text;
  const map: number[] = new Array(units.length + 1);
  let out = "";
  for (let i = 0; i < units.length; i++) {
    map[i] = out.length;
    const code = units.charCodeAt(i);
    if (code === 0x0d || (code >= 0x2028 && code <= 0x202e) || code === 0x0333 || code === 0x033f) {
      continue;
    }
    if (code === 0x030a) continue;
    out += code < 0x20 && code !== 0x0a && code !== 0x09 ? " " : units[i];
  }
  map[units.length] = out.length;

  let entities = input.entities
    .map((e) => {
      const start = map[Math.min(e.offset, units.length)] as number;
      const end = map[Math.min(e.offset + e.length, units.length)] as number;
      return { ...e, offset: start, length: end - start };
    })
    .filter(
      (e) => e.length > 0 && [...out.slice(e.offset, e.offset + e.length)].some((c) => !isBlank(c)),
    );

  let last = out.length - 1;
  while (last >= 0 && isBlank(out[last] as string)) last--;
  if (last < 0) return { text: "", entities: [] };
  const end = last + 1;
  out = out.slice(0, end);
  entities = entities
    .filter((e) => e.offset < end)
    .map((e) => (e.offset + e.length > end ? { ...e, length: end - e.offset } : e));

  const firstEntity = entities.reduce((min, e) => Math.min(min, e.offset), out.length);
  let start = 0;
  while (start < firstEntity && (out[start] === " " || out[start] === "\n")) start++;
  if (start > 0) {
    out = out.slice(start);
    entities = entities.map((e) => ({ ...e, offset: e.offset - start }));
  }
  return { text: out, entities };
}

const BUTTON_ACTIONS = [
  "callback_data",
  "url",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

/** Validates a reply_markup the way Telegram does, throwing its 400 for a bad keyboard. */
export function validateReplyMarkup(markup: unknown): void {
  if (!markup || typeof markup !== "object" || Array.isArray(markup)) {
    throw badRequest("object expected as reply markup");
  }
  const m = markup as Record<string, unknown>;
  if ("inline_keyboard" in m) {
    const rows = m.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw badRequest(
        'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
      );
    }
    for (const button of rows.flat()) validateInlineButton(button);
    return;
  }
  if ("keyboard" in m) {
    const rows = m.keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    }
    return;
  }
  if (m.remove_keyboard === true || m.force_reply === true) return;
  throw badRequest('can\'t find field "inline_keyboard"');
}

function validateInlineButton(button: unknown): void {
  if (!button || typeof button !== "object" || Array.isArray(button)) {
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  }
  const b = button as Record<string, unknown>;
  if (typeof b.text !== "string") {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  const actions = BUTTON_ACTIONS.filter((a) => b[a] !== undefined);
  if (actions.length === 0) {
    throw badRequest(
      "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
  }
  if (actions.length > 1) {
    throw badRequest(`the fake Bot API expects one action per button, got ${actions.join(", ")}`);
  }
  if (b.callback_data !== undefined) {
    const data = b.callback_data;
    const bytes = typeof data === "string" ? Buffer.byteLength(data, "utf8") : 0;
    if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
  }
  if (b.url !== undefined && !(typeof b.url === "string" && /^(https?|tg):\/\/\S+$/i.test(b.url))) {
    throw badRequest("BUTTON_URL_INVALID");
  }
}

/** True when two values serialise to the same JSON (keyboards, entity lists). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
