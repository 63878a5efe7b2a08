import { Queue } from "bullmq";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { createArticleStore } from "../../src/articles/article-store.ts";
import { createTagger } from "../../src/articles/tagger.ts";
import { loadTopics } from "../../src/articles/topics.ts";
import { createFeedStateStore } from "../../src/feeds/feed-state.ts";
import type { PollOutcome } from "../../src/feeds/poll-source.ts";
import {
  createFeedPoller,
  FEEDS_QUEUE,
  type FeedPoller,
  type PollJobData,
} from "../../src/feeds/poller.ts";
import type { Source } from "../../src/feeds/sources.ts";
import { createRedis } from "../../src/redis/connection.ts";
import { type FeedServer, startFeedServer } from "../support/feed-server.ts";
import { type TestRedis, useRedis } from "../support/redis.ts";
import { waitFor } from "../support/wait-for.ts";

const tagger = createTagger(
  loadTopics(new URL("../../content/topics.json", import.meta.url).pathname),
);
const TICK_MS = 400;

let server: FeedServer;
beforeEach(async () => {
  server = await startFeedServer();
});
afterEach(async () => {
  await server.close();
});

function feed(id: string): string {
  return `<?xml version="1.0"?><!-- Invented test feed: not news. --><rss version="2.0"><channel><title>Invented</title><link>https://example.org/</link><item><title>Invented headline from ${id}</title><link>https://example.org/${id}/1</link><guid>${id}-1</guid><description>An invented sentence about nothing in particular.</description></item></channel></rss>`;
}

function source(id: string, overrides: Partial<Source> = {}): Source {
  server.route(`/${id}`, { headers: { "content-type": "application/rss+xml" }, body: feed(id) });
  return {
    id,
    name: `Example ${id}`,
    url: server.url(`/${id}`),
    lang: "en",
    pollMinutes: 15,
    enabled: true,
    fallbackUrls: [],
    ...overrides,
  };
}

/** A poller as one instance of the bot would run it, on its own connection to the test Redis. */
function instance(t: TestRedis, sources: Source[]): FeedPoller {
  const connection = createRedis(t.url);
  const poller = createFeedPoller({
    connection,
    keys: t.keys,
    sources,
    articles: createArticleStore(connection, t.keys),
    tagger,
    logger: pino({ level: "silent" }),
    everyMs: () => TICK_MS,
    nextDelayMs: () => 0,
  });
  onTestFinished(async () => {
    await poller.stop();
    // quit, not disconnect: replies still owed to BullMQ arrive before it closes
    await connection.quit().catch(() => connection.disconnect());
  });
  return poller;
}

function queue(t: TestRedis): Queue<PollJobData, PollOutcome | undefined> {
  const q = new Queue<PollJobData, PollOutcome | undefined>(FEEDS_QUEUE, {
    connection: t.redis,
    prefix: t.keys.queuePrefix(),
  });
  onTestFinished(() => q.close());
  return q;
}

describe("feed poller", () => {
  it("fetches each source once per tick however many instances run", async () => {
    const t = await useRedis();
    const sources = [source("alpha"), source("beta")];
    const one = instance(t, sources);
    const two = instance(t, sources);
    await Promise.all([one.start(), two.start()]);

    await waitFor(
      () => server.requestsTo("/alpha").length >= 4 && server.requestsTo("/beta").length >= 4,
      { message: "four polls of each source" },
    );
    await Promise.all([one.stop(), two.stop()]);

    const q = queue(t);
    expect((await q.getJobSchedulers()).map((s) => s.key).sort()).toEqual(["alpha", "beta"]);
    const done = await q.getJobs(["completed", "failed"]);
    expect(await q.getJobCounts("failed")).toEqual({ failed: 0 });
    for (const id of ["alpha", "beta"]) {
      const jobs = done.filter((job) => job.data.sourceId === id);
      const ticks = new Set(jobs.map((job) => job.id?.split(":").at(-1)));
      expect(ticks.size).toBe(jobs.length);
      // a tick that comes while the previous poll still runs (a slow machine) is skipped as busy
      const fetched = jobs.filter((job) => job.returnvalue?.kind === "fetched");
      const busy = jobs.filter(
        (job) => job.returnvalue?.kind === "skipped" && job.returnvalue.reason === "busy",
      );
      expect(fetched.length + busy.length).toBe(jobs.length);
      expect(server.requestsTo(`/${id}`)).toHaveLength(fetched.length);
    }
    const articles = createArticleStore(t.redis, t.keys);
    expect(await articles.count()).toBe(2);
  });

  it("keeps a paused source's schedule but does not fetch it", async () => {
    const t = await useRedis();
    const sources = [source("alpha"), source("beta")];
    await createFeedStateStore(t.redis, t.keys).setPaused("beta", true);
    const poller = instance(t, sources);
    await poller.start();
    const q = queue(t);

    await waitFor(
      async () =>
        (await q.getJobs(["completed"])).filter((j) => j.data.sourceId === "beta").length >= 2,
      { message: "two ticks of the paused source" },
    );

    expect(server.requestsTo("/beta")).toHaveLength(0);
    expect(server.requestsTo("/alpha").length).toBeGreaterThan(0);
  });

  it("removes the schedule of a source that is no longer enabled", async () => {
    const t = await useRedis();
    const first = instance(t, [source("alpha"), source("beta")]);
    await first.start();
    await first.stop();

    const second = instance(t, [source("alpha"), source("beta", { enabled: false })]);
    await second.start();

    expect((await queue(t).getJobSchedulers()).map((s) => s.key)).toEqual(["alpha"]);
  });

  it("polls one source on demand without starting", async () => {
    const t = await useRedis();
    const poller = instance(t, [source("alpha")]);

    expect(await poller.pollNow("alpha")).toMatchObject({ kind: "fetched", created: 1 });
    expect(server.requestsTo("/alpha")).toHaveLength(1);
    await expect(poller.pollNow("nope")).rejects.toThrow(/no source with id "nope"/);
  });
});
