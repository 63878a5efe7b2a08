import type { Bench } from "./lib.ts";

/**
 * Runs every benchmark (or those named on the command line) one after
 * another and prints each one's JSON line on stdout. Progress goes to stderr.
 */
const registry: Record<string, () => Promise<Bench>> = {
  latest: async () => (await import("./latest.ts")).latest,
  "chat-memory": async () => (await import("./chat-memory.ts")).chatMemory,
  ingest: async () => (await import("./ingest.ts")).ingest,
  rouge: async () => (await import("./rouge.ts")).rouge,
  "rouge-uk": async () => (await import("./rouge.ts")).rougeUk,
  fanout: async () => (await import("./fanout.ts")).fanout,
  paced: async () => (await import("./paced.ts")).paced,
  schedule: async () => (await import("./schedule.ts")).schedule,
  "watch-match": async () => (await import("./watch-match.ts")).watchMatch,
  "sent-memory": async () => (await import("./sent-memory.ts")).sentMemory,
};

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(registry);
let failed = false;
for (const name of names) {
  const load = registry[name];
  if (!load) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(registry).join(", ")}`);
    failed = true;
    continue;
  }
  try {
    const bench = await load();
    console.log(JSON.stringify(await bench.run()));
  } catch (err) {
    console.error(`benchmark ${name} failed:`, err);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
