import type { Chat, ChatKind, ChatSettings } from "./chat.ts";
import type { SettingsPatch } from "./settings.ts";

export type ScheduleChange = "remove" | "add" | "ensure";

/** A chat the bot has just met: the deployment's defaults, not subscribed. */
export function newChat(
  id: number,
  init: { kind: ChatKind; title?: string; threadId?: number },
  builtIn: ChatSettings,
  now: number,
): Chat {
  const title = cleanTitle(init.title);
  return {
    ...builtIn,
    times: [...builtIn.times],
    topics: [],
    id,
    kind: init.kind,
    ...(title !== undefined ? { title } : {}),
    ...(init.threadId !== undefined ? { threadId: init.threadId } : {}),
    status: "paused",
    cursor: 0,
    createdAt: now,
    updatedAt: now,
    managers: [],
  };
}

/** How a write moves the chat in the schedule: out, to a new due time, or in if missing. */
export function scheduleChange(before: Chat | undefined, after: Chat): ScheduleChange {
  if (after.status !== "active") return "remove";
  if (
    before?.status !== "active" ||
    before.tz !== after.tz ||
    before.times.join() !== after.times.join()
  ) {
    return "add";
  }
  return "ensure";
}

/** The chat with a validated settings patch applied; null in the patch drops an optional setting. */
export function applyPatch(chat: Chat, patch: SettingsPatch): Chat {
  const { quiet, threadId, news, ...rest } = patch;
  const next: Chat = { ...chat, ...rest };
  if (news === null) delete next.news;
  else if (news !== undefined) next.news = news;
  if (quiet === null) delete next.quiet;
  else if (quiet !== undefined) next.quiet = quiet;
  if (threadId === null) delete next.threadId;
  else if (threadId !== undefined) next.threadId = threadId;
  return next;
}

/** The old group's record wins (it holds what the admins chose); cursors and managers combine. */
export function mergeInto(from: Chat, to: Chat | undefined, newId: number): Chat {
  const title = from.title ?? to?.title;
  const last = Math.max(from.lastDeliveryAt ?? 0, to?.lastDeliveryAt ?? 0);
  const { title: _t, lastDeliveryAt: _l, ...rest } = from;
  return {
    ...rest,
    id: newId,
    kind: from.kind === "group" ? "supergroup" : from.kind,
    ...(title !== undefined ? { title } : {}),
    ...(last > 0 ? { lastDeliveryAt: last } : {}),
    cursor: Math.max(from.cursor, to?.cursor ?? 0),
    createdAt: Math.min(from.createdAt, to?.createdAt ?? from.createdAt),
    managers: [...new Set([...from.managers, ...(to?.managers ?? [])])].sort((a, b) => a - b),
  };
}

/** Record times are kept to the second (a 4-byte integer in the hash); the cursor keeps its ms. */
function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** The chat as written at `now`: record times to the second, updatedAt now. */
export function stamped(chat: Chat, now: number): Chat {
  const { lastDeliveryAt, ...rest } = chat;
  return {
    ...rest,
    createdAt: toSecond(chat.createdAt),
    updatedAt: toSecond(now),
    ...(lastDeliveryAt !== undefined ? { lastDeliveryAt: toSecond(lastDeliveryAt) } : {}),
  };
}

export function cleanTitle(title: string | undefined): string | undefined {
  const clean = title?.trim();
  return clean ? clean : undefined;
}
