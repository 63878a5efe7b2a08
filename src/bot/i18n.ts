import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";
import { LANGUAGES, type Language } from "../config.ts";

/** locales/<lang>/*.ftl: one file per feature, joined per language. */
export const LOCALES_DIR = fileURLToPath(new URL("../locales", import.meta.url));

/**
 * Picks the language for a Telegram user: Ukrainian for a `uk` client,
 * English for any other, the deployment's default when Telegram says nothing.
 */
export function languageOf(languageCode: string | undefined, fallback: Language): Language {
  if (!languageCode) return fallback;
  return languageCode.toLowerCase().startsWith("uk") ? "uk" : "en";
}

/** Loads en.ftl and uk.ftl; the negotiator reads `ctx.lang`, set earlier per update. */
export function createI18n<C extends Context & { lang: Language }>(
  defaultLanguage: Language,
): I18n<C> {
  const i18n = new I18n<C>({
    defaultLocale: defaultLanguage,
    localeNegotiator: (ctx) => ctx.lang,
    fluentBundleOptions: { useIsolating: false },
  });
  i18n.loadLocalesDirSync(LOCALES_DIR);
  for (const lang of LANGUAGES) {
    if (!i18n.locales.includes(lang))
      throw new Error(`missing translations: ${LOCALES_DIR}/${lang}`);
  }
  return i18n;
}
