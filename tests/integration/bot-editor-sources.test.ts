import type { InlineKeyboardMarkup } from "grammy/types";
import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { type BotHarness, startBotHarness } from "../support/bot-harness.ts";
import type { SentMessage } from "../support/fake-telegram.ts";

const hour = 3_600_000;

// Invented articles for tests only.
function invented(i: number, source: string, ageMs: number): ArticleInput {
  return {
    url: `https://example.org/sources-test/${i}`,
    title: `Invented headline ${i}`,
    summary: `Invented summary ${i}.`,
    source,
    publishedAt: Date.now() - ageMs,
    topics: ["kursk"],
  };
}

function buttons(message: SentMessage): string[] {
  return ((message.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((b) => ("callback_data" in b ? (b.callback_data ?? "") : ""));
}

/** The block of one source in the editors' view: from its name to the next blank line. */
function block(text: string, name: string): string {
  const start = text.indexOf(name);
  expect(start, `${name} in the view`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf("\n\n", start);
  return text.slice(start, end < 0 ? undefined : end);
}

async function editorView(h: BotHarness, language = "en") {
  const editor = h.fake.addUser({ language_code: language });
  h.deps.editorIds.push(editor.id);
  h.fake.sendText(editor.id, editor, "/sources");
  const view = await h.fake.waitForMessage(editor.id);
  return { editor, view };
}

describe("/sources for editors", () => {
  it("shows each source's last success, recent articles, failures and last error", async () => {
    const h = await startBotHarness();
    await h.deps.feedState.recordSuccess("euromaidan-press", {
      at: Date.now() - 10 * 60_000,
      nextAt: Date.now() + 5 * 60_000,
    });
    for (let i = 0; i < 3; i++) {
      await h.deps.feedState.recordFailure("kyiv-independent", {
        at: Date.now(),
        error: `HTTP 503 Service Unavailable <try ${i}>`,
        nextAt: Date.now() + hour,
      });
    }
    await h.articles.put(invented(1, "Euromaidan Press", hour));
    await h.articles.put(invented(2, "Euromaidan Press", 2 * hour));
    await h.articles.put(invented(3, "Euromaidan Press", 30 * hour));
    await h.articles.put(invented(4, "Kyiv Independent", 3 * hour));

    const { view } = await editorView(h);
    expect(view.text).toContain("editors' view");
    const euromaidan = block(view.text, "Euromaidan Press");
    expect(euromaidan).toContain("Polled every 15 min");
    expect(euromaidan).toMatch(/Last successful fetch: .*\d/);
    expect(euromaidan).not.toContain("never");
    expect(euromaidan).toContain("Articles in the last 24 h: 2");
    expect(euromaidan).not.toContain("failed");

    const kyiv = block(view.text, "Kyiv Independent");
    expect(kyiv).toContain("Last successful fetch: never");
    expect(kyiv).toContain("Articles in the last 24 h: 1");
    expect(kyiv).toContain("3 failed fetches in a row");
    expect(kyiv).toContain("Last error: HTTP 503 Service Unavailable <try 2>");

    expect(block(view.text, "Institute for the Study of War")).toContain("every 60 min");
    expect(buttons(view)).toEqual(h.deps.sources.map((s) => `src:pause:${s.id}`));
  });

  it("pauses and resumes a source with its button, and a double press pauses once", async () => {
    const h = await startBotHarness();
    const { editor, view } = await editorView(h);

    h.fake.pressButton(view, editor, "src:pause:kyiv-independent");
    h.fake.pressButton(view, editor, "src:pause:kyiv-independent");
    await h.fake.waitForMessage(editor.id, (m) => m.history.length > 0);
    await h.fake.waitForCall("answerCallbackQuery", () => h.fake.callbackAnswers.length === 2);
    expect((await h.deps.feedState.get("kyiv-independent")).paused).toBe(true);
    expect((await h.deps.feedState.get("euromaidan-press")).paused).toBe(false);
    expect(h.fake.callbackAnswers.map((a) => a.text)).toEqual([
      "Kyiv Independent is paused.",
      "Kyiv Independent is paused.",
    ]);

    const paused = h.fake.sent(editor.id)[0] as SentMessage;
    expect(block(paused.text, "Kyiv Independent")).toContain("Paused: not polled");
    expect(block(paused.text, "Euromaidan Press")).toContain("Polled every 15 min");
    expect(buttons(paused)).toContain("src:resume:kyiv-independent");
    expect(buttons(paused)).toContain("src:pause:euromaidan-press");
    expect(h.fake.sent(editor.id)).toHaveLength(1);

    h.fake.pressButton(paused, editor, "src:resume:kyiv-independent");
    await h.fake.waitForMessage(editor.id, (m) => m.history.length > 1);
    expect((await h.deps.feedState.get("kyiv-independent")).paused).toBe(false);
    expect(buttons(h.fake.sent(editor.id)[0] as SentMessage)).toContain(
      "src:pause:kyiv-independent",
    );
  });

  it("keeps the public list for readers and refuses their presses", async () => {
    const h = await startBotHarness();
    const { editor, view } = await editorView(h);
    const reader = h.fake.addUser();
    h.fake.sendText(reader.id, reader, "/sources");
    const list = await h.fake.waitForMessage(reader.id);
    expect(list.text).toContain("Outlets");
    expect(list.text).not.toContain("editors' view");
    expect(buttons(list)).toEqual([]);

    h.fake.pressButton(view, reader, "src:pause:isw");
    await h.fake.waitForCall("answerCallbackQuery");
    expect(h.fake.callbackAnswers[0]).toMatchObject({
      text: "This command is for editors.",
      show_alert: true,
    });
    expect((await h.deps.feedState.get("isw")).paused).toBe(false);
    expect(h.fake.sent(editor.id)[0]?.history).toEqual([]);
  });

  it("speaks Ukrainian to a Ukrainian editor", async () => {
    const h = await startBotHarness();
    await h.deps.feedState.recordFailure("ukrinform", {
      at: Date.now(),
      error: "timeout",
      nextAt: Date.now() + hour,
    });
    await h.deps.feedState.recordFailure("ukrinform", {
      at: Date.now(),
      error: "timeout",
      nextAt: Date.now() + hour,
    });
    const { editor, view } = await editorView(h, "uk");
    expect(view.text).toContain("вигляд для редакторів");
    expect(block(view.text, "Ukrinform")).toContain("2 невдачі поспіль");
    expect(block(view.text, "Euromaidan Press")).toContain("Остання вдала перевірка: ще не було");
    h.fake.pressButton(view, editor, "src:pause:ukrinform");
    await h.fake.waitForMessage(editor.id, (m) => m.history.length > 0);
    expect(h.fake.callbackAnswers[0]?.text).toBe("Ukrinform: призупинено.");
    expect(block(h.fake.sent(editor.id)[0]?.text ?? "", "Ukrinform")).toContain("Призупинено");
  });
});
