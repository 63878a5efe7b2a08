import type { IncomingMessage } from "node:http";
import { badRequest } from "./errors.ts";

export type RawParams = Record<string, unknown>;

const NUMERIC = new Set([
  "chat_id",
  "from_chat_id",
  "message_id",
  "message_thread_id",
  "user_id",
  "offset",
  "limit",
  "timeout",
  "cache_time",
  "max_connections",
  "reply_to_message_id",
  "until_date",
]);
const BOOLEAN = new Set([
  "disable_notification",
  "protect_content",
  "allow_paid_broadcast",
  "allow_sending_without_reply",
  "disable_web_page_preview",
  "show_alert",
  "drop_pending_updates",
  "only_if_banned",
]);
const JSON_FIELDS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "link_preview_options",
  "reply_parameters",
  "allowed_updates",
  "commands",
  "scope",
  "media",
]);

/**
 * Reads a Bot API request's parameters the way Telegram accepts them: the
 * query string plus a JSON, url-encoded or multipart body. Fields that are
 * JSON-serialised in form bodies (reply_markup, entities, ...) and numeric or
 * boolean fields are decoded, so recorded params look the same however sent.
 */
export async function readParams(req: IncomingMessage, query: string): Promise<RawParams> {
  const params: RawParams = {};
  if (query !== "") {
    for (const [key, value] of new URLSearchParams(query))
      params[key] = decodeFormValue(key, value);
  }
  const body = await readBody(req);
  if (body.length === 0) return params;
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      Object.assign(params, parsed);
    }
  } else if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers["content-type"] ?? "");
    if (boundary) {
      for (const [key, value] of readMultipart(body, boundary[1] ?? boundary[2] ?? "")) {
        params[key] = decodeFormValue(key, value);
      }
    }
  } else {
    for (const [key, value] of new URLSearchParams(body.toString("utf8"))) {
      params[key] = decodeFormValue(key, value);
    }
  }
  return params;
}

function decodeFormValue(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (NUMERIC.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN.has(key)) return value === "true" || value === "1";
  return value;
}

/** The request's body; by events, for an async iterator over the stream costs more per request. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new Error("the client went away mid-request"));
    });
  });
}

function readMultipart(body: Buffer, boundary: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  const parts = body.toString("latin1").split(`--${boundary}`);
  for (const part of parts) {
    const split = part.indexOf("\r\n\r\n");
    if (split === -1) continue;
    const headers = part.slice(0, split);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (!name) continue;
    const content = part.slice(split + 4).replace(/\r\n$/, "");
    const isFile = /filename="/i.test(headers);
    fields.push([name, isFile ? "[file]" : Buffer.from(content, "latin1").toString("utf8")]);
  }
  return fields;
}

/** Typed access to a request's parameters, with Telegram's answers for missing or malformed ones. */
export class Params {
  constructor(readonly raw: RawParams) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string"
      ? value
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  }

  int(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    const number = typeof value === "number" ? value : Number(value);
    return Number.isInteger(number) ? number : undefined;
  }

  bool(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === "true" || value === 1 || value === "1";
  }

  json<T>(name: string, error = `can't parse ${name} JSON object`): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(error);
    }
  }
}
