import { Menu, type MenuOptions } from "@grammyjs/menu";
import { MAX_TIMES, newsLanguages } from "../../chats/chat.ts";
import { commonTimeZones } from "../../chats/time-zones.ts";
import { LANGUAGES, type Language } from "../../config.ts";
import { escapeHtml } from "../../telegram/helpers.ts";
import type { BotContext } from "../context.ts";
import { awaitInput, type TypedSetting } from "./awaiting-input.ts";
import { answer, button, change, fingerprint, type MenuContext, outdated } from "./menu-kit.ts";
import { shownTarget, targetOf } from "./settings-target.ts";
import {
  LANGUAGE_NAMES,
  mark,
  newsValue,
  onOff,
  quietValue,
  settingsText,
  timesValue,
  topicsValue,
  zoneValue,
} from "./settings-text.ts";
import { addTopicToggles } from "./topics-menu.ts";

const TIME_PRESETS: readonly (readonly string[])[] = [
  ["07:00"],
  ["08:00"],
  ["09:00"],
  ["08:00", "20:00"],
  ["07:00", "19:00"],
  ["08:00", "14:00", "20:00"],
];
const ITEM_PRESETS: readonly number[] = [3, 5, 7, 10];
const QUIET_PRESETS = [
  { start: "23:00", end: "07:00" },
  { start: "22:00", end: "08:00" },
] as const;

const options: MenuOptions<BotContext> = {
  autoAnswer: false,
  fingerprint,
  onMenuOutdated: outdated(settingsText),
};

const label =
  (key: string, value: (ctx: BotContext) => Promise<string | number>) => async (ctx: BotContext) =>
    ctx.t(key, { value: await value(ctx) });
const back = button((ctx) => ctx.t("settings-btn-back"));
const same = (a: readonly string[], b: readonly string[]) => a.join() === b.join();

/**
 * Asks the user to type a value: the next text they send in this chat is
 * read as `setting` for the target chat (features/settings.ts applies it).
 * A forced reply makes it reach the bot in a group, where it sees only
 * replies and commands; the mention picks the chat admin who asked.
 */
function ask(setting: TypedSetting, prompt: (ctx: BotContext) => string) {
  return async (ctx: MenuContext) => {
    await ctx.answerCallbackQuery();
    await awaitInput(ctx, targetOf(ctx), setting);
    const from = ctx.from;
    const mention =
      ctx.chat?.type !== "private" && from
        ? `<a href="tg://user?id=${from.id}">${escapeHtml(from.first_name)}</a>, `
        : "";
    const text = prompt(ctx);
    // "Anna, send …": after the name the sentence goes on in lower case
    const asked = mention ? `${text.charAt(0).toLocaleLowerCase(ctx.lang)}${text.slice(1)}` : text;
    await ctx.reply(`${mention}${asked}`, {
      parse_mode: "HTML",
      reply_markup: { force_reply: true, selective: true },
    });
  };
}

const languageMenu = new Menu<BotContext>("set-lang", options)
  .dynamic(async (ctx, range) => {
    const chat = await shownTarget(ctx);
    for (const lang of LANGUAGES) {
      range.text(
        button(`${mark(chat.lang === lang)}${LANGUAGE_NAMES[lang]}`),
        change(() => ({ lang }), settingsText),
      );
    }
  })
  .row()
  .back(back, answer);

const topicsSubmenu = new Menu<BotContext>("set-topics", options)
  .dynamic((ctx, range) => addTopicToggles(ctx, range, settingsText))
  .row()
  .back(back, answer);

const timesMenu = new Menu<BotContext>("set-times", options)
  .dynamic(async (ctx, range) => {
    const chat = await shownTarget(ctx);
    TIME_PRESETS.forEach((times, i) => {
      range.text(
        button(`${mark(same(chat.times, times))}${times.join(" · ")}`),
        change(() => ({ times: [...times] }), settingsText),
      );
      if (i % 2 === 1) range.row();
    });
  })
  .row()
  .text(
    button((ctx) => ctx.t("settings-btn-type-times")),
    ask("times", (ctx) => ctx.t("settings-ask-times", { max: MAX_TIMES })),
  )
  .row()
  .back(back, answer);

const zoneMenu = new Menu<BotContext>("set-tz", options)
  .dynamic(async (ctx, range) => {
    const chat = await shownTarget(ctx);
    commonTimeZones.forEach(({ zone }, i) => {
      range.text(
        button(`${mark(chat.tz === zone)}${zoneValue(ctx, zone)}`),
        change(() => ({ tz: zone }), settingsText),
      );
      if (i % 2 === 1) range.row();
    });
  })
  .row()
  .text(
    button((ctx) => ctx.t("settings-btn-type-zone")),
    ask("tz", (ctx) => ctx.t("settings-ask-zone")),
  )
  .row()
  .back(back, answer);

