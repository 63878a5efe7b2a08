import { Menu, type MenuRange } from "@grammyjs/menu";
import type { BotContext } from "../context.ts";
import { button, change, fingerprint, type MenuText, outdated } from "./menu-kit.ts";
import { shownTarget } from "./settings-target.ts";
import { mark, topicsText } from "./settings-text.ts";

/**
 * One toggle per topic (✅ chosen, ◻️ not), two to a row, then "All topics",
 * which clears the choice: no topic chosen means every topic.
 */
export async function addTopicToggles(
  ctx: BotContext,
  range: MenuRange<BotContext>,
  text: MenuText,
): Promise<void> {
  const chat = await shownTarget(ctx);
  ctx.deps.topics.forEach((topic, i) => {
    const chosen = chat.topics.includes(topic.id);
    range.text(
      button(`${chosen ? "✅" : "◻️"} ${topic.name[ctx.lang]}`),
      change(
        (current) => ({
          topics: current.topics.includes(topic.id)
            ? current.topics.filter((id) => id !== topic.id)
            : [...current.topics, topic.id],
        }),
        text,
      ),
    );
    if (i % 2 === 1) range.row();
  });
  range.row().text(
    button(`${mark(chat.topics.length === 0)}${ctx.t("settings-all-topics")}`),
    change(() => ({ topics: [] }), text),
  );
}

/** The /topics message's menu: the topic toggles of its target chat. */
export const topicsMenu = new Menu<BotContext>("tp", {
  autoAnswer: false,
  fingerprint,
  onMenuOutdated: outdated(topicsText),
}).dynamic((ctx, range) => addTopicToggles(ctx, range, topicsText));
