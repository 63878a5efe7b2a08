import { describe, expect, it } from "vitest";
import { summarizeExtractive } from "../../src/articles/extractive.ts";
import { splitSentences } from "../../src/articles/sentences.ts";
import { contentTokens, stem, stopWords, tokenize } from "../../src/articles/text-similarity.ts";

// Invented sentences in the style of Ukrainian news; not real reports.
describe("splitSentences on Ukrainian text", () => {
  it("does not split after м. (місто) or ім. before a name", () => {
    expect(
      splitSentences("Вибухи пролунали у м. Харків уночі. Бібліотеку ім. Шевченка зачинили."),
    ).toEqual(["Вибухи пролунали у м. Харків уночі.", "Бібліотеку ім. Шевченка зачинили."]);
  });

  it("does not split after an initial before a surname", () => {
    expect(
      splitSentences("Про це повідомив В. Зеленський. Його підтримав В. О. Прикладенко."),
    ).toEqual(["Про це повідомив В. Зеленський.", "Його підтримав В. О. Прикладенко."]);
  });

  it("ends a sentence at т. д., т. п. and та ін. before a capital", () => {
    expect(
      splitSentences(
        "Пошкоджено будинки, авто, склади і т. д. Рятувальники працюють. Везли ліки, воду і т. п. Допомогу роздали. Приїхали медики, волонтери та ін. Усіх розмістили.",
      ),
    ).toEqual([
      "Пошкоджено будинки, авто, склади і т. д.",
      "Рятувальники працюють.",
      "Везли ліки, воду і т. п.",
      "Допомогу роздали.",
      "Приїхали медики, волонтери та ін.",
      "Усіх розмістили.",
    ]);
  });

  it("keeps р., ст. and обл. inside the sentence", () => {
    expect(
      splitSentences(
        "У лютому 2022 р. Росія розпочала вторгнення. Справу відкрито за ст. 438 ККУ. У XX ст. Харків був столицею. В Одеській обл. ППО збила 10 дронів.",
      ),
    ).toEqual([
      "У лютому 2022 р. Росія розпочала вторгнення.",
      "Справу відкрито за ст. 438 ККУ.",
      "У XX ст. Харків був столицею.",
      "В Одеській обл. ППО збила 10 дронів.",
    ]);
  });

  it("reads тис., млн, грн. and м. (метр) after a number as the end of a sentence before a capital word", () => {
    expect(
      splitSentences(
        "Збитки сягають 300 тис. грн. Кошти виділить громада. Виплатили понад 2 млн грн. Решту отримають згодом. Пожежа охопила 600 кв. м. Ніхто не постраждав. Ворог просунувся на 500 м. Бої тривають.",
      ),
    ).toEqual([
      "Збитки сягають 300 тис. грн.",
      "Кошти виділить громада.",
      "Виплатили понад 2 млн грн.",
      "Решту отримають згодом.",
      "Пожежа охопила 600 кв. м.",
      "Ніхто не постраждав.",
      "Ворог просунувся на 500 м.",
      "Бої тривають.",
    ]);
  });

  it("keeps a unit before an abbreviation in capitals (США, ЗСУ) and before lower case", () => {
    expect(
      splitSentences("Техніку вартістю 5 млн дол. США передали 40 тис. військовим. Далі буде."),
    ).toEqual(["Техніку вартістю 5 млн дол. США передали 40 тис. військовим.", "Далі буде."]);
  });

  it("ends a sentence inside «…» or right after it", () => {
    expect(
      splitSentences(
        "Речник сказав: «Ворог відступив.» Наступного дня бої стихли. Він додав: «Ми вистоїмо». Мітинг завершився. «Чи є шанс?» Відповіді не було.",
      ),
    ).toEqual([
      "Речник сказав: «Ворог відступив.»",
      "Наступного дня бої стихли.",
      "Він додав: «Ми вистоїмо».",
      "Мітинг завершився.",
      "«Чи є шанс?»",
      "Відповіді не було.",
    ]);
  });

  it("keeps a quotation of several sentences with its attribution (», — заявив …)", () => {
    expect(
      splitSentences(
        "«Ситуація складна. Але ми тримаємо оборону», — заявив речник. Бої тривають. «Дякуємо всім! Разом переможемо!» — написав мер. Кінець.",
      ),
    ).toEqual([
      "«Ситуація складна. Але ми тримаємо оборону», — заявив речник.",
      "Бої тривають.",
      "«Дякуємо всім! Разом переможемо!» — написав мер.",
      "Кінець.",
    ]);
  });

  it("keeps splitting a long quotation that stands on its own", () => {
    expect(splitSentences("«Ворог відступив. Ми тримаємось.» Далі буде.")).toEqual([
      "«Ворог відступив.",
      "Ми тримаємось.»",
      "Далі буде.",
    ]);
  });

  it("treats every apostrophe as part of the word, never as a quote", () => {
    expect(
      splitSentences("Пʼять дронів зʼявилися вночі. Обʼєкт пошкоджено. Сім’я вціліла."),
    ).toEqual(["Пʼять дронів зʼявилися вночі.", "Обʼєкт пошкоджено.", "Сім’я вціліла."]);
  });
});

