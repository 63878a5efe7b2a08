import { Composer } from "grammy";
import { moveChat } from "../../watches/move-chat.ts";
import type { BotContext } from "../context.ts";

async function followUpgrade(ctx: BotContext, oldId: number, newId: number): Promise<void> {
  const moved = await moveChat(ctx.deps, oldId, newId, ctx.deps.deliveryQueue);
  ctx.log.info(
    { from: oldId, to: newId, status: moved?.status ?? "unknown" },
    "group upgraded to a supergroup",
  );
}

/**
 * A group upgraded to a supergroup gets a new id. Telegram says so twice —
 * `migrate_to_chat_id` in the old group, `migrate_from_chat_id` in the new
 * supergroup — in either order, and either may be redelivered; the store's
 * migrate is idempotent, so each message simply moves whatever is left under
 * the old id. Settings, status, cursor, schedule, watches and their pending
 * matches carry over.
 */
export const migrationFeature = new Composer<BotContext>();

migrationFeature.on("message:migrate_to_chat_id", (ctx) =>
  followUpgrade(ctx, ctx.chat.id, ctx.msg.migrate_to_chat_id),
);

migrationFeature.on("message:migrate_from_chat_id", (ctx) =>
  followUpgrade(ctx, ctx.msg.migrate_from_chat_id, ctx.chat.id),
);
