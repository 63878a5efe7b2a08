import { type Topic, topicName } from "../articles/topics.ts";
import type { Language } from "../config.ts";
import type { RenderLabels } from "./render.ts";

/** Looks up a translation in one language, as I18n.t(locale, key, vars) does. */
export type Translate = (
  lang: Language,
  key: string,
  vars?: Record<string, string | number>,
) => string;

/** The words render.ts prints, in `lang`, so a digest reads the same from a command or a schedule. */
export function renderLabels(
  translate: Translate,
  lang: Language,
  topics: readonly Topic[],
): RenderLabels {
  return {
    topicName: (id) => topicName(topics, id, lang),
    alsoReportedBy: translate(lang, "also-reported-by"),
    flash: translate(lang, "flash-label"),
    dateLocale: translate(lang, "date-locale"),
  };
}
