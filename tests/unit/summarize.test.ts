import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isBoilerplate } from "../../src/articles/boilerplate.ts";
import { splitSentences } from "../../src/articles/sentences.ts";
import { summarize } from "../../src/articles/summarize.ts";

// Every text below is invented for these tests; none of it is news.

const length = (s: string) => [...s].length;

describe("splitSentences", () => {
  it("splits on full stops, question and exclamation marks followed by a capital", () => {
    expect(splitSentences("The first one. The second one? The third one! The end")).toEqual([
      "The first one.",
      "The second one?",
      "The third one!",
      "The end",
    ]);
  });

  it.each([
    [
      "Lt. Gen. Ivan Example spoke. Then he left.",
      ["Lt. Gen. Ivan Example spoke.", "Then he left."],
    ],
    [
      "The U.S. Department said so. Then it stopped.",
      ["The U.S. Department said so.", "Then it stopped."],
    ],
    [
      "Dr. Example and Prof. Sample agreed. Fine.",
      ["Dr. Example and Prof. Sample agreed.", "Fine."],
    ],
    ["Growth was 1.5 percent. Later 2.25.", ["Growth was 1.5 percent.", "Later 2.25."]],
    ["J. R. Example wrote it. Done.", ["J. R. Example wrote it.", "Done."]],
    ["See e.g. Example Street. Done.", ["See e.g. Example Street.", "Done."]],
    ["It was No. 5 on the list. Done.", ["It was No. 5 on the list.", "Done."]],
    ["The site example.org. Done.", ["The site example.org.", "Done."]],
    ["О. Приклад заявив про 11 тис. осіб. Далі.", ["О. Приклад заявив про 11 тис. осіб.", "Далі."]],
    ["На вул. Прикладній тихо. Далі.", ["На вул. Прикладній тихо.", "Далі."]],
    ["В 2024 г. Пример уехал. Дальше.", ["В 2024 г. Пример уехал.", "Дальше."]],
  ])("keeps abbreviations, decimals and initials together: %s", (text, expected) => {
    expect(splitSentences(text)).toEqual(expected);
  });

  it("keeps closing quotes with their sentence and does not split before lower case", () => {
    expect(splitSentences("He said: “We will stay.” Then he left. “Why?” she asked.")).toEqual([
      "He said: “We will stay.”",
      "Then he left.",
      "“Why?” she asked.",
    ]);
    expect(splitSentences("«Ми тут». Далі. «Чому?» — спитала вона.")).toEqual([
      "«Ми тут».",
      "Далі.",
      "«Чому?» — спитала вона.",
    ]);
  });

  it("splits after an ellipsis before a capital, not before a lower-case word", () => {
    expect(
      splitSentences("They were trying to… literally hide it. Nobody knew… Then it ended."),
    ).toEqual(["They were trying to… literally hide it.", "Nobody knew…", "Then it ended."]);
  });

  it("splits Cyrillic sentences", () => {
    expect(splitSentences("Перше речення. Друге речення! Третье предложение? Ещё.")).toEqual([
      "Перше речення.",
      "Друге речення!",
      "Третье предложение?",
      "Ещё.",
    ]);
  });

  it("ends a sentence at every line break, drops list bullets and collapses whitespace", () => {
    expect(
      splitSentences("A heading without a stop\n\n  • An item   with\tspace\r\n- another item\n"),
    ).toEqual(["A heading without a stop", "An item with space", "another item"]);
  });

  it("returns nothing for empty or blank text", () => {
    expect(splitSentences("")).toEqual([]);
    expect(splitSentences(" \n\t \n")).toEqual([]);
  });
});

