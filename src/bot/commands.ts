import type { BotCommand } from "grammy/types";

/** A command the bot answers; `describe` is the locale key of its one-line description. */
export interface CommandSpec {
  command: string;
  describe: string;
  /** shown only to editors (EDITOR_IDS), in /help and in their own command menu */
  editorsOnly?: true;
}

/** Every command, in the order /help and Telegram's menu show them. */
export const COMMANDS: CommandSpec[] = [
  { command: "latest", describe: "cmd-latest" },
  { command: "digest", describe: "cmd-digest" },
  { command: "search", describe: "cmd-search" },
  { command: "watch", describe: "cmd-watch" },
  { command: "watches", describe: "cmd-watches" },
  { command: "unwatch", describe: "cmd-unwatch" },
  { command: "subscribe", describe: "cmd-subscribe" },
  { command: "unsubscribe", describe: "cmd-unsubscribe" },
  { command: "status", describe: "cmd-status" },
  { command: "topics", describe: "cmd-topics" },
  { command: "settings", describe: "cmd-settings" },
  { command: "sources", describe: "cmd-sources" },
  { command: "channel", describe: "cmd-channel" },
  { command: "channels", describe: "cmd-channels" },
  { command: "cancel", describe: "cmd-cancel" },
  { command: "post", describe: "cmd-post", editorsOnly: true },
  { command: "edit", describe: "cmd-edit", editorsOnly: true },
  { command: "flash", describe: "cmd-flash", editorsOnly: true },
  { command: "withdraw", describe: "cmd-withdraw", editorsOnly: true },
  { command: "stats", describe: "cmd-stats", editorsOnly: true },
  { command: "help", describe: "cmd-help" },
  { command: "start", describe: "cmd-start" },
];

/** The commands one audience sees: readers, or editors (who see every command). */
export function commandsFor(editor: boolean): CommandSpec[] {
  return COMMANDS.filter((c) => editor || !c.editorsOnly);
}

/** The command list for setMyCommands in one language. */
export function commandList(t: (key: string) => string, editor = false): BotCommand[] {
  return commandsFor(editor).map((c) => ({ command: c.command, description: t(c.describe) }));
}
