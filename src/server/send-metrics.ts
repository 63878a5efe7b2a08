import type { Api } from "grammy";
import { GrammyError } from "grammy";
import { classifyTelegramError } from "../delivery/telegram-errors.ts";
import type { Metrics, SendResult } from "./metrics.ts";

/**
 * Counts every sendMessage of `api` (the delivery worker's) in
 * frontline_sends_total, sorted by the same classification the worker acts on
 * (telegram-errors.ts): ok, retry_after (429), blocked (403, chat not found),
 * migrated, other. A transformer, so the worker's code is unchanged.
 */
export function countSends(api: Api, metrics: Pick<Metrics, "send">): void {
  api.config.use(async (prev, method, payload, signal) => {
    if (method !== "sendMessage") return prev(method, payload, signal);
    try {
      const answer = await prev(method, payload, signal);
      metrics.send(answer.ok ? "ok" : resultOf(new GrammyError("", answer, method, payload)));
      return answer;
    } catch (err) {
      metrics.send(resultOf(err));
      throw err;
    }
  });
}

function resultOf(err: unknown): SendResult {
  switch (classifyTelegramError(err).kind) {
    case "rate-limited":
      return "retry_after";
    case "blocked":
    case "chat-gone":
      return "blocked";
    case "migrated":
      return "migrated";
    default:
      return "other";
  }
}