describe("summarize", () => {
  const s1 = "The example council met on Monday to discuss the invented plan.";
  const s2 = "Members of the council agreed on three points after a long debate.";
  const s3 = "A second meeting is planned for next month in the same invented town.";
  const s4 = "This fourth sentence should never appear with the default options.";

  it("returns the leading sentences, at most three by default", () => {
    expect(summarize([s1, s2, s3, s4].join(" "))).toBe([s1, s2, s3].join(" "));
    expect(summarize([s1, s2, s3].join(" "), { maxSentences: 1 })).toBe(s1);
  });

  it("leaves out a sentence that does not fit rather than cutting it", () => {
    const long = `${"A long invented sentence that goes on ".repeat(12).trim()}.`;
    const text = [s1, long, "Short."].join(" ");
    const summary = summarize(text, { maxChars: s1.length + 10 });
    expect(summary).toContain(s1);
    expect(summary).not.toContain("A long invented");
  });

  it("keeps the whole text when it fits in maxChars", () => {
    expect(summarize([s1, s2].join(" "), { maxChars: s1.length + 1 + s2.length })).toBe(
      `${s1} ${s2}`,
    );
    expect(summarize([s1, s2].join(" "), { maxChars: s1.length + s2.length })).toBe(s1);
  });

  it("returns an empty string for empty, blank or tag-only input", () => {
    expect(summarize("")).toBe("");
    expect(summarize("   \n\t ")).toBe("");
    expect(summarize("<p></p><div> </div><script>var a = 1;</script>")).toBe("");
  });

  it("strips HTML, decodes entities and collapses whitespace", () => {
    const html = `<article><h1>An invented headline</h1>
      <p>Troops &amp; tanks&nbsp;moved <b>near</b> the &ldquo;example&rdquo; town&#8230; Nobody&#x2019;s home.</p>
      <script>alert("x")</script><style>p { color: red }</style>
      <figure><img src="a.jpg"><figcaption>Photo: An Example Agency</figcaption></figure>
      <p>Everyone &lt;left&gt; the   area.</p></article>`;
    expect(summarize(html)).toBe(
      "An invented headline Troops & tanks moved near the “example” town… Nobody’s home.",
    );
    expect(summarize(html, { maxSentences: 4 })).toBe(
      "An invented headline Troops & tanks moved near the “example” town… Nobody’s home. Everyone <left> the area.",
    );
  });

  it("treats paragraphs and line breaks as sentence ends", () => {
    const summary = summarize(
      "<p>First paragraph</p><p>Second paragraph</p>first line<br>second line",
    );
    const pieces = ["First paragraph", "Second paragraph", "first line", "second line"];
    // three whole pieces, in document order, none merged with its neighbour
    const picked = pieces.filter((p) => summary.includes(p));
    expect(picked).toHaveLength(3);
    expect(summary).toBe(picked.join(" "));
  });

  it("drops boilerplate sentences and lines", () => {
    const text = [
      "byJane Example",
      "17/12/2024",
      "2 minute read",
      "Read also: An invented related story",
      s1,
      "Subscribe to our Telegram channel for more invented news.",
      "Photo: Example Agency",
      "Follow us on X.",
      "Support us on Patreon.",
      "Share this article",
      "Читайте також: вигадана новина",
      "Підписуйтесь на наш канал.",
      s2,
    ].join("\n");
    expect(summarize(text)).toBe(`${s1} ${s2}`);
  });

  it.each([
    ["Read also: something"],
    ["READ MORE: something"],
    ["Subscribe"],
    ["Follow us on Telegram"],
    ["Support us"],
    ["Share:"],
    ["Photo: Example Agency"],
    ["Left: an invented photo of a street (source: Example)"],
    ["Читайте також: щось"],
    ["Читайте также: что-то"],
    ["Підписуйтесь на наш Telegram"],
    ["Подписывайтесь на наш канал"],
    ["Фото: вигадане агентство"],
    ["To stay informed, subscribe to our newsletter."],
    ["By Jane Example"],
    ["3 min read"],
    ["December 17, 2024"],
  ])("calls %j boilerplate", (sentence) => {
    expect(isBoilerplate(sentence)).toBe(true);
  });

  it.each([
    ["Shares of the invented company fell sharply."],
    ["Support for the invented plan grew."],
    ["Subscribers of the invented service complained."],
    ["Photographs of the invented town were published."],
    ["By Friday, the invented convoy had arrived."],
    ["Followers of the invented blog left."],
  ])("keeps %j", (sentence) => {
    expect(isBoilerplate(sentence)).toBe(false);
  });

  it("does not split at abbreviations", () => {
    const text =
      "Lt. Gen. Ivan Example met U.S. officials and Dr. Sample, who said 1.5 thousand J. R. Example units moved. Next.";
    expect(summarize(text, { maxSentences: 1 })).toBe(
      "Lt. Gen. Ivan Example met U.S. officials and Dr. Sample, who said 1.5 thousand J. R. Example units moved.",
    );
  });

  it("cuts a first sentence longer than maxChars at a word boundary and adds an ellipsis", () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}z,`);
    const out = summarize(`${words.join(" ")} end.`, { maxChars: 100 });
    expect(length(out)).toBeLessThanOrEqual(100);
    expect(out.endsWith("…")).toBe(true);
    const body = out.slice(0, -1);
    expect(body.endsWith(",")).toBe(false);
    expect(`${words.join(" ")} end.`.startsWith(body)).toBe(true);
    expect(words).toContain(`${body.split(" ").at(-1)},`);
  });

  it("cuts a single word longer than maxChars where it must", () => {
    const out = summarize("ж".repeat(800));
    expect(out).toBe(`${"ж".repeat(499)}…`);
    // after an opening quote the first word is still the first word
    expect(summarize("« ..a", { maxChars: 4 })).toBe("« .…");
  });

  it("counts characters as code points, so emoji do not break the limit", () => {
    const out = summarize(`${"Kyiv 🇺🇦 ".repeat(200)}.`, { maxChars: 50 });
    expect(length(out)).toBeLessThanOrEqual(50);
    expect(out).toMatch(/(?:🇺🇦|Kyiv)…$/u);
  });

  it("returns an empty string for limits below one", () => {
    expect(summarize(s1, { maxChars: 0 })).toBe("");
    expect(summarize(s1, { maxSentences: 0 })).toBe("");
    expect(summarize(s1, { maxChars: Number.NaN })).toBe("");
  });

  it("is deterministic", () => {
    const text = [s1, s2, s3, s4].join(" ");
    expect(summarize(text)).toBe(summarize(text));
  });
});

describe("summarize properties", () => {
  const letters = [
    ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    ..."абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯёЁыЫэЭ",
    ..."0123456789",
  ];
  const marks = [
    ".",
    ",",
    "!",
    "?",
    "…",
    "—",
    "-",
    "'",
    "’",
    "«",
    "»",
    "“",
    "”",
    ":",
    ";",
    "(",
    ")",
  ];
  const char = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...letters) },
    { weight: 2, arbitrary: fc.constantFrom(...marks) },
    { weight: 1, arbitrary: fc.constantFrom("🇺🇦", "🚀", "e\u0301") },
  );
  const word = fc.oneof(
    { weight: 20, arbitrary: fc.string({ unit: char, minLength: 1, maxLength: 15 }) },
    { weight: 1, arbitrary: fc.string({ unit: char, minLength: 300, maxLength: 900 }) },
  );
  const words = fc.array(word, { minLength: 0, maxLength: 250 });
  const maxChars = fc.oneof(fc.constant(500), fc.integer({ min: 1, max: 600 }));
  const junk = /^[,;:—–\-([{"“„«‘]*$/u;

  it("never passes maxChars, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 2000 }), (text) => {
        const out = summarize(text);
        expect(length(out)).toBeLessThanOrEqual(500);
        expect(out).not.toMatch(
          /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
        );
      }),
    );
    fc.assert(
      fc.property(words, maxChars, (ws, max) => {
        expect(length(summarize(ws.join(" "), { maxChars: max }))).toBeLessThanOrEqual(max);
      }),
    );
  });

  it("never ends in the middle of a word", () => {
    fc.assert(
      fc.property(words, maxChars, (ws, max) => {
        const out = summarize(ws.join(" "), { maxChars: max });
        if (out === "") return;
        const endsWord = (token: string) =>
          ws.some((w) => w === token || (w.startsWith(token) && junk.test(w.slice(token.length))));
        const tokens = out.split(" ");
        for (const token of tokens.slice(0, -1)) expect(ws).toContain(token);
        if (endsWord(tokens.at(-1) ?? "")) return;
        // cut: what precedes the added "…" ends a word, or is a first word longer than the
        // limit (after nothing but opening quotes or dashes), cut to fill it
        expect(out.endsWith("…"), `${JSON.stringify(out)} ends mid-word`).toBe(true);
        const last = (tokens.at(-1) ?? "").slice(0, -1);
        const firstWord = tokens.slice(0, -1).every((token) => junk.test(token));
        const forced = firstWord && length(out) === max;
        expect(endsWord(last) || forced, `${JSON.stringify(out)} ends mid-word`).toBe(true);
      }),
    );
  });

  it("picks whole sentences, in document order, when nothing had to be cut", () => {
    fc.assert(
      fc.property(words, fc.integer({ min: 1, max: 5 }), (ws, maxSentences) => {
        const text = ws.join(" ");
        const out = summarize(text, { maxSentences });
        if (out === "" || out.endsWith("…")) return;
        const sentences = splitSentences(text).filter((s) => !isBoilerplate(s));
        // out must be a subsequence of the sentences joined by spaces
        let rest = out;
        let used = 0;
        for (const sentence of sentences) {
          if (rest === sentence || rest.startsWith(`${sentence} `)) {
            rest = rest.slice(sentence.length).trimStart();
            used++;
          }
          if (rest === "") break;
        }
        expect(rest).toBe("");
        expect(used).toBeLessThanOrEqual(maxSentences);
      }),
    );
  });
});
