import type { ChildProcess } from "node:child_process";

/** What the supervisor tells the log: one call per event. */
export interface EmbeddedRedisLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** Wait before restart attempt `n` (0, 1, ...) after an unexpected exit: 0.5 s doubling up to 30 s. */
function restartDelay(n: number): number {
  return Math.min(500 * 2 ** n, 30_000);
}

/** A server that stayed up this long counts as healthy: the next exit restarts at once again. */
const HEALTHY_MS = 60_000;

/**
 * Keeps an embedded redis-server running: when it exits other than through
 * stop(), it is launched again (same socket or port, same data), with
 * backoff while it keeps failing.
 */
export class RedisSupervisor {
  private child: ChildProcess;
  private stopping = false;
  private failures = 0;
  private upSince = Date.now();
  private restartTimer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  private readonly launch: () => Promise<ChildProcess>;
  private readonly log: EmbeddedRedisLog | undefined;
  private readonly dataDir: string;

  /** `child` was just started by `launch`, which starts the next one the same way. */
  constructor(
    child: ChildProcess,
    launch: () => Promise<ChildProcess>,
    log: EmbeddedRedisLog | undefined,
    dataDir: string,
  ) {
    this.child = child;
    this.launch = launch;
    this.log = log;
    this.dataDir = dataDir;
    this.supervise(child);
  }

  /** The running server's process id (a new one after a restart). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Stops the server and waits for it to exit; no restart follows. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.restarting;
    await stopChild(this.child);
  }

  private supervise(running: ChildProcess): void {
    running.once("exit", (code, signal) => {
      if (this.stopping) return;
      if (Date.now() - this.upSince >= HEALTHY_MS) this.failures = 0;
      const delayMs = restartDelay(this.failures++);
      this.log?.warn(
        { pid: running.pid, code, signal, restartInMs: delayMs },
        "embedded redis-server exited unexpectedly; restarting it",
      );
      this.restartIn(delayMs);
    });
  }

  private restartIn(delayMs: number): void {
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restarting = this.restart();
    }, delayMs);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      const next = await this.launch();
      this.child = next;
      this.upSince = Date.now();
      if (this.stopping) return;
      this.supervise(next);
      this.log?.info({ pid: next.pid, dataDir: this.dataDir }, "embedded redis-server restarted");
    } catch (err) {
      if (this.stopping) return;
      const delayMs = restartDelay(this.failures++);
      this.log?.warn(
        { reason: err instanceof Error ? err.message : String(err), restartInMs: delayMs },
        "embedded redis-server did not restart; trying again",
      );
      this.restartIn(delayMs);
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
