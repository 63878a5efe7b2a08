import { safeHref, sanitizeLine, sanitizeText } from "../digest/html.ts";
import { escapeHtml } from "../telegram/helpers.ts";

/** What a correction changes in a sent message: an article's title, summary, link, or its withdrawal. */
export interface Correction {
  url: string;
  /** `link`: the link the message shows (articleLink), when it is not `url` */
  before: { title: string; summary: string; link?: string };
  /** the corrected text and link; absent for a withdrawal */
  after?: { title: string; summary: string; link?: string };
}

function shownSummary(summary: string): string {
  return escapeHtml(
    sanitizeText(summary)
      .replace(/\n[ \t]*\n(?:[ \t]*\n)+/g, "\n\n")
      .trim(),
  );
}

/**
 * A sent message's HTML with one article corrected, as render.ts would have
 * shown the corrected article: its linked title (the link too, when it
 * changed) and the summary line after it replaced; for a withdrawal, both
 * struck through and `note` (HTML) added after the summary. Other articles
 * of the message are left as they were. Returns the text unchanged when the
 * article is not found in it as sent.
 */
export function patchMessage(html: string, correction: Correction, note: string): string {
  const href = safeHref(correction.before.link ?? correction.url);
  if (href === undefined) return html;
  const oldTitleText = escapeHtml(sanitizeLine(correction.before.title));
  const oldTitle = `<a href="${escapeHtml(href)}">${oldTitleText}</a>`;
  const at = html.indexOf(oldTitle);
  if (at < 0) return html;
  const after = correction.after;
  const newHref = (after?.link === undefined ? undefined : safeHref(after.link)) ?? href;
  const link = `<a href="${escapeHtml(newHref)}">`;
  const title = escapeHtml(sanitizeLine(after?.title ?? correction.before.title));
  const newTitle = `${link}${after ? title : `<s>${title}</s>`}</a>`;
  let rest = html.slice(at + oldTitle.length);
  const oldSummary = shownSummary(correction.before.summary);
  const summaryAt = oldSummary === "" ? -1 : rest.indexOf(`\n${oldSummary}`);
  // the summary is on the lines right after the title's (after the closing tags)
  if (summaryAt >= 0 && !rest.slice(0, summaryAt).includes("\n")) {
    const summary = after ? shownSummary(after.summary) : `<s>${oldSummary}</s>\n${note}`;
    rest = `${rest.slice(0, summaryAt)}\n${summary}${rest.slice(summaryAt + 1 + oldSummary.length)}`;
  } else if (!after) {
    const lineEnd = rest.indexOf("\n");
    rest =
      lineEnd < 0 ? `${rest}\n${note}` : `${rest.slice(0, lineEnd)}\n${note}${rest.slice(lineEnd)}`;
  }
  return `${html.slice(0, at)}${newTitle}${rest}`;
}
