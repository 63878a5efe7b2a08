import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { APP_ROOT, type AppProcess, startApp } from "../support/app-process.ts";
import { createAppWorld } from "../support/app-world.ts";
import { startFeedServer } from "../support/feed-server.ts";
import { freePort } from "../support/http-port.ts";
import { waitFor } from "../support/wait-for.ts";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Invented test feed: not news. -->
<rss version="2.0"><channel><title>Example Outlet</title><link>https://example.org/</link>
<item><title>Invented: a bridge reopens after repairs</title><link>https://example.org/lease/1</link>
<pubDate>${new Date(Date.now() - 3_600_000).toUTCString()}</pubDate>
<description>An invented bridge reopened after invented repairs, invented officials said.</description></item>
</channel></rss>`;

const LEASE_MS = 2000;

describe("leases (two processes of one deployment)", () => {
  it("polls each feed and ticks the scheduler in one process only, and the other takes over when it dies", async () => {
    const w = await createAppWorld((cleanup) => cleanups.push(cleanup));
    const feeds = await startFeedServer();
    const dir = mkdtempSync(join(tmpdir(), "fd-lease-"));
    cleanups.push(
      () => feeds.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    feeds.route("/feed", { headers: { "content-type": "application/rss+xml" }, body: FEED });
    copyFileSync(join(APP_ROOT, "content", "topics.json"), join(dir, "topics.json"));
    const source = { id: "example", name: "Example", url: feeds.url("/feed"), pollMinutes: 5 };
    writeFileSync(join(dir, "sources.json"), JSON.stringify({ sources: [source] }));

    const start = async (): Promise<{ app: AppProcess; origin: string }> => {
      const port = await freePort();
      const app = startApp({
        ...w.env,
        ROLES: "scheduler,worker,feeds",
        FEEDS_ENABLED: "true",
        CONTENT_DIR: dir,
        HTTP_PORT: String(port),
        LEASE_MS: String(LEASE_MS),
      });
      cleanups.push(() => app.stop());
      const origin = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${origin}/readyz`).catch(() => undefined))?.ok, {
        timeoutMs: 30_000,
        message: "/readyz to answer 200",
      });
      return { app, origin };
    };
    const one = await start();
    const two = await start();
    await waitFor(() => feeds.requestsTo("/feed").length > 0, { message: "the feed to be polled" });

    const holders = (lease: string) =>
      [one, two].filter((p) => p.app.output().includes(`took the ${lease} lease`));
    expect(holders("feeds")).toHaveLength(1);
    expect(holders("scheduler")).toHaveLength(1);
    expect(feeds.requestsTo("/feed")).toHaveLength(1);

    const [holder] = holders("scheduler");
    if (!holder) throw new Error("no process took the scheduler lease");
    const survivor = holder === one ? two : one;
    await holder.app.kill();

    // a chat that falls due now gets its digest from the survivor once it holds the lease
    const chat = w.fake.addChat({ type: "private" });
    await w.chats.ensure(chat.id, { kind: "private" });
    await w.chats.setStatus(chat.id, "active");
    await w.articles.put({
      url: "https://example.org/e2e/lease-digest",
      title: "Invented report delivered after the takeover",
      summary: "An invented summary, written only for this end-to-end test.",
      source: "Example Wire",
      publishedAt: Date.now() - 3_600_000,
      topics: ["frontline"],
    });
    await w.redis.zadd(w.keys.schedule(), Date.now() - 1000, String(chat.id));

    await survivor.app.waitForOutput("took the scheduler lease", 4 * LEASE_MS);
    await survivor.app.waitForOutput("took the feeds lease", 4 * LEASE_MS);
    await w.fake.waitForMessage(chat.id, (m) => m.text.includes("after the takeover"), {
      timeoutMs: 15_000,
    });
    expect((await fetch(`${survivor.origin}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${survivor.origin}/metrics`)).text();
    expect(metrics).toContain('frontline_sends_total{result="ok"} 1');
    expect(metrics).toContain('frontline_digests_total{timing="on_time"} 1');
    expect(await survivor.app.stop()).toBe(0);
    expect(survivor.app.output()).toContain("released the scheduler lease");
  });
});
