import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";

/** What a send to Telegram came to, for frontline_sends_total. */
export type SendResult = "ok" | "retry_after" | "blocked" | "migrated" | "other";
/** What the scheduler did with a due chat's slot, for frontline_digests_total. */
type DigestTiming = "on_time" | "late" | "skipped";

export interface MetricsSources {
  /** job counts of the delivery queue by state (BullMQ getJobCounts), read at scrape time */
  queueCounts?(): Promise<Record<string, number>>;
  /** the number of subscribed chats; read at most every `subscribersCacheMs` */
  subscribers?(): Promise<number>;
  /** default 30 s */
  subscribersCacheMs?: number;
  clock?: () => number;
}

export interface Metrics {
  registry: Registry;
  update(type: string): void;
  send(result: SendResult): void;
  feedPoll(source: string, result: string): void;
  articleIngested(): void;
  digest(timing: DigestTiming): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  contentType: string;
}

/**
 * The process's Prometheus metrics in a registry of its own (not prom-client's
 * global one), so several apps can run in one process (tests). Default process
 * metrics and ours, all prefixed `frontline_`. Gauges are collected at scrape
 * time: queue counts straight from BullMQ (a few O(1) commands), the
 * subscriber count from a cache refreshed at most every subscribersCacheMs.
 */
export function createMetrics(sources: MetricsSources = {}): Metrics {
  const registry = new Registry();
  const clock = sources.clock ?? Date.now;
  collectDefaultMetrics({ register: registry, prefix: "frontline_" });
  const updates = new Counter({
    name: "frontline_updates_total",
    help: "Telegram updates taken, by update type (or command for a known command)",
    labelNames: ["type"],
    registers: [registry],
  });
  const sends = new Counter({
    name: "frontline_sends_total",
    help: "Messages the delivery worker sent, by Telegram's answer",
    labelNames: ["result"],
    registers: [registry],
  });
  const polls = new Counter({
    name: "frontline_feed_polls_total",
    help: "Feed polls, by source and result",
    labelNames: ["source", "result"],
    registers: [registry],
  });
  const ingested = new Counter({
    name: "frontline_articles_ingested_total",
    help: "Articles stored for the first time (feeds, content import, editors)",
    registers: [registry],
  });
  const digests = new Counter({
    name: "frontline_digests_total",
    help: "Digest slots the scheduler handled: on_time, late (after downtime), skipped (missed beyond the grace)",
    labelNames: ["timing"],
    registers: [registry],
  });
  for (const result of ["ok", "retry_after", "blocked", "migrated", "other"])
    sends.inc({ result }, 0);
  for (const timing of ["on_time", "late", "skipped"]) digests.inc({ timing }, 0);

  const { queueCounts, subscribers } = sources;
  if (queueCounts) {
    new Gauge({
      name: "frontline_queue_jobs",
      help: "Jobs of the delivery queue by state",
      labelNames: ["state"],
      registers: [registry],
      async collect() {
        const counts = await queueCounts();
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
  }
  if (subscribers) {
    const cacheMs = sources.subscribersCacheMs ?? 30_000;
    let cached: { at: number; value: number } | undefined;
    new Gauge({
      name: "frontline_subscribers",
      help: "Chats subscribed to digests (refreshed at most every 30 s)",
      registers: [registry],
      async collect() {
        if (!cached || clock() - cached.at >= cacheMs) {
          cached = { at: clock(), value: await subscribers() };
        }
        this.set(cached.value);
      },
    });
  }

  return {
    registry,
    update: (type) => updates.inc({ type }),
    send: (result) => sends.inc({ result }),
    feedPoll: (source, result) => polls.inc({ source, result }),
    articleIngested: () => ingested.inc(),
    digest: (timing) => digests.inc({ timing }),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
