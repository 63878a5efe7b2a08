import { setTimeout as sleep } from "node:timers/promises";
import type { BotCommand, BotCommandScope } from "grammy/types";
import { ApiError, badRequest } from "./errors.ts";
import type { Params } from "./params.ts";
import type { Handler } from "./types.ts";

const getMe: Handler = (fake) => fake.bot;

const getUpdates: Handler = async (fake, p, ctx) => {
  if (fake.webhook) {
    throw new ApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  fake.queue.confirm(p.int("offset"));
  fake.queue.setAllowed(p.json<string[]>("allowed_updates"));
  const limit = Math.min(100, Math.max(1, p.int("limit") ?? 100));
  const timeout = Math.max(0, p.int("timeout") ?? 0);
  const poll = fake.startPoll();
  try {
    let batch = fake.queue.take(limit);
    if (batch.length === 0 && timeout > 0) {
      await fake.queue.wait(timeout * 1000, AbortSignal.any([ctx.signal, poll.signal]));
      if (poll.signal.aborted) {
        // A client that gave up on this poll is usually what started the new one.
        await sleep(50, undefined, { signal: ctx.signal }).catch(() => undefined);
        throw new ApiError(
          409,
          "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        );
      }
      batch = fake.queue.take(limit);
    }
    return batch;
  } finally {
    fake.endPoll(poll);
  }
};

const setWebhook: Handler = (fake, p) => {
  const url = p.string("url") ?? "";
  if (url === "") {
    fake.webhook = undefined;
  } else {
    if (!url.startsWith("https://")) {
      throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    }
    const allowed = p.json<string[]>("allowed_updates");
    fake.webhook = { url };
    const secret = p.string("secret_token");
    if (secret !== undefined) fake.webhook.secret_token = secret;
    const max = p.int("max_connections");
    if (max !== undefined) fake.webhook.max_connections = max;
    if (allowed !== undefined) fake.webhook.allowed_updates = allowed;
    fake.queue.setAllowed(allowed);
  }
  if (p.bool("drop_pending_updates")) fake.queue.clear();
  return true;
};

const deleteWebhook: Handler = (fake, p) => {
  fake.webhook = undefined;
  if (p.bool("drop_pending_updates")) fake.queue.clear();
  return true;
};

const getWebhookInfo: Handler = (fake) => {
  const info: Record<string, unknown> = {
    url: fake.webhook?.url ?? "",
    has_custom_certificate: false,
    pending_update_count: fake.queue.pending.length,
  };
  if (fake.webhook?.max_connections !== undefined) {
    info.max_connections = fake.webhook.max_connections;
  }
  if (fake.webhook) info.allowed_updates = fake.queue.allowedUpdates;
  return info;
};

function commandKey(p: Params): { key: string; scope: BotCommandScope; language_code: string } {
  const scope = p.json<BotCommandScope>("scope") ?? { type: "default" };
  const language_code = p.string("language_code") ?? "";
  if (language_code !== "" && !/^[a-z]{2}$/.test(language_code)) {
    throw badRequest("invalid language code specified");
  }
  return { key: `${JSON.stringify(scope)}|${language_code}`, scope, language_code };
}

const setMyCommands: Handler = (fake, p) => {
  const commands = p.json<BotCommand[]>("commands");
  if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required');
  if (commands.length > 100) throw badRequest("BOT_COMMANDS_TOO_MUCH");
  for (const command of commands) {
    if (typeof command?.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
      throw badRequest("BOT_COMMAND_INVALID");
    }
    const description = command.description;
    if (typeof description !== "string" || description.length < 1 || description.length > 256) {
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
  }
  const { key, scope, language_code } = commandKey(p);
  if (commands.length === 0) fake.commandSets.delete(key);
  else
    fake.commandSets.set(key, { scope, language_code, commands: commands.map((c) => ({ ...c })) });
  return true;
};

const getMyCommands: Handler = (fake, p) => fake.commandSets.get(commandKey(p).key)?.commands ?? [];

const deleteMyCommands: Handler = (fake, p) => {
  fake.commandSets.delete(commandKey(p).key);
  return true;
};

function describe(field: "description" | "short_description", max: number): Handler {
  return (fake, p) => {
    const text = p.string(field) ?? "";
    if (text.length > max) throw badRequest(`${field.replace("_", " ")} is too long`);
    const language = p.string("language_code") ?? "";
    const entry = fake.descriptions.get(language) ?? {};
    entry[field] = text;
    fake.descriptions.set(language, entry);
    return true;
  };
}

function readDescription(field: "description" | "short_description"): Handler {
  return (fake, p) => ({
    [field]: fake.descriptions.get(p.string("language_code") ?? "")?.[field] ?? "",
  });
}

const answerCallbackQuery: Handler = (fake, p, ctx) => {
  const id = p.string("callback_query_id") ?? "";
  if (!fake.openCallbackQueries.delete(id)) {
    throw badRequest("query is too old and response timeout expired or query ID is invalid");
  }
  const answer: (typeof fake.callbackAnswers)[number] = {
    callback_query_id: id,
    show_alert: p.bool("show_alert"),
    at: ctx.call.at,
  };
  const text = p.string("text");
  if (text !== undefined) answer.text = text;
  const url = p.string("url");
  if (url !== undefined) answer.url = url;
  const cacheTime = p.int("cache_time");
  if (cacheTime !== undefined) answer.cache_time = cacheTime;
  fake.callbackAnswers.push(answer);
  return true;
};

export const botMethods: Record<string, Handler> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  setMyDescription: describe("description", 512),
  getMyDescription: readDescription("description"),
  setMyShortDescription: describe("short_description", 120),
  getMyShortDescription: readDescription("short_description"),
  answerCallbackQuery,
};
