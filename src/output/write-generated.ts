import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { GeneratedFile } from "../backends/orchestrator.js";
import { ConfigError } from "../errors.js";
import { writeFileAtomic } from "../util/write-atomic.js";

/** The list of files `slo generate` wrote into a folder: only these may be replaced or removed. */
export const MANIFEST = ".slo-manifest.json";

export interface WriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
}

interface Manifest {
  readonly generator: "starlake-orchestration";
  readonly orchestrator: string;
  readonly files: readonly string[];
}

function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch {
    throw new ConfigError(
      `${path}: not a manifest written by slo generate (invalid JSON); expected the file slo writes, or no file`,
    );
  }
}

/**
 * Writes generated files: unchanged files are not touched (Airflow re-parses on change only), a
 * file the folder already has but slo did not write is never overwritten, and with `clean` the
 * files an earlier run wrote that this run does not produce are removed: nothing else is.
 */
export function writeGenerated(
  dir: string,
  orchestrator: string,
  files: readonly GeneratedFile[],
  clean: boolean,
): WriteResult {
  const previous = readManifest(dir);
  const owned = new Set(previous?.files ?? []);
  const foreign = files.filter(
    (f) =>
      !owned.has(f.path) &&
      existsSync(join(dir, f.path)) &&
      readFileSync(join(dir, f.path), "utf8") !== f.content,
  );
  if (foreign.length > 0) {
    throw new ConfigError(
      foreign
        .map(
          (f) =>
            `${join(dir, f.path)}: exists and was not written by slo generate; expected a free name (move the file away, or generate into another folder)`,
        )
        .join("\n"),
    );
  }
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const f of files) {
    const path = join(dir, f.path);
    if (existsSync(path) && readFileSync(path, "utf8") === f.content) unchanged.push(f.path);
    else {
      writeFileAtomic(path, f.content);
      written.push(f.path);
    }
  }
  const produced = new Set(files.map((f) => f.path));
  const stale = [...owned].filter((p) => !produced.has(p)).sort();
  const removed: string[] = [];
  if (clean) {
    for (const p of stale) {
      rmSync(join(dir, p), { force: true });
      removed.push(p);
    }
  }
  const keep = clean ? [...produced] : [...new Set([...produced, ...stale])];
  const manifest: Manifest = {
    generator: "starlake-orchestration",
    orchestrator,
    files: keep.sort(),
  };
  writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { written, unchanged, removed };
}
