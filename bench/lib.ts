import { pathToFileURL } from "node:url";

/** One benchmark's result, printed as a single JSON line at its end. */
export interface BenchResult {
  bench: string;
  value: number;
  unit: string;
  /** the same quantity for a baseline measured in the same run, or null */
  baseline: number | null;
  /** value / baseline (or the ratio the benchmark defines), or null */
  ratio: number | null;
}

/** A benchmark: does its work, may print progress to stderr, returns its figure. */
export interface Bench {
  name: string;
  run(): Promise<BenchResult>;
}

/** Rounds to a few significant digits so the JSON line stays readable. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** (digits - Math.ceil(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

/** Builds a result with the ratio value/baseline. */
export function result(
  bench: string,
  value: number,
  unit: string,
  baseline: number | null,
  ratio: number | null = baseline ? value / baseline : null,
): BenchResult {
  return {
    bench,
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: ratio === null ? null : round(ratio),
  };
}

/**
 * Runs `bench` and prints its JSON line when its module is the entry point
 * (`npx tsx bench/<name>.ts`); does nothing when bench/run.ts imports it.
 */
export function runIfMain(bench: Bench, moduleUrl: string): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? "").href) return;
  bench.run().then(
    (figure) => {
      console.log(JSON.stringify(figure));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/**
 * A benchmark's chat count: the environment variable `name` when set (a
 * whole number, underscores allowed: 100_000), else `fallback`.
 */
export function chatCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const count = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`${name} must be a whole number of chats above 0, not "${raw}"`);
  }
  return count;
}
