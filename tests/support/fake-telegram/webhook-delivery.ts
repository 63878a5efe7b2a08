import type { Update } from "grammy/types";
import type { FakeTelegram } from "./fake.ts";

/**
 * Posts `update` as Telegram would to the webhook the bot set, at the same
 * path on `origin` (what a reverse proxy in front of the app does), with the
 * secret the bot gave setWebhook unless `secret` overrides it (null: no header).
 */
export async function postToWebhook(
  fake: FakeTelegram,
  origin: string,
  update: Update,
  secret?: string | null,
): Promise<Response> {
  if (!fake.webhook) throw new Error("the bot set no webhook");
  const path = new URL(fake.webhook.url).pathname;
  const token = secret === undefined ? fake.webhook.secret_token : secret;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null && token !== undefined) headers["x-telegram-bot-api-secret-token"] = token;
  return fetch(`${origin}${path}`, { method: "POST", headers, body: JSON.stringify(update) });
}
