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
