import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { APP_ROOT, type AppProcess, startApp } from "../support/app-process.ts";
import { createFakeTelegram } from "../support/fake-telegram.ts";
import { startFeedServer } from "../support/feed-server.ts";
import { waitFor } from "../support/wait-for.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An invented RSS feed (example.org links, not news) whose items are an hour old. */
function inventedFeed(now: number): string {
  const date = new Date(now - 3_600_000).toUTCString();
  const item = (n: number, title: string, body: string) => `
    <item>
      <title>${title}</title>
      <link>https://example.org/live/${n}</link>
      <guid>https://example.org/?p=${n}</guid>
      <pubDate>${date}</pubDate>
      <description><![CDATA[${body}]]></description>
    </item>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Invented test feed: not news. -->
<rss version="2.0"><channel><title>Example Outlet</title><link>https://example.org/</link>
${item(1, "Invented: drones strike a depot near Kharkiv", "<p>An invented drone attack hit a fuel depot near Kharkiv overnight, invented officials said. Firefighters worked until morning. Nobody was hurt, according to the invented report.</p><p>Read also: another invented story</p>")}
${item(2, "Invented: talks on prisoner exchange resume", "<p>Invented negotiators met again to discuss a prisoner exchange. The invented talks lasted four hours. A further round is planned.</p>")}
</channel></rss>`;
}

describe("live feeds (npm start with FEEDS_ENABLED)", () => {
  it("new items from a followed feed appear in /latest and in /digest, summarised and tagged", async () => {
    const fake = await createFakeTelegram();
    const feeds = await startFeedServer();
    const dir = mkdtempSync(join(tmpdir(), "fd-live-"));
    cleanups.push(
      () => fake.close(),
      () => feeds.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );

    feeds.route("/feed", {
      headers: { "content-type": "application/rss+xml; charset=utf-8" },
      body: inventedFeed(Date.now()),
    });
    copyFileSync(join(APP_ROOT, "content", "topics.json"), join(dir, "topics.json"));
    writeFileSync(
      join(dir, "sources.json"),
      JSON.stringify({
        sources: [
          {
            id: "example-outlet",
            name: "Example Outlet",
            url: feeds.url("/feed"),
            lang: "en",
            pollMinutes: 5,
            enabled: true,
          },
        ],
      }),
    );

    const app: AppProcess = startApp({
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATA_DIR: join(dir, "data"),
      CONTENT_DIR: dir,
      LOG_LEVEL: "warn",
    });
    cleanups.push(() => app.stop());

    await waitFor(() => feeds.requestsTo("/feed").length > 0, {
      timeoutMs: 30_000,
      message: "the app to poll the feed",
    });
    const reader = fake.addUser({ language_code: "en" });
    const latest = await waitFor(
      async () => {
        const seen = fake.sent(reader.id).length;
        fake.sendText(reader.id, reader, "/latest 2");
        const reply = await fake.waitForMessage(reader.id, () => true, { sinceIndex: seen });
        return reply.text.includes("drones strike a depot") ? reply : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, message: "the feed's items to reach /latest" },
    );
    expect(latest.text).toContain("talks on prisoner exchange resume");
    expect(latest.text).toContain("Example Outlet");
    expect(latest.text).toContain("#Air_war"); // tagged from the gazetteer
    expect(latest.text).not.toContain("Read also");

    const seen = fake.sent(reader.id).length;
    fake.sendText(reader.id, reader, "/digest");
    const digest = await fake.waitForMessage(reader.id, () => true, { sinceIndex: seen });
    expect(digest.text).toContain("drones strike a depot");
    expect(digest.text).toContain("talks on prisoner exchange resume");
  });
});
