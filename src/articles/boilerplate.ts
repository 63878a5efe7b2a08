const CAPTION_MAX_CHARS = 300;

const NOT_LETTER_AFTER = String.raw`(?![\p{L}\p{N}])`;
/** Navigation and appeals at the start of a sentence. */
const BOILERPLATE_START = new RegExp(
  String.raw`^(?:read (?:also|more)|also read|see also|related(?: articles| news| stories)?\s*:|more on this|subscribe|follow us|support us|join us|sign up|share(?:\s+(?:this|on|via)${NOT_LETTER_AFTER}|\s*[:!]|$)|advertisement|click here|donate|become a patron|читайте (?:також|также|ще|еще|більше|больше)|дивіться також|смотрите также|підписуйтес[ья]|підпишіться|подписывайтес[ья]|подпишитесь|підтримайте|поддержите|приєднуйтес[ья]|присоединяйтес[ья]|реклама)${NOT_LETTER_AFTER}`,
  "iu",
);
/** Appeals that may sit anywhere in a sentence. */
const BOILERPLATE_ANYWHERE =
  /\b(?:subscribe to (?:our|us)|follow us on|sign up for our|join our (?:telegram|channel|community)|support our (?:work|journalism)|all rights reserved)\b|підпис(?:уйтеся|уйтесь|атися) на наш|подпис(?:ывайтесь|аться) на наш|на наш (?:telegram|телеграм)/iu;
/** Credits and captions: dropped only when short, so a sentence that merely starts this way stays. */
const CAPTION =
  /^(?:photos?|images?|video|illustration|illustrative (?:photo|image)|featured image|cover image|source|credit|left|right|above|below|top|pictured|фото|на фото|відео|видео|ілюстрація|иллюстрация|джерело|источник|зліва|справа|слева)\s*(?:[:|]|\(|by\b|credit)/iu;
/** Bylines, reading times and bare dates that article pages put above the text. */
const PAGE_FURNITURE = [
  /^[Bb]y\s*\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,3}$/u,
  /^(?:автор|author)\s*:/iu,
  /^\d+\s*(?:min(?:ute)?s?|хв(?:илин[аи]?)?|мин(?:ут[аы]?)?)\.?(?:\s+(?:read|читання|чтения))?$/iu,
  /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?:,?\s+\d{1,2}:\d{2})?$/u,
  /^\d{1,2}\s+\p{L}+\.?\s+\d{4}(?:,?\s+\d{1,2}:\d{2})?$/u,
  /^\p{L}+\.?\s+\d{1,2},?\s+\d{4}(?:,?\s+\d{1,2}:\d{2})?$/u,
];

/** Whether a sentence is navigation, an appeal, a caption or page furniture rather than reporting. */
export function isBoilerplate(sentence: string): boolean {
  const s = sentence.replace(/^[^\p{L}\p{N}]+/u, "");
  if (BOILERPLATE_START.test(s) || BOILERPLATE_ANYWHERE.test(s)) return true;
  if (s.length <= CAPTION_MAX_CHARS && CAPTION.test(s)) return true;
  return PAGE_FURNITURE.some((pattern) => pattern.test(s));
}
