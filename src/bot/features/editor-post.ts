import { Composer, GrammyError } from "grammy";
import type { BotContext } from "../context.ts";
import { enterPost } from "../conversations/post.ts";
import { isEditor, requireEditor } from "../guards.ts";

/**
 * `/post` (editors, private chat): starts the conversation in
 * conversations/post.ts. A `post:` button that reaches this far belongs to a
 * /post that is over (published, cancelled, timed out): its buttons go.
 */
export const editorPostFeature = new Composer<BotContext>();
const inPrivate = editorPostFeature.chatType("private");

inPrivate.command("post", requireEditor, (ctx) => enterPost(ctx));

inPrivate.callbackQuery(/^post:/, async (ctx) => {
  await ctx.answerCallbackQuery({
    text: ctx.t(isEditor(ctx) ? "post-closed" : "only-editors"),
  });
  try {
    await ctx.editMessageReplyMarkup();
  } catch (err) {
    if (!(err instanceof GrammyError)) throw err;
    ctx.log.debug({ err }, "could not take the buttons off a closed /post step");
  }
});
