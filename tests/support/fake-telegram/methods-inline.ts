import { badRequest } from "./errors.ts";
import type { Handler } from "./types.ts";

const MAX_RESULTS = 50;
const MAX_ID_BYTES = 64;
const MAX_MESSAGE_CHARS = 4096;
const START_PARAMETER = /^[A-Za-z0-9_-]{1,64}$/;

/** An answer the bot gave to an inline query, as the fake recorded it. */
export interface InlineAnswer {
  inline_query_id: string;
  results: Record<string, unknown>[];
  cache_time?: number;
  is_personal: boolean;
  next_offset?: string;
  button?: { text: string; start_parameter?: string; web_app?: unknown };
  at: number;
}

function checkResult(result: Record<string, unknown>, ids: Set<string>): void {
  const id = result.id;
  if (typeof id !== "string" || id === "") throw badRequest("RESULT_ID_EMPTY");
  if (Buffer.byteLength(id, "utf8") > MAX_ID_BYTES) throw badRequest("RESULT_ID_INVALID");
  if (ids.has(id)) throw badRequest("RESULT_ID_DUPLICATE");
  ids.add(id);
  if (result.type !== "article") return;
  if (typeof result.title !== "string" || result.title === "") {
    throw badRequest("RESULT_TITLE_EMPTY");
  }
  const content = result.input_message_content as Record<string, unknown> | undefined;
  const text = content?.message_text;
  if (typeof text !== "string" || text.trim() === "") throw badRequest("MESSAGE_EMPTY");
  // the limit counts characters after entity parsing; tags are not characters
  const visible = content?.parse_mode === "HTML" ? text.replace(/<[^>]*>/g, "") : text;
  if (visible.length > MAX_MESSAGE_CHARS) throw badRequest("MESSAGE_TOO_LONG");
}

/**
 * answerInlineQuery, checked as Telegram checks it: an open query id, at most
 * 50 results with unique ids of at most 64 bytes, article texts of 1–4096
 * characters, and a button with a text and a valid start_parameter.
 */
const answerInlineQuery: Handler = (fake, p, ctx) => {
  const id = p.string("inline_query_id") ?? "";
  if (!fake.openInlineQueries.delete(id)) {
    throw badRequest("query is too old and response timeout expired or query ID is invalid");
  }
  const results = p.json<Record<string, unknown>[]>("results");
  if (!Array.isArray(results)) throw badRequest('parameter "results" is required');
  if (results.length > MAX_RESULTS) throw badRequest("RESULTS_TOO_MUCH");
  const ids = new Set<string>();
  for (const result of results) checkResult(result, ids);
  const answer: InlineAnswer = {
    inline_query_id: id,
    results,
    is_personal: p.bool("is_personal"),
    at: ctx.call.at,
  };
  const cacheTime = p.int("cache_time");
  if (cacheTime !== undefined) answer.cache_time = cacheTime;
  const offset = p.string("next_offset");
  if (offset !== undefined) answer.next_offset = offset;
  const button = p.json<InlineAnswer["button"]>("button");
  if (button !== undefined) {
    if (typeof button.text !== "string" || button.text === "")
      throw badRequest("BUTTON_TEXT_INVALID");
    const start = button.start_parameter;
    if (button.web_app === undefined && (start === undefined || !START_PARAMETER.test(start))) {
      throw badRequest("START_PARAM_INVALID");
    }
    answer.button = button;
  }
  fake.inlineAnswers.push(answer);
  return true;
};

export const inlineMethods: Record<string, Handler> = { answerInlineQuery };
