import type { BotCommand, BotCommandScope } from "grammy/types";
import type { FakeTelegram } from "./fake.ts";
import type { Params } from "./params.ts";

/** One request the bot made, in arrival order. */
export interface ApiCall {
  /** The method name as Telegram spells it (sendMessage), whatever case the URL used. */
  method: string;
  /** Decoded parameters (JSON-encoded form fields already parsed). */
  params: Record<string, unknown>;
  token: string;
  /** performance.now() on arrival. */
  at: number;
  /** The chat `chat_id` names, when it names one by id or known @username. */
  chatId?: number;
  /** Set once the fake has answered. */
  response?: {
    ok: boolean;
    error_code?: number;
    description?: string;
    retry_after?: number;
    /** The client had gone (aborted the request) before the answer was ready. */
    clientClosed?: boolean;
  };
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert: boolean;
  url?: string;
  cache_time?: number;
  at: number;
}

export interface CommandSet {
  scope: BotCommandScope;
  language_code: string;
  commands: BotCommand[];
}

export interface ChatAction {
  chat_id: number;
  action: string;
  message_thread_id?: number;
  at: number;
}

export interface WebhookState {
  url: string;
  secret_token?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

export interface CallContext {
  call: ApiCall;
  /** Aborts when the client goes away or the fake closes. */
  signal: AbortSignal;
}

export type Handler = (fake: FakeTelegram, params: Params, ctx: CallContext) => unknown;
