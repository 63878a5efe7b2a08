import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { createClusters } from "../articles/clusters.ts";
import { closeRedis, createRedis } from "../redis/connection.ts";
import type { RedisHealth } from "../redis/health.ts";
import { type PollOutcome, type PollSourceDeps, pollSource } from "./poll-source.ts";
import type { Source } from "./sources.ts";

export const FEEDS_QUEUE = "feeds";
const POLL_JOB = "poll";
const DEFAULT_CONCURRENCY = 2;

export interface PollJobData {
  sourceId: string;
}

export type FeedPollerOptions = Omit<PollSourceDeps, "redis"> & {
  sources: readonly Source[];
  /** how often each source's job runs; default its pollMinutes */
  everyMs?: (source: Source) => number;
  /** sources polled at once by this instance; default 2 */
  concurrency?: number;
  /** hears the errors of the poller's connection, queue and worker; connection errors are its to log */
  health?: RedisHealth;
  /** told what each scheduled poll came to ("fetched", "failed", ..., "error" when it threw); for metrics */
  onPolled?(sourceId: string, result: string): void;
} & (
    | {
        /** not auto-pipelined (BullMQ duplicates it for blocking commands); not closed by stop() */
        connection: Redis;
      }
    | {
        /** the poller opens (and on stop closes) its own connection */
        redisUrl: string;
      }
  );

export interface FeedPoller {
  /** Schedules every enabled source and starts taking poll jobs. */
  start(): Promise<void>;
  /** Stops taking jobs, waits for running polls, closes what start() opened. */
  stop(): Promise<void>;
  /** Polls one source at once (not waiting for its interval, but obeying a backoff). */
  pollNow(sourceId: string): Promise<PollOutcome>;
}

/**
 * Polls the feeds through BullMQ: one job scheduler per enabled source on the
 * "feeds" queue under our key prefix, repeating every pollMinutes. However
 * many instances run, each tick is one job taken by one worker, so a source
 * is fetched once per interval. The job runs pollSource, which skips a
 * paused source and obeys backoffs and Retry-After. A paused source keeps its
 * scheduler, so polling resumes as soon as an editor unpauses it. Schedulers
 * of sources no longer enabled are removed at start.
 */
export function createFeedPoller(options: FeedPollerOptions): FeedPoller {
  const owned = "redisUrl" in options;
  const connection =
    "connection" in options
      ? options.connection
      : createRedis(options.redisUrl, { health: options.health });
  const { logger, keys, articles, tagger } = options;
  const deps: PollSourceDeps = {
    ...options,
    redis: connection,
    clusters: options.clusters ?? createClusters(articles, tagger),
  };
  const byId = new Map(options.sources.map((source) => [source.id, source]));
  const log = logger.child({ component: "feeds" });
  const onError = (what: string) =>
    options.health?.onError(what) ?? ((err: Error) => log.error({ err }, what));
  let queue: Queue<PollJobData> | undefined;
  let worker: Worker<PollJobData, PollOutcome | undefined> | undefined;

  function find(sourceId: string): Source {
    const source = byId.get(sourceId);
    if (!source) throw new Error(`no source with id "${sourceId}" in sources.json`);
    return source;
  }

  return {
    async start() {
      if (worker) return;
      const prefix = keys.queuePrefix();
      queue = new Queue<PollJobData>(FEEDS_QUEUE, { connection, prefix });
      queue.on("error", onError("feed queue error"));
      const enabled = options.sources.filter((source) => source.enabled);
      for (const source of enabled) {
        await queue.upsertJobScheduler(
          source.id,
          { every: options.everyMs?.(source) ?? source.pollMinutes * 60_000 },
          {
            name: POLL_JOB,
            data: { sourceId: source.id },
            opts: {
              attempts: 1,
              removeOnComplete: { age: 24 * 3600, count: 1000 },
              removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
            },
          },
        );
      }
      const wanted = new Set(enabled.map((source) => source.id));
      for (const scheduler of await queue.getJobSchedulers()) {
        if (!wanted.has(scheduler.key)) {
          await queue.removeJobScheduler(scheduler.key);
          log.info({ source: scheduler.key }, "removed the schedule of a source no longer enabled");
        }
      }

      worker = new Worker<PollJobData, PollOutcome | undefined>(
        FEEDS_QUEUE,
        async (job) => {
          const source = byId.get(job.data.sourceId);
          if (!source?.enabled) {
            log.warn({ source: job.data.sourceId }, "poll job for a source not enabled here");
            return undefined;
          }
          const outcome = await pollSource(source, deps);
          options.onPolled?.(source.id, outcome.kind);
          return outcome;
        },
        { connection, prefix, concurrency: options.concurrency ?? DEFAULT_CONCURRENCY },
      );
      worker.on("failed", (job, err) => {
        if (job) options.onPolled?.(job.data.sourceId, "error");
        log.error({ err, source: job?.data.sourceId }, "feed poll failed");
      });
      worker.on("error", onError("feed worker error"));
      log.info({ sources: enabled.length }, "feed poller started");
    },

    async stop() {
      // with Redis down a poll cannot finish: stop at once (the next interval polls again)
      await worker?.close(options.health?.isUp() === false);
      await queue?.close();
      worker = undefined;
      queue = undefined;
      if (owned) await closeRedis(connection);
    },

    async pollNow(sourceId) {
      return pollSource(find(sourceId), deps, { force: true });
    },
  };
}