const itemsMenu = new Menu<BotContext>("set-items", options)
  .dynamic(async (ctx, range) => {
    const chat = await shownTarget(ctx);
    range
      .text(
        button("−"),
        change((current) => ({ maxItems: current.maxItems - 1 }), settingsText),
      )
      .text(button(String(chat.maxItems)), answer)
      .text(
        button("+"),
        change((current) => ({ maxItems: current.maxItems + 1 }), settingsText),
      )
      .row();
    for (const n of ITEM_PRESETS) {
      range.text(
        button(`${mark(chat.maxItems === n)}${n}`),
        change(() => ({ maxItems: n }), settingsText),
      );
    }
  })
  .row()
  .back(back, answer);

const quietMenu = new Menu<BotContext>("set-quiet", options)
  .dynamic(async (ctx, range) => {
    const chat = await shownTarget(ctx);
    range.text(
      button(`${mark(!chat.quiet)}${ctx.t("settings-off")}`),
      change(() => ({ quiet: null }), settingsText),
    );
    for (const quiet of QUIET_PRESETS) {
      const chosen = chat.quiet?.start === quiet.start && chat.quiet?.end === quiet.end;
      range.text(
        button(`${mark(chosen)}${quietValue(ctx, quiet)}`),
        change(() => ({ quiet: { ...quiet } }), settingsText),
      );
    }
  })
  .row()
  .text(
    button((ctx) => ctx.t("settings-btn-type-quiet")),
    ask("quiet", (ctx) => ctx.t("settings-ask-quiet")),
  )
  .row()
  .back(back, answer);

/** The news-language choices a chat can make, as stored (sorted language codes). */
const NEWS_CHOICES: readonly (readonly Language[])[] = [["en"], ["uk"], ["en", "uk"]];

const newsMenu = new Menu<BotContext>("set-news", options)
  .dynamic(async (ctx, range) => {
    const chat = await shownTarget(ctx);
    const now = newsLanguages(chat);
    for (const news of NEWS_CHOICES) {
      const key = news.length > 1 ? "news-langs-both" : `news-langs-${news[0]}`;
      range
        .text(
          button(`${mark(same(now, news))}${ctx.t(key)}`),
          change(() => ({ news: [...news] }), settingsText),
        )
        .row();
    }
  })
  .back(back, answer);

/**
 * The /settings menu of one target chat: a button per setting, each showing
 * its current value, opening a submenu of choices (or toggling on the spot).
 * Labels are computed from the stored record at render time, and every menu
 * carries the fingerprint of the state it shows (menu-kit.ts).
 */
export const settingsMenu = new Menu<BotContext>("set", options)
  .submenu(
    button(
      label("settings-btn-language", async (ctx) => LANGUAGE_NAMES[(await shownTarget(ctx)).lang]),
    ),
    "set-lang",
    answer,
  )
  .submenu(
    button(
      label("settings-btn-topics", async (ctx) =>
        topicsValue(ctx, (await shownTarget(ctx)).topics),
      ),
    ),
    "set-topics",
    answer,
  )
  .row()
  .submenu(
    button(label("settings-btn-times", async (ctx) => timesValue((await shownTarget(ctx)).times))),
    "set-times",
    answer,
  )
  .submenu(
    button(label("settings-btn-zone", async (ctx) => zoneValue(ctx, (await shownTarget(ctx)).tz))),
    "set-tz",
    answer,
  )
  .row()
  .submenu(
    button(label("settings-btn-items", async (ctx) => (await shownTarget(ctx)).maxItems)),
    "set-items",
    answer,
  )
  .submenu(
    button(
      label("settings-btn-quiet", async (ctx) => quietValue(ctx, (await shownTarget(ctx)).quiet)),
    ),
    "set-quiet",
    answer,
  )
  .row()
  .text(
    button(
      label("settings-btn-previews", async (ctx) => onOff(ctx, (await shownTarget(ctx)).previews)),
    ),
    change((chat) => ({ previews: !chat.previews }), settingsText),
  )
  .text(
    button(label("settings-btn-flash", async (ctx) => onOff(ctx, (await shownTarget(ctx)).flash))),
    change((chat) => ({ flash: !chat.flash }), settingsText),
  )
  .row()
  .submenu(
    button(label("settings-btn-news", async (ctx) => newsValue(ctx, await shownTarget(ctx)))),
    "set-news",
    answer,
  )
  .row()
  .text(
    button((ctx) => ctx.t("settings-btn-done")),
    async (ctx) => {
      await ctx.answerCallbackQuery({ text: ctx.t("settings-closed") });
      ctx.menu.close();
    },
  );

settingsMenu.register([
  languageMenu,
  topicsSubmenu,
  timesMenu,
  zoneMenu,
  itemsMenu,
  quietMenu,
  newsMenu,
]);
