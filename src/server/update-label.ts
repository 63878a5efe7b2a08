import type { Update } from "grammy/types";
import { COMMANDS } from "../bot/commands.ts";

const KNOWN = new Set(COMMANDS.map((c) => c.command));
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s|$)/;

/**
 * The metrics label of an update: "/latest" for a message that starts with a
 * command the bot knows, else the update's type ("message", "callback_query").
 * Unknown commands count as their update type, so users cannot grow the label set.
 */
export function updateLabel(update: Update): string {
  const text = update.message?.text ?? update.channel_post?.text;
  const command = text ? COMMAND.exec(text)?.[1] : undefined;
  if (command && KNOWN.has(command)) return `/${command}`;
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}
