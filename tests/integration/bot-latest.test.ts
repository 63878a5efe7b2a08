import { describe, expect, it } from "vitest";
import type { ArticleInput } from "../../src/articles/article.ts";
import { createClusters } from "../../src/articles/clusters.ts";
import { startBotHarness } from "../support/bot-harness.ts";

// Invented articles for tests only: example.org links, made-up outlets and text.
const HOUR = 3_600_000;
const BASE = Date.now() - 24 * HOUR;

function invented(i: number, extra: Partial<ArticleInput> = {}): ArticleInput {
  return {
    url: `https://example.org/latest/${i}`,
    title: `Invented headline ${i}`,
    summary: `Invented summary number ${i}.`,
    source: "Example Wire",
    publishedAt: BASE + i * HOUR,
    ...extra,
  };
}

function links(reply: { entities?: { type: string; url?: string }[] }): string[] {
  return (reply.entities ?? []).filter((e) => e.type === "text_link").map((e) => e.url ?? "");
}

describe("/latest links", () => {
  it("sends the publisher's link with its trailing slash, without trackers", async () => {
    const h = await startBotHarness();
    await h.articles.put(
      invented(1, {
        url: "https://example.org/news/grain-terminal-strike/?utm_source=rss&utm_medium=feed",
      }),
    );
    // the same page re-listed without the slash is still one article
    await h.articles.put(invented(1, { url: "https://example.org/news/grain-terminal-strike" }));
    expect(await h.articles.count()).toBe(1);
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/latest 5");
    const reply = await h.fake.waitForMessage(user.id);
    expect(links(reply)).toEqual(["https://example.org/news/grain-terminal-strike/"]);
  });
});

/** Three outlets' reports of one invented event, and one unrelated invented story. */
async function importOneStoryThrice(h: Awaited<ReturnType<typeof startBotHarness>>) {
  const clusters = createClusters(h.articles, h.deps.tagger);
  const reports: ArticleInput[] = [
    invented(10, {
      url: "https://example.org/wire/kursk-losses/",
      title: "North Korean soldiers suffer heavy losses in Kursk Oblast, intelligence says",
      summary:
        "Ukrainian military intelligence said North Korean troops fighting in Kursk Oblast lost dozens of soldiers in failed assaults near Plekhovo this week.",
      source: "Example Wire",
    }),
    invented(11, {
      url: "https://example.net/post/kursk",
      title: "Intelligence: dozens of North Korean troops killed in failed Kursk assaults",
      summary:
        "Dozens of North Korean soldiers were killed during unsuccessful attacks near Plekhovo in Russia's Kursk region, Ukraine's defence intelligence said.",
      source: "Example Post",
    }),
    invented(12, {
      url: "https://example.com/kursk-north-korea",
      title: "Dozens of North Korean soldiers killed near Plekhovo in Kursk Oblast",
      summary:
        "North Korean troops lost dozens of soldiers in failed assaults near Plekhovo in Kursk Oblast, Ukrainian military intelligence said.",
      source: "Example Daily",
    }),
  ];
  for (const input of reports) {
    const { article } = await h.articles.put(input);
    const session = await clusters.open(article.publishedAt, article.publishedAt);
    await session.assign(article);
  }
  await h.articles.put(
    invented(5, {
      title: "Kyiv city council approves budget for new bomb shelters in Kursk-style drills",
      summary: "The invented council voted for shelters in schools.",
      source: "Example Local",
    }),
  );
}

const STORY_LINKS = [
  "https://example.org/wire/kursk-losses/",
  "https://example.net/post/kursk",
  "https://example.com/kursk-north-korea",
];

/** The story is shown once: one "also reported by" line, each outlet's link once. */
function expectOnce(reply: { text: string; entities?: { type: string; url?: string }[] }) {
  expect(reply.text.match(/Also reported by/g)?.length).toBe(1);
  const shown = links(reply).filter((url) => STORY_LINKS.includes(url));
  expect(shown.sort()).toEqual([...STORY_LINKS].sort());
}

describe("one story, once", () => {
  it("/latest 5 shows three outlets' reports as one story, naming all three, and still the unrelated one", async () => {
    const h = await startBotHarness();
    await importOneStoryThrice(h);
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/latest 5");
    const reply = await h.fake.waitForMessage(user.id);
    expectOnce(reply);
    expect(reply.text).toMatch(/Also reported by: Example (Post|Daily), Example (Post|Daily)/);
    expect(reply.text).toContain("Example Wire");
    expect(reply.text).toContain("Kyiv city council approves budget");
    expect(links(reply)).toEqual(
      expect.arrayContaining([
        "https://example.org/wire/kursk-losses/",
        "https://example.net/post/kursk",
        "https://example.com/kursk-north-korea",
      ]),
    );
  });

  it("counts stories, not articles", async () => {
    const h = await startBotHarness();
    await importOneStoryThrice(h);
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/latest 2");
    const reply = await h.fake.waitForMessage(user.id);
    expect(reply.text).toContain("Kyiv city council approves budget");
    expectOnce(reply);
  });

  it("/search shows the story once with all three outlets named", async () => {
    const h = await startBotHarness();
    await importOneStoryThrice(h);
    const user = h.fake.addUser();
    h.fake.sendText(user.id, user, "/search Kursk");
    const reply = await h.fake.waitForMessage(user.id);
    expectOnce(reply);
    for (const outlet of ["Example Wire", "Example Post", "Example Daily"]) {
      expect(reply.text).toContain(outlet);
    }
    expect(reply.text).toContain("Kyiv city council approves budget");
  });
});
