import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Chat, Message, Update, User, UserFromGetMe } from "grammy/types";
import { type AdminRights, botUser, inlineQueryUpdate, type MemberStatus } from "../updates.ts";
import { waitFor } from "../wait-for.ts";
import {
  channelPost,
  forwardFromChannel,
  type MigrationResult,
  migrateChat,
  myChatMember,
  pressButton,
  pushUpdate,
  type SendTextOptions,
  sendText,
} from "./actors.ts";
import { ApiError } from "./errors.ts";
import { type Fault, type FaultHandle, type FaultOptions, FaultRules } from "./faults.ts";
import { botMethods } from "./methods-bot.ts";
import { chatMethods } from "./methods-chats.ts";
import { type InlineAnswer, inlineMethods } from "./methods-inline.ts";
import { messageMethods } from "./methods-messages.ts";
import { Params, readParams } from "./params.ts";
import {
  type EarlyRetry,
  isSendingMethod,
  RateLimiter,
  type RateLimits,
  type RateViolation,
} from "./rate-limit.ts";
import { type AddChatOptions, type ChatRecord, type SentMessage, World } from "./state.ts";
import type {
  ApiCall,
  CallbackAnswer,
  CallContext,
  ChatAction,
  CommandSet,
  Handler,
  WebhookState,
} from "./types.ts";
import { UpdateQueue } from "./update-queue.ts";

const HANDLERS = new Map<string, [string, Handler]>(
  Object.entries({ ...botMethods, ...chatMethods, ...messageMethods, ...inlineMethods }).map(
    ([name, handler]) => [name.toLowerCase(), [name, handler]],
  ),
);

export interface FakeTelegramOptions {
  /** The token tests give their Bot; any token is accepted and recorded. */
  token?: string;
  /** Overrides of the bot's getMe answer. */
  bot?: Partial<UserFromGetMe>;
  /** Flood limits to enforce from the start (off by default). */
  limits?: RateLimits;
  /** Whether group messages that aren't commands, mentions or replies to the bot are withheld (default true). */
  privacyMode?: boolean;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Only look at entries from this index on (of `sent(chatId)` or `calls`). */
  sinceIndex?: number;
}

/**
 * An in-memory Telegram Bot API server on 127.0.0.1 for tests: real HTTP, so
 * a grammY Bot (or the bot's own process) talks to it through `apiRoot`
 * exactly as to Telegram, while the test plays users, injects faults and
 * flood limits, and inspects every call and message.
 */
export class FakeTelegram {
  readonly token: string;
  readonly bot: UserFromGetMe;
  readonly world: World;
  readonly queue = new UpdateQueue();
  readonly limiter = new RateLimiter();
  readonly faultRules = new FaultRules();
  readonly privacyMode: boolean;
  /** Every request, in arrival order. */
  readonly calls: ApiCall[] = [];
  /** Every token seen in a request URL. */
  readonly tokens = new Set<string>();
  readonly callbackAnswers: CallbackAnswer[] = [];
  readonly chatActions: ChatAction[] = [];
  readonly commandSets = new Map<string, CommandSet>();
  readonly descriptions = new Map<string, { description?: string; short_description?: string }>();
  readonly openCallbackQueries = new Set<string>();
  /** Inline queries sent to the bot and not yet answered. */
  readonly openInlineQueries = new Set<string>();
  /** The bot's answers to inline queries, in order. */
  readonly inlineAnswers: InlineAnswer[] = [];
  /** Updates the bot would not receive (privacy mode, or the bot isn't in the chat). */
  readonly withheld: Update[] = [];
  /** Exceptions thrown inside the fake itself (answered with 500); should stay empty. */
  readonly internalErrors: unknown[] = [];
  webhook: WebhookState | undefined;
  apiRoot = "";

