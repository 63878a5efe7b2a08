import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { StartupError } from "../errors.ts";
import { type EmbeddedRedisLog, RedisSupervisor } from "./embedded-supervisor.ts";

const NO_REDIS_MESSAGE =
  "Redis is needed: set REDIS_URL, or install redis-server (Debian/Ubuntu: apt-get install redis-server) so the bot can start its own, or run `docker compose up`.";

export interface EmbeddedRedis {
  /** unix:///... or redis://127.0.0.1:port */
  url: string;
  /** The running server's process id (a new one after a restart). */
  readonly pid: number;
  /** Stops the server (it writes its AOF first) and waits for it to exit; no restart follows. */
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  dataDir: string;
  /** Listen on this loopback TCP port instead of a Unix socket. */
  port?: number;
  /** How long to wait for the server to accept connections. */
  startTimeoutMs?: number;
  /** Where the supervisor reports an unexpected exit and a restart; default: nowhere. */
  logger?: EmbeddedRedisLog;
}

/** Unix socket paths are limited to about 107 bytes. */
const MAX_SOCKET_PATH = 100;

/**
 * Starts a private redis-server (from PATH) as a child process, with AOF
 * persistence in `dataDir`, so a second start sees the same data. Listens on
 * a Unix socket under dataDir unless a port is given. A server left over from
 * a killed run (its pid file still names a live process) is stopped first.
 * The server is supervised: when it exits other than through stop(), it is
 * started again on the same socket or port and data (the AOF keeps what was
 * written up to a second before), with backoff while it keeps failing.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const dir = resolve(options.dataDir, "redis");
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, "redis.pid");
  const ownerFile = join(dir, "owner.pid");
  await stopLeftover(pidFile, ownerFile);
  writeFileSync(ownerFile, String(process.pid));

  const socket = join(dir, "redis.sock");
  const useSocket = options.port === undefined && socket.length <= MAX_SOCKET_PATH;
  const port = options.port ?? (useSocket ? 0 : await freePort());
  const server: ServerSpec = {
    dir,
    args: serverArgs(dir, port, pidFile, useSocket ? socket : undefined),
    target: useSocket ? { path: socket } : { port },
    startTimeoutMs: options.startTimeoutMs ?? 10_000,
  };
  const launch = () => launchServer(server);
  const supervisor = new RedisSupervisor(await launch(), launch, options.logger, dir);
  const url = useSocket ? `unix://${socket}` : `redis://127.0.0.1:${port}`;
  return {
    url,
    get pid() {
      return supervisor.pid;
    },
    stop: () => supervisor.stop(),
  };
}

/** How to start one embedded redis-server, and where it then answers. */
interface ServerSpec {
  dir: string;
  args: string[];
  target: { path: string } | { port: number };
  startTimeoutMs: number;
}

/** redis-server's command line: AOF every second, no eviction, on `socket` when given. */
function serverArgs(dir: string, port: number, pidFile: string, socket?: string): string[] {
  return [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--appendonly",
    "yes",
    "--appendfsync",
    "everysec",
    "--save",
    "",
    "--maxmemory-policy",
    "noeviction",
    "--pidfile",
    pidFile,
    "--daemonize",
    "no",
    "--loglevel",
    "warning",
    "--logfile",
    join(dir, "redis.log"),
    ...(socket ? ["--unixsocket", socket, "--unixsocketperm", "700"] : []),
  ];
}

/** Starts redis-server and waits until it answers PING; a StartupError with its log's tail when it does not. */
async function launchServer(server: ServerSpec): Promise<ChildProcess> {
  const { dir, target } = server;
  if ("path" in target) rmSync(target.path, { force: true });
  // Its own process group: a Ctrl-C in the terminal reaches the app, which
  // then stops Redis last, after everything that uses it.
  const child = spawn("redis-server", server.args, { stdio: "ignore", detached: true });
  await new Promise<void>((ok, fail) => {
    child.once("spawn", ok);
    child.once("error", (err: NodeJS.ErrnoException) =>
      fail(err.code === "ENOENT" ? new StartupError(NO_REDIS_MESSAGE) : err),
    );
  });
  const deadline = Date.now() + server.startTimeoutMs;
  while (!(await answersPing(target))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      const tail = readTail(join(dir, "redis.log"));
      throw new StartupError(`redis-server did not start in ${dir}${tail ? `: ${tail}` : ""}`);
    }
    await sleep(25);
  }
  return child;
}

/**
 * A redis-server named in the pid file is either another running instance's
 * (its owner, recorded in owner.pid, is alive: refuse) or an orphan of a
 * killed run (stop it, then start afresh on the same data).
 */
async function stopLeftover(pidFile: string, ownerFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = readPid(pidFile);
  if (pid === undefined || !isRedis(pid)) return;
  const owner = readPid(ownerFile);
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    throw new StartupError(
      `${dirname(pidFile)} is in use by another running instance (pid ${owner}): stop it, or give this one another DATA_DIR or a REDIS_URL`,
    );
  }
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(25);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRedis(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("redis-server");
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readTail(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-2).join(" ").slice(0, 300);
  } catch {
    return "";
  }
}

/** True when a Redis server answers PING on this Unix socket or loopback port. */
export function answersPing(target: { path: string } | { port: number }): Promise<boolean> {
  return new Promise((done) => {
    const sock =
      "path" in target ? connect(target.path) : connect({ port: target.port, host: "127.0.0.1" });
    sock.setTimeout(500);
    sock.once("connect", () => sock.write("PING\r\n"));
    sock.once("data", (d) => {
      sock.destroy();
      done(d.toString().startsWith("+PONG"));
    });
    sock.once("error", () => done(false));
    sock.once("timeout", () => {
      sock.destroy();
      done(false);
    });
  });
}

/** Asks the OS for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    import("node:net").then(({ createServer }) => {
      const srv = createServer();
      srv.once("error", fail);
      srv.listen(0, "127.0.0.1", () => {
        const address = srv.address();
        const port = typeof address === "object" && address ? address.port : 0;
        srv.close(() => done(port));
      });
    }, fail);
  });
}