describe("Ukrainian words for scoring", () => {
  it("tokenizes apostrophe words (', ’, ʼ) as one word", () => {
    expect(tokenize("П'ять, п’ять і пʼять: з'явився, з’явився, зʼявився «обʼєкт»")).toEqual([
      "п'ять",
      "п'ять",
      "і",
      "п'ять",
      "з'явився",
      "з'явився",
      "з'явився",
      "об'єкт",
    ]);
  });

  it("drops Ukrainian function words and keeps the words that carry meaning", () => {
    expect(
      contentTokens(
        tokenize("Вони також зазначили, що через це ворог знову атакував місто, яке вже було"),
      ),
    ).toEqual(["ворог", "атакував", "місто"]);
    for (const word of ["та", "який", "яке", "їхні", "цього", "тому", "можна", "від", "задля"]) {
      expect(stopWords.has(word), word).toBe(true);
    }
    for (const word of ["ракета", "дрон", "обстріл", "загинули"]) {
      expect(stopWords.has(word), word).toBe(false);
    }
  });

  it("summarizes Ukrainian text in whole sentences, preferring what the title names", () => {
    const text =
      "Місто з осені живе під обстрілами. У ніч на вівторок ракета влучила в підстанцію у м. Суми, без світла залишилися 20 тис. родин. «Працюємо цілодобово», — сказав В. Прикладенко. Світло обіцяють повернути до вечора.";
    const summary = summarizeExtractive(text, {
      title: "Ракетний удар по підстанції в Сумах знеструмив 20 тис. родин",
      maxSentences: 2,
    });
    expect(summary).toContain(
      "У ніч на вівторок ракета влучила в підстанцію у м. Суми, без світла залишилися 20 тис. родин.",
    );
    expect(splitSentences(summary)).toHaveLength(2);
  });

  it("stems Cyrillic words by their first letters and leaves other words alone", () => {
    expect(stem("харкові")).toBe(stem("харкова"));
    expect(stem("підстанції")).toBe(stem("підстанцій"));
    expect(stem("обстріл")).toBe(stem("обстрілу"));
    expect(stem("дрон")).toBe("дрон");
    expect(stem("substations")).toBe("substations");
    expect(stem("40000")).toBe("40000");
  });

  it("matches the title's words in another case when picking a sentence", () => {
    const text = [
      "Ворожі дрони атакували область уночі.",
      "Тривога тривала дві години.",
      "Уламки впали на околиці Полтави, пошкоджено склад.",
      "Уламки впали на околиці Кременчука, пошкоджено склад.",
    ].join(" ");
    // both share "уламки" and "склад" with the title; only the stem tells "Кременчуці" is "Кременчука"
    const summary = summarizeExtractive(text, {
      title: "Уламки пошкодили склад у Кременчуці",
      maxSentences: 1,
    });
    expect(summary).toBe("Уламки впали на околиці Кременчука, пошкоджено склад.");
  });

  it("leaves out a sentence that only says who reported the news", () => {
    const text = [
      "Уночі ракета влучила в підстанцію на півночі міста.",
      "Про це повідомив очільник обласної військової адміністрації.",
      "Без світла залишилися 20 тис. родин у трьох районах.",
      "Ремонтники відновлять живлення протягом доби.",
    ].join(" ");
    const summary = summarizeExtractive(text, { maxSentences: 3 });
    expect(summary).not.toContain("Про це повідомив");
    expect(splitSentences(summary)).toHaveLength(3);
  });
});
