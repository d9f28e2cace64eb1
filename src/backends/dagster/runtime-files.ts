import { SHARED_RUNTIME } from "../python/generated/runtime.js";
import {
  importLines,
  type PyImport,
  type RuntimeUnit,
  reachedUnits,
  runtimeUnits,
} from "../python/runtime-units.js";
import { DAGSTER_RUNTIME_FILES } from "./generated/runtime.js";

/**
 * The order in which a definitions file holds the runtime: where a step runs, its dates and its
 * command first; then the graph and assets built from them; what starts runs last.
 */
const ORDER = [
  "worker_paths.py",
  "dates.py",
  "words.py",
  "command.py",
  "steps.py",
  "graph.py",
  "return_load_files.py",
  "partitions.py",
  "assets.py",
  "schedules.py",
  "automation.py",
];

/** What a definitions file may import from outside the standard library: a Dagster code location's packages. */
const THIRD_PARTY = ["boto3", "botocore", "dagster", "dagster_aws", "dagster_gcp", "google"];

let units: RuntimeUnit[] | undefined;

/**
 * The units of src/backends/dagster/runtime/*.py and of the load helper shared with Airflow
 * (src/backends/python/runtime), cut once, in ORDER (files it does not name last, by name).
 */
function allUnits(): RuntimeUnit[] {
  const files: Record<string, string> = { ...DAGSTER_RUNTIME_FILES, ...SHARED_RUNTIME };
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  const names = Object.keys(files).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  units ??= runtimeUnits(Object.fromEntries(names.map((n) => [n, files[n] as string])));
  return units;
}

/**
 * The part of the .py runtime a definitions file needs, given the file's own code, and the
 * file's import lines for both: `imports` are the ones the file's own code needs.
 */
export function dagsterRuntime(
  code: string,
  imports: readonly PyImport[],
): { runtime: string; imports: string[] } {
  const reached = reachedUnits(allUnits(), code);
  const runtime = reached.map((u) => u.text).join("\n\n\n");
  const all = [...imports, ...reached.flatMap((u) => u.imports)];
  return { runtime, imports: importLines(all, `${code}\n${runtime}`, THIRD_PARTY) };
}
