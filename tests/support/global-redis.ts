import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { type EmbeddedRedis, startEmbeddedRedis } from "../../src/redis/embedded.ts";

let server: EmbeddedRedis | undefined;
let dir: string | undefined;

/** Starts one throwaway redis-server for the whole run, unless REDIS_URL is set. */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.REDIS_URL;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), "fd-test-redis-"));
    server = await startEmbeddedRedis({ dataDir: dir });
    url = server.url;
  }
  project.provide("redisUrl", url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
