import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchFeed, parseCacheMaxAge, parseRetryAfter } from "../../src/feeds/fetch-feed.ts";
import { parseFeedText } from "../../src/feeds/parse-feed.ts";
import { type FeedServer, readFixture, startFeedServer } from "../support/feed-server.ts";

let server: FeedServer;
beforeEach(async () => {
  server = await startFeedServer();
});
afterEach(async () => {
  await server.close();
});

const RSS_TYPE = { "content-type": "application/rss+xml; charset=utf-8" };
const rssFixture = () => readFixture("rss2-content.xml");

describe("fetchFeed", () => {
  it("fetches a feed and reports its validators and freshness", async () => {
    server.route("/feed", {
      headers: { ...RSS_TYPE, "cache-control": "public, max-age=600" },
      body: rssFixture(),
      etag: '"v1"',
      lastModified: "Tue, 17 Dec 2024 10:00:00 GMT",
    });
    const result = await fetchFeed(server.url("/feed"), {}, { userAgent: "FixtureAgent/1" });
    expect(result).toMatchObject({
      kind: "ok",
      status: 200,
      contentType: "application/rss+xml; charset=utf-8",
      etag: '"v1"',
      lastModified: "Tue, 17 Dec 2024 10:00:00 GMT",
      finalUrl: server.url("/feed"),
      cacheMaxAgeSec: 600,
      charset: "utf-8",
    });
    expect(result).not.toHaveProperty("permanentRedirect");
    if (result.kind !== "ok") throw new Error("expected ok");
    expect(parseFeedText(result.text).items).toHaveLength(2);
    const [request] = server.requestsTo("/feed");
    expect(request?.headers["user-agent"]).toBe("FixtureAgent/1");
    expect(request?.headers.accept).toMatch(/application\/rss\+xml/);
    expect(request?.headers).not.toHaveProperty("if-none-match");
    expect(request?.headers).not.toHaveProperty("if-modified-since");
  });

  it("sends the validators back exactly and reports 304 as not-modified", async () => {
    const etag = 'W/"5f-abc"';
    const lastModified = "Tue, 17 Dec 2024 10:00:00 GMT";
    server.route("/feed", {
      headers: { ...RSS_TYPE, "cache-control": "max-age=120" },
      body: rssFixture(),
      etag,
      lastModified,
    });
    const first = await fetchFeed(server.url("/feed"), {});
    if (first.kind !== "ok") throw new Error(`expected ok, got ${first.kind}`);
    const second = await fetchFeed(server.url("/feed"), {
      etag: first.etag,
      lastModified: first.lastModified,
    });
    expect(second).toEqual({ kind: "not-modified", cacheMaxAgeSec: 120 });
    const sent = server.requestsTo("/feed")[1]?.headers;
    expect(sent?.["if-none-match"]).toBe(etag);
    expect(sent?.["if-modified-since"]).toBe(lastModified);
  });

  it("reads a windows-1251 feed declared in the header or only in the XML", async () => {
    const xml = `<?xml version="1.0" encoding="windows-1251"?>
<!-- Invented test fixture: not real news. -->
<rss version="2.0"><channel><title>Вигаданий канал</title><link>https://example.org/</link>
<item><title>Вигадана новина: волонтери полагодили міст</title><link>https://example.org/uk/1</link></item>
</channel></rss>`;
    const bytes = iconv.encode(xml, "windows-1251");
    server.route("/header", {
      headers: { "content-type": "text/xml; charset=windows-1251" },
      body: bytes,
    });
    server.route("/declaration", { headers: { "content-type": "text/xml" }, body: bytes });
    for (const path of ["/header", "/declaration"]) {
      const result = await fetchFeed(server.url(path), {});
      if (result.kind !== "ok") throw new Error(`expected ok, got ${result.kind}`);
      expect(result.charset).toBe("windows-1251");
      expect(parseFeedText(result.text).items[0]?.title).toBe(
        "Вигадана новина: волонтери полагодили міст",
      );
    }
  });

  it("notes an unknown charset and reads the body as UTF-8", async () => {
    server.route("/feed", {
      headers: { "content-type": "application/rss+xml; charset=x-invented" },
      body: rssFixture(),
    });
    const result = await fetchFeed(server.url("/feed"), {});
    expect(result).toMatchObject({ kind: "ok", charset: "utf-8" });
    expect(result.kind === "ok" && result.charsetNote).toMatch(/x-invented/);
  });

  it("recognises an HTML page served instead of the feed", async () => {
    server.route("/feed", {
      headers: { "content-type": "text/html; charset=utf-8" },
      body: readFixture("html-page.html"),
    });
    expect(await fetchFeed(server.url("/feed"), {})).toEqual({ kind: "html" });
  });

  it("accepts a real feed even when it is served as text/html", async () => {
    server.route("/feed", { headers: { "content-type": "text/html" }, body: rssFixture() });
    expect(await fetchFeed(server.url("/feed"), {})).toMatchObject({ kind: "ok" });
  });

  it("asks to retry later on 429 with Retry-After seconds", async () => {
    server.route("/feed", { status: 429, headers: { "retry-after": "120" }, body: "slow down" });
    expect(await fetchFeed(server.url("/feed"), {})).toEqual({
      kind: "retry-later",
      status: 429,
      retryAfterSec: 120,
    });
  });

  it("asks to retry later on 503, with or without Retry-After", async () => {
    server.route("/dated", {
      status: 503,
      headers: { "retry-after": new Date(Date.now() + 3_600_000).toUTCString() },
    });
    server.route("/bare", { status: 503 });
    const dated = await fetchFeed(server.url("/dated"), {});
    expect(dated).toMatchObject({ kind: "retry-later", status: 503 });
    expect(dated.kind === "retry-later" && dated.retryAfterSec).toBeGreaterThan(3000);
    expect(await fetchFeed(server.url("/bare"), {})).toEqual({ kind: "retry-later", status: 503 });
  });

  it.each([403, 404, 410])("reports %i as gone", async (status) => {
    server.route("/feed", {
      status,
      headers: { "content-type": "text/html" },
      body: "<html>no</html>",
    });
    expect(await fetchFeed(server.url("/feed"), {})).toEqual({ kind: "gone", status });
  });

  it("reports a server error with its status", async () => {
    server.route("/feed", { status: 500, body: "oops" });
    expect(await fetchFeed(server.url("/feed"), {})).toEqual({
      kind: "error",
      reason: "server error 500",
      status: 500,
    });
  });

  it("gives up on a server that never sends headers", async () => {
    server.route("/feed", { hold: "headers" });
    const result = await fetchFeed(server.url("/feed"), {}, { timeoutMs: 150 });
    expect(result).toEqual({ kind: "error", reason: "timeout after 150 ms" });
  });

  it("gives up on a body that stalls halfway", async () => {
    server.route("/feed", { headers: RSS_TYPE, body: rssFixture(), hold: "body" });
    const result = await fetchFeed(server.url("/feed"), {}, { timeoutMs: 150 });
    expect(result).toEqual({ kind: "error", reason: "timeout after 150 ms" });
  });

  it("refuses a body whose declared length is over the cap without reading it", async () => {
    // the server declares more than it sends and then stalls: only the header can answer in time
    const body = rssFixture();
    server.route("/feed", { headers: RSS_TYPE, body, hold: "body" });
    const maxBytes = body.length;
    const result = await fetchFeed(server.url("/feed"), {}, { maxBytes, timeoutMs: 10_000 });
    expect(result).toEqual({
      kind: "error",
      reason: `too large: body over ${maxBytes} bytes`,
      status: 200,
    });
  });

  it("abandons an endless body once it passes the cap", async () => {
    server.route("/feed", { stream: "endless" });
    const result = await fetchFeed(
      server.url("/feed"),
      {},
      { maxBytes: 256 * 1024, timeoutMs: 10_000 },
    );
    expect(result).toEqual({
      kind: "error",
      reason: `too large: body over ${256 * 1024} bytes`,
      status: 200,
    });
  });

  it("accepts a streamed body under the cap", async () => {
    server.route("/feed", { stream: 100_000 });
    const result = await fetchFeed(server.url("/feed"), {}, { maxBytes: 100_000 });
    expect(result).toMatchObject({ kind: "ok" });
    expect(result.kind === "ok" && result.text.length).toBe(100_000);
  });

  it("follows a 301 and reports it as a permanent redirect", async () => {
    server.route("/old", { status: 301, headers: { location: "/new" } });
    server.route("/new", { headers: RSS_TYPE, body: rssFixture() });
    const result = await fetchFeed(server.url("/old"), {});
    expect(result).toMatchObject({
      kind: "ok",
      finalUrl: server.url("/new"),
      permanentRedirect: server.url("/new"),
    });
  });

  it("reports a permanent redirect on a 304 too, so the new URL is not lost", async () => {
    server.route("/old", { status: 301, headers: { location: "/new" } });
    server.route("/new", { headers: RSS_TYPE, body: rssFixture(), etag: '"v1"' });
    expect(await fetchFeed(server.url("/old"), { etag: '"v1"' })).toEqual({
      kind: "not-modified",
      permanentRedirect: server.url("/new"),
    });
  });

  it("follows a 302 without remembering it", async () => {
    server.route("/old", { status: 302, headers: { location: server.url("/new") } });
    server.route("/new", { headers: RSS_TYPE, body: rssFixture() });
    const result = await fetchFeed(server.url("/old"), {});
    expect(result).toMatchObject({ kind: "ok", finalUrl: server.url("/new") });
    expect(result).not.toHaveProperty("permanentRedirect");
  });

  it("remembers only the permanent start of a mixed redirect chain", async () => {
    server.route("/a", { status: 308, headers: { location: "/b" } });
    server.route("/b", { status: 307, headers: { location: "/c" } });
    server.route("/c", { status: 301, headers: { location: "/d" } });
    server.route("/d", { headers: RSS_TYPE, body: rssFixture() });
    const result = await fetchFeed(server.url("/a"), {});
    expect(result).toMatchObject({
      kind: "ok",
      finalUrl: server.url("/d"),
      permanentRedirect: server.url("/b"),
    });
  });

  it("stops after maxRedirects", async () => {
    server.route("/loop", { status: 302, headers: { location: "/loop" } });
    const result = await fetchFeed(server.url("/loop"), {}, { maxRedirects: 3 });
    expect(result).toEqual({ kind: "error", reason: "more than 3 redirects", status: 302 });
    expect(server.requestsTo("/loop")).toHaveLength(4);
  });

  it("reports a refused connection as a network error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await fetchFeed(`http://127.0.0.1:${port}/feed`, {});
    expect(result).toMatchObject({ kind: "error" });
    expect(result.kind === "error" && result.reason).toMatch(/^network error: ECONNREFUSED/);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2024-12-17T10:00:00Z");
  it.each([
    ["120", 120],
    ["0", 0],
    ["Tue, 17 Dec 2024 10:05:00 GMT", 300],
    ["Tue, 17 Dec 2024 09:00:00 GMT", 0],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
  ])("%j -> %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe("parseCacheMaxAge", () => {
  it.each([
    ["max-age=300", 300],
    ["public, max-age=60, must-revalidate", 60],
    ['max-age="90"', 90],
    ["no-cache, max-age=300", undefined],
    ["no-store", undefined],
    ["s-maxage=300", undefined],
    [null, undefined],
  ])("%j -> %j", (value, expected) => {
    expect(parseCacheMaxAge(value)).toBe(expected);
  });
});
