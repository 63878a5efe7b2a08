import type {
  ConversationData,
  ConversationOptions,
  VersionedState,
  VersionedStateStorage,
} from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Redis } from "ioredis";
import type { Keys } from "../../redis/keys.ts";
import type { BotContext, BotDeps } from "../context.ts";

/**
 * Version of the stored conversation state. A conversation is stored as a log
 * of its waits, external calls and API calls, replayed against the code on
 * every update: bump this number whenever a conversation's code changes the
 * order or kind of those steps (its shape). State of another version is
 * dropped, which ends that conversation instead of replaying it wrongly.
 */
const CONVERSATION_STATE_VERSION = 1;

/** How long a conversation waits for an answer before it ends (at the user's next message). */
export const DEFAULT_CONVERSATION_IDLE_MS = 15 * 60_000;

/** Stored state outlives the idle limit by this much, so the "timed out" reply can still find it. */
const CONVERSATION_TTL_MARGIN_MS = 15 * 60_000;

type ConversationStateStorage = VersionedStateStorage<string, ConversationData>;

/**
 * Conversation state in Redis, one JSON string per chat under
 * keys.conversation(chatId), expiring `ttlMs` after the last write (default:
 * the default idle limit plus a margin; keep it longer than the idle limit in
 * use). A restart of the bot resumes every conversation from here. A value
 * that is not valid state reads as "no conversation", so one damaged key
 * cannot make a chat's every update fail; the next write replaces it.
 */
function createRedisConversationStorage(
  redis: Redis,
  keys: Keys,
  options: { ttlMs?: number } = {},
): ConversationStateStorage {
  const ttlMs = options.ttlMs ?? DEFAULT_CONVERSATION_IDLE_MS + CONVERSATION_TTL_MARGIN_MS;
  return {
    async read(key) {
      if (key === "") return undefined;
      const text = await redis.get(keys.conversation(key));
      return text === null ? undefined : parseState(text);
    },
    async write(key, state) {
      if (key === "") return;
      await redis.set(keys.conversation(key), JSON.stringify(state), "PX", ttlMs);
    },
    async delete(key) {
      if (key === "") return;
      await redis.del(keys.conversation(key));
    },
  };
}

/**
 * The conversations plugin's options for this bot: versioned state in Redis
 * under deps.keys, one slot per chat (a group's conversation is shared by the
 * chat and checks itself who may drive it), none for channels and updates
 * without a chat; kept a margin longer than the idle limit.
 */
export function conversationOptions(
  deps: Pick<BotDeps, "redis" | "keys" | "conversationIdleMs">,
): ConversationOptions<BotContext, Context> {
  const idleMs = deps.conversationIdleMs ?? DEFAULT_CONVERSATION_IDLE_MS;
  const adapter = createRedisConversationStorage(deps.redis, deps.keys, {
    ttlMs: idleMs + CONVERSATION_TTL_MARGIN_MS,
  });
  return {
    storage: {
      type: "key",
      version: CONVERSATION_STATE_VERSION,
      getStorageKey: conversationKey,
      adapter,
    },
  };
}

/** The storage key of an update's conversation: its chat id, or "" when it has none to keep. */
function conversationKey(ctx: Context): string {
  const chat = ctx.chat;
  return chat && chat.type !== "channel" ? String(chat.id) : "";
}

function parseState(text: string): VersionedState<ConversationData> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const { version, state } = value as Partial<VersionedState<ConversationData>>;
    if (!Array.isArray(version) || typeof state !== "object" || state === null) return undefined;
    return { version, state };
  } catch {
    return undefined;
  }
}
