/**
 * Small Telegram rules that the bot, the digest and delivery all apply: how
 * text is made safe in Telegram HTML, and which answers to an edit mean
 * "nothing to do". Sorting a failed send into what delivery does about it
 * (429, 403, …) is delivery/telegram-errors.ts.
 *
 * This module imports nothing, so digest/ may use it and still not depend on
 * grammY: a grammY refusal is told by its name and its `description` field.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Escapes `& < > "` so any text is safe in Telegram HTML, both between tags and inside a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

/** Telegram's description of a call it refused, when `err` is grammY's GrammyError; undefined otherwise. */
function refusalDescription(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.name !== "GrammyError") return undefined;
  const description = (err as { description?: unknown }).description;
  return typeof description === "string" ? description : undefined;
}

/**
 * True for Telegram's answer to an edit that changes nothing ("message is not
 * modified"): the message already shows what was asked, so callers ignore it.
 */
export function isNotModified(err: unknown): boolean {
  return refusalDescription(err)?.includes("message is not modified") === true;
}

/**
 * True for Telegram's answer to an edit of a message that is no longer there
 * or no longer editable ("message to edit not found", "message can't be
 * edited"): nothing is left to change, so callers drop the edit.
 */
export function isMessageGone(err: unknown): boolean {
  const description = refusalDescription(err);
  return (
    description !== undefined &&
    /message to edit not found|message can't be edited/i.test(description)
  );
}
