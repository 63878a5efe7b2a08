import { Writable } from "node:stream";
import { type Logger, pino } from "pino";

/** A log line as pino writes it. */
export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

/** pino's number for "error"; "fatal" is above it. */
export const ERROR_LEVEL = 50;

export interface LogCapture {
  logger: Logger;
  lines: LogLine[];
  /** lines at error level or above */
  errors(): LogLine[];
}

/** A pino logger (`level` and up, debug by default) that keeps its lines in memory, for tests that check what was logged. */
export function captureLogs(level: "debug" | "info" | "silent" = "debug"): LogCapture {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString("utf8").split("\n")) {
        if (text.trim()) lines.push(JSON.parse(text) as LogLine);
      }
      done();
    },
  });
  const logger = pino({ level }, sink);
  return { logger, lines, errors: () => lines.filter((l) => l.level >= ERROR_LEVEL) };
}
