import type { BotContext } from "../context.ts";

/** The settings a user may type instead of picking a preset. */
export type TypedSetting = "times" | "tz" | "quiet";

export interface AwaitedInput {
  /** the chat whose setting the typed text changes */
  target: number;
  setting: TypedSetting;
}

/** How long the bot waits for the typed value; after that the text is ordinary chat. */
const AWAIT_SECONDS = 600;

const SETTINGS: ReadonlySet<string> = new Set<TypedSetting>(["times", "tz", "quiet"]);

function keyOf(ctx: BotContext): string | undefined {
  if (!ctx.chat || !ctx.from) return undefined;
  return ctx.deps.keys.awaitingInput(ctx.chat.id, ctx.from.id);
}

/**
 * Remembers that the next text this user sends in this chat is the value of
 * `setting` for `target`; replaces any earlier wait. Kept in Redis, so a
 * restart in between loses nothing, and it expires on its own.
 */
export async function awaitInput(
  ctx: BotContext,
  target: number,
  setting: TypedSetting,
): Promise<void> {
  const key = keyOf(ctx);
  if (!key) return;
  const value: AwaitedInput = { target, setting };
  await ctx.deps.redis.set(key, JSON.stringify(value), "EX", AWAIT_SECONDS);
}

/**
 * Takes (and clears) what this user's next text in this chat was awaited for,
 * atomically, so a message delivered twice is applied once. Undefined when
 * nothing is awaited.
 */
export async function takeAwaitedInput(ctx: BotContext): Promise<AwaitedInput | undefined> {
  const key = keyOf(ctx);
  if (!key) return undefined;
  const raw = await ctx.deps.redis.getdel(key);
  return raw === null ? undefined : parseAwaited(raw);
}

/** Forgets what this user's next text in this chat was awaited for: they sent a command instead. */
export async function cancelAwaitedInput(ctx: BotContext): Promise<void> {
  const key = keyOf(ctx);
  if (key) await ctx.deps.redis.del(key);
}

function parseAwaited(raw: string): AwaitedInput | undefined {
  try {
    const value = JSON.parse(raw) as Partial<AwaitedInput>;
    if (typeof value.target === "number" && SETTINGS.has(String(value.setting))) {
      return { target: value.target, setting: value.setting as TypedSetting };
    }
  } catch {
    // an unreadable entry awaits nothing
  }
  return undefined;
}
