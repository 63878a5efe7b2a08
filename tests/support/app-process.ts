import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "./wait-for.ts";

/** The repository root, where `npm start` runs. */
export const APP_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The app running as a child process, as `npm start` runs it. */
export interface AppProcess {
  child: ChildProcess;
  /** everything it printed so far, stdout and stderr interleaved */
  output(): string;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<number | null>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** Waits until the output contains `text` (rejects early if the process exits first). */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /**
   * Asks it to stop (SIGINT, as Ctrl-C does) and resolves with its exit code;
   * kills it when it has not exited after `timeoutMs` (default 20 s).
   */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL to the app's whole process group: no shutdown code runs. */
  kill(): Promise<void>;
}

/**
 * Starts the app exactly as `npm start` does (node --import tsx src/main.ts), configured by
 * `env` alone: only PATH and HOME are inherited. The app gets a process
 * group of its own, so kill() reaches it and nothing else.
 */
export function startApp(
  env: Record<string, string>,
  /** another way to run it, e.g. the compiled `dist/main.js` in a built copy */
  how: { args?: string[]; cwd?: string } = {},
): AppProcess {
  const child = spawn(process.execPath, how.args ?? ["--import", "tsx", "src/main.ts"], {
    cwd: how.cwd ?? APP_ROOT,
    // no HTTP server unless a test asks for one, so parallel apps never race for a port
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      CI: "",
      HTTP_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (data: Buffer) => {
    output += data;
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  async function kill(): Promise<void> {
    if (gone || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is already gone
    }
    await exited;
  }

  return {
    child,
    output: () => output,
    exited,
    hasExited: () => gone,
    async waitForOutput(text, timeoutMs = 30_000) {
      await waitFor(() => output.includes(text) || gone, {
        timeoutMs,
        message: `the app to print "${text}"`,
      });
      if (!output.includes(text)) {
        throw new Error(`the app exited before printing "${text}":\n${output}`);
      }
    },
    async stop(timeoutMs = 20_000) {
      if (gone) return child.exitCode;
      child.kill("SIGINT");
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((done) => {
        timer = setTimeout(() => done("late"), timeoutMs);
      });
      const code = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (code !== "late") return code;
      await kill();
      return exited;
    },
    kill,
  };
}
