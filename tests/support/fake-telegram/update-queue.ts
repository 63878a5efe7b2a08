import type { Update } from "grammy/types";

const DEFAULT_EXCLUDED = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/** The kind of an update: its one field besides update_id ("message", "callback_query", ...). */
export function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

interface Waiter {
  wake: () => void;
}

/**
 * Telegram's per-bot update queue: increasing update_ids, kept until a
 * getUpdates offset confirms them, filtered by the stored allowed_updates, and
 * long polls that wake when an update arrives.
 */
export class UpdateQueue {
  private queue: Update[] = [];
  private nextUpdateId: number;
  private allowed: Set<string> | undefined;
  private waiters = new Set<Waiter>();
  readonly dropped: Update[] = [];

  constructor(firstUpdateId = 500_000_001) {
    this.nextUpdateId = firstUpdateId;
  }

  get pending(): readonly Update[] {
    return this.queue;
  }

  get allowedUpdates(): string[] {
    return this.allowed ? [...this.allowed] : [];
  }

  /** Stores allowed_updates; an empty list means Telegram's default (all but chat_member and reactions). */
  setAllowed(types: string[] | undefined): void {
    if (types === undefined) return;
    this.allowed = types.length > 0 ? new Set(types) : undefined;
  }

  isAllowed(type: string): boolean {
    return this.allowed ? this.allowed.has(type) : !DEFAULT_EXCLUDED.has(type);
  }

  /** Gives `update` the next update_id and queues it, unless allowed_updates excludes its type. */
  push(update: Update): Update {
    const numbered = { ...update, update_id: this.nextUpdateId++ } as Update;
    if (!this.isAllowed(updateType(numbered))) {
      this.dropped.push(numbered);
      return numbered;
    }
    this.queue.push(numbered);
    for (const waiter of this.waiters) waiter.wake();
    return numbered;
  }

  /** Applies a getUpdates offset: drops every update below it (negative: keeps only the last -offset). */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) this.queue = this.queue.slice(offset);
    else this.queue = this.queue.filter((u) => u.update_id >= offset);
  }

  take(limit: number): Update[] {
    return this.queue.slice(0, limit);
  }

  clear(): void {
    this.queue = [];
  }

  /** Resolves when an update is queued, `timeoutMs` passes, or `signal` aborts — whichever comes first. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.queue.length > 0 || signal.aborted) {
        resolve();
        return;
      }
      const waiter: Waiter = {
        wake: () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", waiter.wake);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, timeoutMs);
      signal.addEventListener("abort", waiter.wake);
      this.waiters.add(waiter);
    });
  }
}
