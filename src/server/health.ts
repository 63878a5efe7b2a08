import type { Redis } from "ioredis";

export interface Readiness {
  /** Marks one part (a role, or the webhook) as started; ready needs every expected one. */
  started(part: string): void;
  /** From now on not ready ("stopping"): a load balancer stops sending before the parts stop. */
  stopping(): void;
  /** Ready when Redis answers PING within the timeout and every expected part has started. */
  check(): Promise<{ ready: boolean; notReady: string[] }>;
}

/**
 * What /readyz answers: the parts this process runs (its ROLES) that have
 * not started yet, and "redis" when Redis does not answer PING within
 * `timeoutMs` (default 1 s), so a load balancer sends nothing to a process
 * that cannot serve.
 */
export function createReadiness(options: {
  redis: Pick<Redis, "ping">;
  expected: readonly string[];
  timeoutMs?: number;
}): Readiness {
  const pending = new Set(options.expected);
  const timeoutMs = options.timeoutMs ?? 1000;
  async function redisAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((done) => {
      timer = setTimeout(() => done(false), timeoutMs);
    });
    try {
      return await Promise.race([options.redis.ping().then((r) => r === "PONG"), late]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    started: (part) => void pending.delete(part),
    stopping: () => void pending.add("stopping"),
    async check() {
      const notReady = [...pending];
      if (!(await redisAnswers())) notReady.unshift("redis");
      return { ready: notReady.length === 0, notReady };
    },
  };
}
