import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Files of one job each: a source file past this many lines is doing more
 * than one thing and wants splitting (functions are held to 80 lines by
 * biome's noExcessiveLinesPerFunction, see biome.json).
 */
const MAX_FILE_LINES = 400;
const root = join(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("source files", () => {
  it(`stay under ${MAX_FILE_LINES} lines each`, () => {
    const files = sourceFiles(join(root, "src"));
    expect(files.length).toBeGreaterThan(100);
    const long = files
      .map((file) => ({
        file: relative(root, file),
        lines: readFileSync(file, "utf8").split("\n").length - 1,
      }))
      .filter(({ lines }) => lines > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });
});
