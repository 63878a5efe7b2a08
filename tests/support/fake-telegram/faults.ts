import type { ResponseParameters } from "grammy/types";
import { ApiError, badRequest, forbidden, migrated, tooManyRequests } from "./errors.ts";

/** What an injected fault does to a matching call: answer with an error, or answer normally after a delay. */
export type Fault =
  | { kind: "error"; errorCode: number; description: string; parameters?: ResponseParameters }
  | { kind: "slow"; ms: number };

function fromError(error: ApiError): Fault {
  const fault: Fault = {
    kind: "error",
    errorCode: error.errorCode,
    description: error.description,
  };
  if (error.parameters) fault.parameters = error.parameters;
  return fault;
}

const SERVER_ERRORS: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Builders of the faults Telegram really produces, with its exact descriptions. */
export const faults = {
  /** 403: the user blocked the bot. */
  blocked: (): Fault => fromError(forbidden("bot was blocked by the user")),
  /** 403: the bot was removed from the group. */
  kicked: (): Fault => fromError(forbidden("bot was kicked from the group chat")),
  /** 403: the user deleted their account. */
  deactivated: (): Fault => fromError(forbidden("user is deactivated")),
  /** 400: the chat does not exist (any more). */
  chatNotFound: (): Fault => fromError(badRequest("chat not found")),
  /** 429 with `parameters.retry_after` = `retryAfterSec`. */
  tooManyRequests: (retryAfterSec: number): Fault => fromError(tooManyRequests(retryAfterSec)),
  /** A 5xx answer ("Internal Server Error" for 500). */
  serverError: (code = 500): Fault =>
    fromError(new ApiError(code, SERVER_ERRORS[code] ?? "Internal Server Error")),
  /** Answers normally, but only after `ms` milliseconds. */
  slow: (ms: number): Fault => ({ kind: "slow", ms }),
  /** 400 with `migrate_to_chat_id`, as for a group that became a supergroup. */
  migrated: (newChatId: number): Fault => fromError(migrated(newChatId)),
  /** 401, as for a revoked token. */
  unauthorized: (): Fault => fromError(new ApiError(401, "Unauthorized")),
  /** Any other refusal: `description` verbatim with `code` (400 by default). */
  refuse: (description: string, code = 400): Fault => fromError(new ApiError(code, description)),
};

export interface FaultOptions {
  /** How many matching calls the fault affects; every one when omitted. */
  times?: number;
  /** Method names (case-insensitive) the fault applies to; see failChat/failAll for the default. */
  methods?: string[];
}

/** A registered fault: how often it fired so far, and a way to lift it. */
export interface FaultHandle {
  readonly hits: number;
  readonly remaining: number;
  remove(): void;
}

interface FaultRule {
  chatId: number | undefined;
  fault: Fault;
  methods: Set<string> | undefined;
  remaining: number;
  hits: number;
}

export interface FaultMatch {
  fault: Fault;
  chatId: number | undefined;
  methods: Set<string> | undefined;
}

/** The set of injected faults, matched in the order they were added. */
export class FaultRules {
  private rules: FaultRule[] = [];

  add(chatId: number | undefined, fault: Fault, options: FaultOptions): FaultHandle {
    const rule: FaultRule = {
      chatId,
      fault,
      methods: options.methods ? new Set(options.methods.map((m) => m.toLowerCase())) : undefined,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
    };
    this.rules.push(rule);
    return {
      get hits() {
        return rule.hits;
      },
      get remaining() {
        return rule.remaining;
      },
      remove: () => {
        this.rules = this.rules.filter((r) => r !== rule);
      },
    };
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * The faults that apply to a call of `method` on `chatId`, consuming one use
   * of each: every matching delay, then at most one error.
   */
  take(method: string, chatId: number | undefined): FaultMatch[] {
    const name = method.toLowerCase();
    const taken: FaultMatch[] = [];
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.chatId !== undefined && rule.chatId !== chatId) continue;
      const methods = rule.methods;
      if (methods ? !methods.has(name) : rule.chatId === undefined && name === "getupdates")
        continue;
      rule.remaining -= 1;
      rule.hits += 1;
      taken.push({ fault: rule.fault, chatId: rule.chatId, methods });
      if (rule.fault.kind === "error") break;
    }
    return taken;
  }
}
