/** Telegram's flood limits as the fake enforces them; each is off when omitted. */
export interface RateLimits {
  /** Messages per second over all chats (Telegram: about 30). */
  perSecond?: number;
  /** Messages per second to one chat (Telegram: about 1). */
  perChatPerSecond?: number;
  /** Messages per minute to one group or supergroup (Telegram: 20). */
  perGroupPerMinute?: number;
}

export type RateScope = "global" | "chat" | "group";

/** A sending call refused with 429 because a limit was full. */
export interface RateViolation {
  method: string;
  chatId: number;
  scope: RateScope;
  at: number;
  retryAfter: number;
}

/** A call that came before the `retry_after` given earlier for its scope had passed. */
export interface EarlyRetry {
  method: string;
  chatId: number | undefined;
  /** The chat the 429 was about, or undefined for a global one. */
  blockedChatId: number | undefined;
  at: number;
  allowedAt: number;
  earlyByMs: number;
}

interface Block {
  chatId: number | undefined;
  applies: (method: string) => boolean;
  until: number;
}

const SECOND = 1000;
const MINUTE = 60_000;
// A client that waits exactly retry_after may arrive a hair early by timer rounding.
const CLOCK_SLACK_MS = 5;

/** True for the methods that send a message and so count towards the flood limits. */
export function isSendingMethod(method: string): boolean {
  const name = method.toLowerCase();
  return (
    (name.startsWith("send") && name !== "sendchataction") ||
    name === "copymessage" ||
    name === "forwardmessage"
  );
}

/**
 * Sliding-window counters of accepted sends, per Telegram's global, per-chat
 * and per-group limits, plus a record of every 429 given and of calls that
 * did not wait the `retry_after` they were told.
 */
export class RateLimiter {
  readonly violations: RateViolation[] = [];
  readonly earlyRetries: EarlyRetry[] = [];
  private limits: RateLimits = {};
  private global: number[] = [];
  private perChat = new Map<number, number[]>();
  private blocks: Block[] = [];
  private sweptAt = Number.NEGATIVE_INFINITY;

  setLimits(limits: RateLimits): void {
    this.limits = { ...limits };
  }

  /** Records a call that came before an earlier `retry_after` for its method and chat had passed. */
  noteCall(method: string, chatId: number | undefined, at: number): void {
    for (const block of this.blocks) {
      if (!block.applies(method)) continue;
      if (block.chatId !== undefined && block.chatId !== chatId) continue;
      if (at < block.until - CLOCK_SLACK_MS) {
        this.earlyRetries.push({
          method,
          chatId,
          blockedChatId: block.chatId,
          at,
          allowedAt: block.until,
          earlyByMs: block.until - at,
        });
      }
    }
    this.blocks = this.blocks.filter((b) => b.until > at);
  }

  /**
   * Remembers that `retryAfter` seconds were asked of calls on `chatId` (of
   * every chat if undefined) to the methods `applies` accepts.
   */
  block(
    chatId: number | undefined,
    applies: (method: string) => boolean,
    retryAfter: number,
    at: number,
  ): void {
    this.blocks.push({ chatId, applies, until: at + retryAfter * SECOND });
  }

  /**
   * Checks a send to `chatId` against the limits at time `at`: undefined and
   * counted when it fits, or the scope and `retry_after` seconds when it doesn't.
   */
  admit(
    method: string,
    chatId: number,
    isGroup: boolean,
    at: number,
  ): { scope: RateScope; retryAfter: number } | undefined {
    const chatTimes = this.windowOf(chatId, at);
    const checks: Array<[RateScope, number[], number | undefined, number]> = [
      ["global", this.global, this.limits.perSecond, SECOND],
      ["chat", chatTimes, this.limits.perChatPerSecond, SECOND],
      ["group", chatTimes, isGroup ? this.limits.perGroupPerMinute : undefined, MINUTE],
    ];
    for (const [scope, times, limit, window] of checks) {
      if (limit === undefined) continue;
      // times are in arrival order: those in the window are the tail
      const first = times.findIndex((t) => t > at - window);
      const inWindow = first < 0 ? 0 : times.length - first;
      if (inWindow < limit) continue;
      const frees = (times[times.length - limit] as number) + window;
      const retryAfter = Math.max(1, Math.ceil((frees - at) / SECOND));
      this.violations.push({ method, chatId, scope, at, retryAfter });
      const blockedChat = scope === "global" ? undefined : chatId;
      this.block(blockedChat, isSendingMethod, retryAfter, at);
      return { scope, retryAfter };
    }
    this.global.push(at);
    chatTimes.push(at);
    this.perChat.set(chatId, chatTimes);
    this.prune(at);
    return undefined;
  }

  /** The chat's sends in the last minute; older ones are dropped as it is read. */
  private windowOf(chatId: number, at: number): number[] {
    const times = this.perChat.get(chatId);
    if (!times) return [];
    const stale = times.findIndex((t) => t > at - MINUTE);
    if (stale === 0) return times;
    const kept = stale < 0 ? [] : times.slice(stale);
    this.perChat.set(chatId, kept);
    return kept;
  }

  /**
   * Drops the global window's old sends on every send; the chats not sent to
   * lately are swept at most once a second, since a sweep costs time in
   * proportion to every chat sent to in the last minute.
   */
  private prune(at: number): void {
    const first = this.global.findIndex((t) => t > at - SECOND);
    if (first !== 0) this.global = first < 0 ? [] : this.global.slice(first);
    if (at - this.sweptAt < SECOND) return;
    this.sweptAt = at;
    for (const [chatId, times] of this.perChat) {
      const kept = times.filter((t) => t > at - MINUTE);
      if (kept.length === 0) this.perChat.delete(chatId);
      else this.perChat.set(chatId, kept);
    }
  }
}
