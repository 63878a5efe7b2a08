import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "grammy/types";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import type { Keys } from "../redis/keys.ts";

/** Telegram redelivers for about a day at most; an update_id is remembered that long. */
const SEEN_TTL_SEC = 24 * 3600;
/** Telegram's updates are small; anything larger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;
const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export interface WebhookOptions {
  secret: string;
  redis: Redis;
  keys: Keys;
  logger: Logger;
  /** handles one update (bot.handleUpdate) */
  handle(update: Update): Promise<unknown>;
}

export interface Webhook {
  /** Serves one request to the webhook path. */
  serve(req: IncomingMessage, res: ServerResponse): void;
  /** Waits (at most `timeoutMs`) for updates still being handled; new ones are refused. */
  drain(timeoutMs: number): Promise<void>;
}

/**
 * Telegram's webhook endpoint. A request without the right
 * X-Telegram-Bot-Api-Secret-Token gets 401 and is not handled. An update_id
 * seen before (SET NX with a TTL, shared by every process) gets 200 and is not
 * handled twice. Otherwise Telegram gets 200 at once and the update is handled
 * after: a slow handler never makes Telegram time out and redeliver. Written
 * by hand rather than with grammY's webhookCallback because that answers only
 * after the handler (or, with onTimeout "return", leaves it running untracked),
 * and shutdown must wait for handlers.
 */
export function createWebhook(options: WebhookOptions): Webhook {
  const { redis, keys, logger } = options;
  const expected = Buffer.from(options.secret);
  const running = new Set<Promise<unknown>>();
  let draining = false;

  function secretMatches(req: IncomingMessage): boolean {
    const given = Buffer.from(String(req.headers[SECRET_HEADER] ?? ""));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  function answer(res: ServerResponse, status: number, body = ""): void {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
  }

  async function readBody(req: IncomingMessage): Promise<string | undefined> {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return undefined;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") return answer(res, 405, "POST only\n");
    if (!secretMatches(req)) {
      req.resume();
      return answer(res, 401, "wrong secret token\n");
    }
    if (draining) return answer(res, 503, "shutting down\n");
    const body = await readBody(req);
    let update: Update | undefined;
    try {
      update = body === undefined ? undefined : (JSON.parse(body) as Update);
    } catch {
      update = undefined;
    }
    if (!update || !Number.isSafeInteger(update.update_id)) {
      return answer(res, 400, "not a Telegram update\n");
    }
    const first = await redis.set(
      keys.webhookUpdate(update.update_id),
      "1",
      "EX",
      SEEN_TTL_SEC,
      "NX",
    );
    answer(res, 200);
    if (first !== "OK") {
      logger.debug({ updateId: update.update_id }, "update delivered again; not handled twice");
      return;
    }
    const handling = options
      .handle(update)
      .catch((err: unknown) => logger.error({ err, updateId: update.update_id }, "update failed"))
      .finally(() => running.delete(handling));
    running.add(handling);
  }

  return {
    serve(req, res) {
      serve(req, res).catch((err: unknown) => {
        logger.error({ err }, "webhook request failed");
        if (!res.headersSent) answer(res, 500);
      });
    },
    async drain(timeoutMs) {
      draining = true;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((done) => {
        timer = setTimeout(done, timeoutMs);
      });
      await Promise.race([Promise.all(running), late]);
      clearTimeout(timer);
      if (running.size > 0)
        logger.warn({ updates: running.size }, "updates still running at shutdown");
    },
  };
}
