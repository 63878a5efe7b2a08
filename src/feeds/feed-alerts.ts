import type { Logger } from "../logger.ts";
import type { FeedStateStore } from "./feed-state.ts";
import type { Source } from "./sources.ts";

/** Consecutive failed fetches after which editors hear about a source. */
const FAILURES_BEFORE_ALERT = 3;

/** Sends one plain-text message to every editor; must not throw (it is still guarded). */
export type NotifyEditors = (text: string) => Promise<void>;

export interface FeedAlerts {
  /**
   * A fetch of `source` failed; `failures` counts the consecutive failures
   * including this one. Tells editors once when the count reaches the
   * threshold, and not again until the source has recovered.
   */
  failed(source: Source, failures: number, reason: string): Promise<void>;
  /** A fetch of `source` succeeded: tells editors once if they were told it was failing. */
  recovered(source: Source): Promise<void>;
}

export interface FeedAlertsOptions {
  /** where the "editors were told" mark lives */
  states: FeedStateStore;
  notifyEditors?: NotifyEditors;
  logger: Logger;
  /** default FAILURES_BEFORE_ALERT */
  threshold?: number;
  /** default Date.now */
  clock?: () => number;
}

/**
 * Reports a failing source to editors once and its recovery once. The
 * mark that editors were told lives in the source's feed state, set and
 * cleared there atomically, so when several instances poll, exactly one of
 * them sends each message.
 */
export function createFeedAlerts(options: FeedAlertsOptions): FeedAlerts {
  const { states, logger } = options;
  const threshold = options.threshold ?? FAILURES_BEFORE_ALERT;
  const clock = options.clock ?? Date.now;

  async function send(source: Source, text: string): Promise<void> {
    if (!options.notifyEditors) return;
    try {
      await options.notifyEditors(text);
    } catch (err) {
      logger.error({ err, source: source.id }, "could not tell editors about a feed");
    }
  }

  return {
    async failed(source, failures, reason) {
      if (failures < threshold) return;
      if (!(await states.markAlerted(source.id, clock()))) return;
      logger.warn({ source: source.id, failures, reason }, "feed failing; editors told");
      await send(source, failingText(source, failures, reason));
    },

    async recovered(source) {
      if (!(await states.clearAlerted(source.id))) return;
      logger.info({ source: source.id }, "feed recovered; editors told");
      await send(source, `Feed recovered: ${label(source)} answers again.`);
    },
  };
}

function failingText(source: Source, failures: number, reason: string): string {
  return [
    `Feed problem: ${label(source)} failed ${failures} times in a row.`,
    `Last error: ${reason}`,
    `Feed URL: ${source.url}`,
    "The bot keeps retrying with growing pauses and will say when it recovers.",
  ].join("\n");
}

function label(source: Source): string {
  return `${source.name} (${source.id})`;
}

/**
 * A NotifyEditors that sends `text` to each editor's private chat through
 * `send` (the bot's sendMessage), one after another. A failed send is
 * logged and the others still go out; nothing is thrown.
 */
export function notifyEach(
  editorIds: readonly number[],
  send: (chatId: number, text: string) => Promise<unknown>,
  logger: Logger,
): NotifyEditors {
  return async (text) => {
    for (const id of editorIds) {
      try {
        await send(id, text);
      } catch (err) {
        logger.error({ err, editor: id }, "could not send a feed report to an editor");
      }
    }
  };
}
