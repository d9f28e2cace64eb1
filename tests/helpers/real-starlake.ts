import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { locateStarlake } from "../../src/starlake/locate-starlake.js";
import { pythonEnv } from "./python-env.js";

/**
 * The real Starlake CLI for integration tests: SL_STARLAKE_PATH, else the shared installer
 * (SLO_STARLAKE_INSTALL, default ../shared/starlake/install, which downloads its jars once), else
 * starlake on PATH. Undefined when there is none (see requiredStarlake).
 */
export function realStarlake(): string | undefined {
  const named = process.env.SL_STARLAKE_PATH;
  if (named) {
    const found = locateStarlake({ variable: named, searchPath: process.env.PATH });
    return "path" in found ? found.path : undefined;
  }
  const install = resolve(process.env.SLO_STARLAKE_INSTALL ?? "../shared/starlake/install");
  if (existsSync(install)) {
    const path = execFileSync(install, [], {
      encoding: "utf8",
      timeout: 900_000, // the first call fetches 614 MB of jars
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    if (existsSync(path)) return path;
  }
  const found = locateStarlake({ searchPath: process.env.PATH });
  return "path" in found ? found.path : undefined;
}

/**
 * The real Starlake CLI, which the integration tests need: without one they fail, saying how to
 * provide it (a test that did not run proved nothing).
 */
let required: string | undefined;
export function requiredStarlake(): string {
  if (required !== undefined) return required;
  const found = realStarlake();
  if (found === undefined)
    throw new Error(
      "no Starlake CLI: set SL_STARLAKE_PATH or SLO_STARLAKE_INSTALL, or put starlake on PATH",
    );
  required = found;
  fastStart(found);
  return found;
}

/**
 * Every real command of the tests starts its JVM from a class-data archive, about twice as fast
 * (scripts/starlake-jvm-options.sh, made once and cached), unless SL_JAVA_OPTS says otherwise.
 * The runners pass the process environment on to their commands.
 */
function fastStart(starlake: string): void {
  if (process.env.SL_JAVA_OPTS !== undefined) return;
  process.env.SL_JAVA_OPTS = execFileSync("bash", ["scripts/starlake-jvm-options.sh", starlake], {
    encoding: "utf8",
    timeout: 1_200_000,
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

/** A fresh copy of an example, as a runner gets it: Starlake moves its files and writes its database. */
export function freshCopy(example: string): string {
  const dir = mkdtempSync(join(tmpdir(), `slo-real-${example}-`));
  const copy = join(dir, example);
  cpSync(join("examples", example), copy, { recursive: true });
  return copy;
}

/** Each table of a DuckDB file and its row count, read with the file opened read-only. */
export function tableCounts(db: string): Record<string, number> {
  const python = join(pythonEnv("duckdb"), "bin", "python");
  const out = execFileSync(python, ["scripts/python/duckdb_tables.py", db, "--json"], {
    encoding: "utf8",
    timeout: 120_000,
  });
  const counts = JSON.parse(out) as Record<string, number>;
  // Starlake's own audit tables count each run: not the project's data
  return Object.fromEntries(Object.entries(counts).filter(([t]) => !t.startsWith("audit.")));
}