  private readonly server: Server;
  private readonly closing = new AbortController();
  private readonly sentLog: SentMessage[] = [];
  private poll: AbortController | undefined;

  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? "123456:TEST-token";
    this.bot = botUser({
      can_read_all_group_messages: options.privacyMode === false,
      ...options.bot,
    });
    this.privacyMode = options.privacyMode ?? true;
    this.world = new World(this.bot);
    if (options.limits) this.limiter.setLimits(options.limits);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.internalErrors.push(error));
    });
  }

  /** Starts listening on a random port of 127.0.0.1 and sets `apiRoot`. */
  async listen(): Promise<this> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    const { port } = this.server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${port}`;
    return this;
  }

  /** Ends pending long polls (they answer with no updates), drops every connection, stops listening. */
  async close(): Promise<void> {
    this.closing.abort();
    await new Promise((resolve) => setImmediate(resolve));
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  // --- inspection ---------------------------------------------------------

  /** Messages the bot sent successfully (in chat `chatId`, or everywhere), in order, as they are now. */
  sent(chatId?: number): SentMessage[] {
    return chatId === undefined
      ? [...this.sentLog]
      : this.sentLog.filter((m) => m.chat_id === chatId);
  }

  /** Calls of `method` (case-insensitive), in order. */
  callsOf(method: string): ApiCall[] {
    const name = method.toLowerCase();
    return this.calls.filter((c) => c.method.toLowerCase() === name);
  }

  /** The command lists set with setMyCommands, one per (scope, language_code). */
  get commands(): CommandSet[] {
    return [...this.commandSets.values()];
  }

  /** Sends refused with 429 because a limit of `setLimits` was full. */
  get violations(): readonly RateViolation[] {
    return this.limiter.violations;
  }

  /** Calls that came before the retry_after given for their scope had passed. */
  get earlyRetries(): readonly EarlyRetry[] {
    return this.limiter.earlyRetries;
  }

  /** Updates queued and not yet confirmed by a getUpdates offset. */
  get pendingUpdates(): readonly Update[] {
    return this.queue.pending;
  }

  // --- world --------------------------------------------------------------

  /** Adds a user Telegram knows (a fresh id unless given). */
  addUser(fields: Partial<User> = {}): User {
    return this.world.addUser(fields);
  }

  /** Adds a chat: a private chat with a user, or a group/supergroup/channel the bot is in. */
  addChat(options: AddChatOptions): Chat {
    return this.world.addChat(options).chat;
  }

  /** Sets a user's (or, with id 1000, the bot's) status in a chat. */
  setMember(chatId: number, userId: number, status: MemberStatus, rights?: AdminRights): void {
    this.world.setMember(chatId, userId, status, rights);
  }

  /** Opens a topic in a forum supergroup; returns its message_thread_id. */
  addTopic(chatId: number, name: string): number {
    return this.world.addTopic(chatId, name);
  }

  /** Makes the chat vanish: every later call naming it gets "chat not found". */
  removeChat(chatId: number): void {
    this.world.record(chatId).removed = true;
  }

  /** Marks a user's account deleted: sends to their private chat get "user is deactivated". */
  deactivateUser(userId: number): void {
    this.world.deactivated.add(userId);
  }

  /** Upgrades group `oldId` to a supergroup; see MigrationResult. */
  migrateChat(
    oldId: number,
    newId?: number,
    options: { enqueue?: boolean; by?: User | number } = {},
  ): MigrationResult {
    return migrateChat(this, oldId, newId, options);
  }

  // --- faults and limits --------------------------------------------------

  /** Answers calls naming `chatId` with `fault` (any method naming the chat unless `methods`). */
  failChat(chatId: number, fault: Fault, options: FaultOptions = {}): FaultHandle {
    return this.faultRules.add(chatId, fault, options);
  }

  /** Answers every call with `fault` (all methods but getUpdates unless `methods`). */
  failAll(fault: Fault, options: FaultOptions = {}): FaultHandle {
    return this.faultRules.add(undefined, fault, options);
  }

  clearFaults(): void {
    this.faultRules.clear();
  }

  /** Turns flood-limit enforcement on (or off, with `{}`). */
  setLimits(limits: RateLimits): void {
    this.limiter.setLimits(limits);
  }

  /** Counts a send against the flood limits, or throws the 429 Telegram would give. */
  admitSend(call: ApiCall, record: ChatRecord): void {
    const type = record.chat.type;
    const isGroup = type === "group" || type === "supergroup";
    const refused = this.limiter.admit(call.method, record.chat.id, isGroup, call.at);
    if (refused) {
      throw new ApiError(429, `Too Many Requests: retry after ${refused.retryAfter}`, {
        retry_after: refused.retryAfter,
      });
    }
  }

  recordSent(message: SentMessage): void {
    this.sentLog.push(message);
  }

  // --- acting as users ----------------------------------------------------

  /** A user writes `text` in a chat; bot commands get their bot_command entities. */
  sendText(
    chat: Chat | number,
    from: User | number,
    text: string,
    options: SendTextOptions = {},
  ): Update {
    return sendText(this, chat, from, text, options);
  }

  /** A user presses the inline button with callback_data `data` under a message the bot sent. */
  pressButton(message: SentMessage | Message, from: User | number, data: string): Update {
    return pressButton(this, message, from, data);
  }

  /** A user types `@bot query` in any chat: an inline_query update. */
  inlineQuery(from: User | number, query: string): Update {
    const update = this.queue.push(inlineQueryUpdate(this.world.userOf(from), query));
    if (update.inline_query) this.openInlineQueries.add(update.inline_query.id);
    return update;
  }

  /** The bot's answer to the inline query of `update`. */
  waitForInlineAnswer(update: Update, options: WaitOptions = {}): Promise<InlineAnswer> {
    const id = update.inline_query?.id;
    return waitFor(() => this.inlineAnswers.find((a) => a.inline_query_id === id), {
      timeoutMs: options.timeoutMs,
      message: `an answer to inline query ${id}`,
    });
  }

  /** The bot's status in a chat changes (added, promoted, removed, blocked) by `from`. */
  myChatMember(
    chat: Chat | number,
    from: User | number,
    oldStatus: MemberStatus,
    newStatus: MemberStatus,
  ): Update {
    return myChatMember(this, chat, from, oldStatus, newStatus);
  }

  /** A post appears in a channel. */
  channelPost(chat: Chat | number, text: string): Update {
    return channelPost(this, chat, text);
  }

  /** A user forwards a channel post into their private chat with the bot. */
  forwardFromChannel(
    privateChat: Chat | number,
    from: User | number,
    channelChat: Chat | number,
    text: string,
  ): Update {
    return forwardFromChannel(this, privateChat, from, channelChat, text);
  }

  /** Queues any update (its update_id is replaced by the next one in sequence). */
  pushUpdate(update: Update | Omit<Update, "update_id">): Update {
    return pushUpdate(this, update);
  }

  // --- waiting ------------------------------------------------------------

  /** The first message the bot sent to `chatId` (from `sinceIndex` on) that matches `predicate`. */
  waitForMessage(
    chatId: number,
    predicate: (message: SentMessage) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<SentMessage> {
    return waitFor(
      () =>
        this.sent(chatId)
          .slice(options.sinceIndex ?? 0)
          .find(predicate),
      {
        timeoutMs: options.timeoutMs,
        message: `a message from the bot in chat ${chatId}`,
      },
    );
  }

  /** The first answered call of `method` (from `sinceIndex` of `calls` on) that matches `predicate`. */
  waitForCall(
    method: string,
    predicate: (call: ApiCall) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<ApiCall> {
    const name = method.toLowerCase();
    return waitFor(
      () =>
        this.calls
          .slice(options.sinceIndex ?? 0)
          .find((c) => c.response && c.method.toLowerCase() === name && predicate(c)),
      { timeoutMs: options.timeoutMs, message: `a call of ${method}` },
    );
  }

  // --- long polling -------------------------------------------------------

  /** Registers a getUpdates call; one still waiting is terminated, as Telegram does. */
  startPoll(): AbortController {
    this.poll?.abort();
    this.poll = new AbortController();
    return this.poll;
  }

  endPoll(poll: AbortController): void {
    if (this.poll === poll) this.poll = undefined;
  }

  // --- HTTP ---------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const target = req.url ?? "/";
    const queryAt = target.indexOf("?");
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const route = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(path);
    if (!route) {
      req.resume();
      this.reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      return;
    }
    const token = decodeURIComponent(route[1] as string);
    const rawMethod = route[2] as string;
    const [method, handler] = HANDLERS.get(rawMethod.toLowerCase()) ?? [rawMethod, undefined];
    const call: ApiCall = { method, params: {}, token, at };
    this.tokens.add(token);
    this.calls.push(call);

    const aborted = new AbortController();
    // only a client that went away aborts (an abort builds a DOMException, costly per request)
    res.on("close", () => {
      if (!res.writableFinished) aborted.abort();
    });
    // built only for the calls that wait (long polls, slow faults): most never need it
    const closing = this.closing.signal;
    let signal: AbortSignal | undefined;
    const context = {
      call,
      get signal() {
        signal ??= AbortSignal.any([aborted.signal, closing]);
        return signal;
      },
    };
    try {
      call.params = await readParams(req, queryAt < 0 ? "" : target.slice(queryAt + 1));
      const chatId = this.world.peekChatId(call.params.chat_id);
      if (chatId !== undefined) call.chatId = chatId;
      if (!handler) throw new ApiError(404, "Not Found: method not found");
      this.limiter.noteCall(method, chatId, at);
      await this.applyFaults(call, context);
      const result = await handler(this, new Params(call.params), context);
      call.response = { ok: true };
      this.reply(res, 200, { ok: true, result });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : this.internal(error);
      call.response = {
        ok: false,
        error_code: apiError.errorCode,
        description: apiError.description,
      };
      if (apiError.parameters?.retry_after !== undefined) {
        call.response.retry_after = apiError.parameters.retry_after;
      }
      if (aborted.signal.aborted) call.response.clientClosed = true;
      this.reply(res, apiError.errorCode, apiError.toJSON());
    }
  }

  private async applyFaults(call: ApiCall, context: CallContext): Promise<void> {
    for (const match of this.faultRules.take(call.method, call.chatId)) {
      const fault = match.fault;
      if (fault.kind === "slow") {
        await sleep(fault.ms, undefined, { signal: context.signal }).catch(() => undefined);
        continue;
      }
      const retryAfter = fault.parameters?.retry_after;
      if (retryAfter !== undefined) {
        const methods = match.methods;
        const applies = methods
          ? (m: string) => methods.has(m.toLowerCase())
          : (m: string) => isSendingMethod(m) || m === call.method;
        this.limiter.block(match.chatId, applies, retryAfter, call.at);
      }
      throw new ApiError(fault.errorCode, fault.description, fault.parameters);
    }
  }

  private internal(error: unknown): ApiError {
    this.internalErrors.push(error);
    const text = error instanceof Error ? error.message : String(error);
    return new ApiError(500, `Internal Server Error: ${text}`);
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(json),
    });
    res.end(json);
  }
}

/** Starts a fake Bot API server on 127.0.0.1 at a random port; `await fake.close()` when done. */
export async function createFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  return new FakeTelegram(options).listen();
}
