import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import { createReadiness } from "../../src/server/health.ts";
import { createHttpServer } from "../../src/server/http-server.ts";
import { createMetrics } from "../../src/server/metrics.ts";
import { useRedis } from "../support/redis.ts";

const logger = pino({ level: "silent" });

async function serve(
  options: Parameters<typeof createReadiness>[0],
  subscribers = () => Promise.resolve(3),
) {
  const readiness = createReadiness(options);
  let counted = 0;
  const metrics = createMetrics({
    queueCounts: async () => ({ waiting: 4, active: 1 }),
    subscribers: async () => {
      counted += 1;
      return subscribers();
    },
  });
  const server = createHttpServer({ port: 0, host: "127.0.0.1", readiness, metrics, logger });
  await server.start();
  onTestFinished(() => server.stop());
  const origin = `http://127.0.0.1:${server.port()}`;
  return { readiness, metrics, origin, subscriberReads: () => counted };
}

describe("the HTTP server", () => {
  it("is ready only once Redis answers and every expected role has started", async () => {
    const { redis } = await useRedis();
    const { readiness, origin } = await serve({ redis, expected: ["bot", "worker"] });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    const before = await fetch(`${origin}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ status: "not ready", notReady: ["bot", "worker"] });
    readiness.started("bot");
    readiness.started("worker");
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    readiness.stopping();
    expect(await (await fetch(`${origin}/readyz`)).json()).toEqual({
      status: "not ready",
      notReady: ["stopping"],
    });
  });

  it("is not ready when Redis does not answer PING in time", async () => {
    const silent = { ping: () => new Promise<"PONG">(() => undefined) };
    const { origin } = await serve({ redis: silent, expected: [], timeoutMs: 50 });
    const answer = await fetch(`${origin}/readyz`);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ status: "not ready", notReady: ["redis"] });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it("keeps each app's metrics apart, reads queue counts per scrape and subscribers from a cache", async () => {
    const { redis } = await useRedis();
    const one = await serve({ redis, expected: [] });
    const two = await serve({ redis, expected: [] });
    one.metrics.update("/start");
    one.metrics.send("retry_after");
    one.metrics.feedPoll("example", "failed");
    one.metrics.digest("late");
    const text = await (await fetch(`${one.origin}/metrics`)).text();
    expect(text).toContain('frontline_updates_total{type="/start"} 1');
    expect(text).toContain('frontline_sends_total{result="retry_after"} 1');
    expect(text).toContain('frontline_sends_total{result="ok"} 0');
    expect(text).toContain('frontline_feed_polls_total{source="example",result="failed"} 1');
    expect(text).toContain('frontline_digests_total{timing="late"} 1');
    expect(text).toContain('frontline_queue_jobs{state="waiting"} 4');
    expect(text).toContain("frontline_subscribers 3");
    expect(text).toContain("frontline_process_cpu_seconds_total");
    const other = await (await fetch(`${two.origin}/metrics`)).text();
    expect(other).not.toContain('frontline_updates_total{type="/start"}');
    await fetch(`${one.origin}/metrics`);
    expect(one.subscriberReads()).toBe(1);
    expect((await fetch(`${one.origin}/metrics/x`)).status).toBe(404);
  });
});
