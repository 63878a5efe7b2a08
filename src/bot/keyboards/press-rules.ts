import { TARGET_MENU_IDS } from "../menus/settings-target.ts";

/**
 * Who may press a button:
 * - `anyone`: it only reads and answers in the chat it was pressed in;
 * - `chat-manager`: it changes its target chat — anyone in a private chat
 *   (their own), a group's chat admins, a linked channel's managers
 *   (settings-target.ts `mayManageTarget`);
 * - `channel-manager`: a channel the presser linked to their private chat
 *   (channels.ts checks again that they still administer it);
 * - `editor`: the editors of EDITOR_IDS;
 * - `conversation`: a step of /subscribe, which only the user who opened it
 *   (or, for an anonymous chat admin, the group's chat admins) moves, and whose saving
 *   checks the rights again (conversations/subscribe.ts).
 */
type PressRight = "anyone" | "chat-manager" | "channel-manager" | "editor" | "conversation";

/** Where a button may be pressed: any chat but a channel, or only a private chat. */
type PressPlace = "chats" | "private";

/** A press read by its rule: the chat it acts on, when the data names one (else the chat pressed in). */
interface ParsedPress {
  target?: number;
}

export interface PressRule {
  /** the leading `[a-z-]+` of the callback data */
  prefix: string;
  place: PressPlace;
  right: PressRight;
  /** The press, or undefined when the data is not exactly what the bot's buttons send. */
  parse(data: string): ParsedPress | undefined;
}

const CHAT_ID = /^-?\d{1,16}$/;

function chatId(text: string | undefined): number | undefined {
  if (text === undefined || !CHAT_ID.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) && id !== 0 ? id : undefined;
}

function exact(prefix: string, place: PressPlace, right: PressRight): PressRule {
  return { prefix, place, right, parse: (data) => (data === prefix ? {} : undefined) };
}

function pattern(prefix: string, place: PressPlace, right: PressRight, re: RegExp): PressRule {
  return { prefix, place, right, parse: (data) => (re.test(data) ? {} : undefined) };
}

/**
 * A button of the settings and /topics menus (@grammyjs/menu):
 * `<menu>/<row>/<col>/<target chat id>/<h|f><hash>`. The target is required:
 * a press without one names no chat and is refused.
 */
function menu(id: string): PressRule {
  const re = new RegExp(`^${id}/[0-9a-f]{1,4}/[0-9a-f]{1,4}/([^/]*)/[hf][\\s\\S]*$`);
  return {
    prefix: id,
    place: "chats",
    right: "chat-manager",
    parse(data) {
      const target = chatId(re.exec(data)?.[1]);
      return target === undefined ? undefined : { target };
    },
  };
}

/**
 * Every callback data the bot's buttons send, by prefix: the one list the
 * press guard (press-guard.ts) reads. A press whose prefix is not here, or
 * whose data its rule does not parse, is refused before any feature sees it,
 * so a new button works only once it is listed here with its rights.
 */
export const PRESS_RULES: readonly PressRule[] = [
  ...[...TARGET_MENU_IDS].map(menu),
  exact("latest", "chats", "anyone"),
  exact("topics", "chats", "anyone"),
  exact("sources", "chats", "anyone"),
  exact("help", "chats", "anyone"),
  exact("subscribe", "private", "chat-manager"),
  pattern("topic", "chats", "anyone", /^topic:[a-z0-9-]{1,58}$/),
  pattern("sub", "chats", "conversation", /^sub:[tszcbn]:[A-Za-z0-9_+\-/:]{1,64}$/),
  {
    prefix: "chan",
    place: "private",
    right: "channel-manager",
    parse(data) {
      const target = chatId(/^chan:(?:sub|set|off|unlink):(.*)$/.exec(data)?.[1]);
      return target === undefined ? undefined : { target };
    },
  },
  {
    prefix: "watch-rm",
    place: "chats",
    right: "chat-manager",
    parse(data) {
      const target = chatId(/^watch-rm:(-?\d{1,16}):[0-9a-f]{8}$/.exec(data)?.[1]);
      return target === undefined ? undefined : { target };
    },
  },
  pattern("post", "private", "editor", /^post:[a-z0-9:+-]{1,64}$/),
  pattern("edit", "private", "editor", /^edit:(?:title|summary|link):[0-9a-f]{16}$/),
  pattern("src", "private", "editor", /^src:(?:pause|resume):[a-z0-9]+(?:-[a-z0-9]+)*$/),
];

const BY_PREFIX = new Map(PRESS_RULES.map((rule) => [rule.prefix, rule]));

/** The prefix of callback data: its leading run of lower-case letters and dashes ("" for none). */
export function pressPrefix(data: string): string {
  return /^[a-z][a-z-]*/.exec(data)?.[0] ?? "";
}

/** The rule for `data`'s prefix, or undefined for a prefix no button of the bot sends. */
export function pressRule(data: string): PressRule | undefined {
  return BY_PREFIX.get(pressPrefix(data));
}
