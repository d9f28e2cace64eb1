import { SHARED_RUNTIME } from "../python/generated/runtime.js";
import {
  importLines,
  type PyImport,
  type RuntimeUnit,
  reachedUnits,
  runtimeUnits,
} from "../python/runtime-units.js";
import { AIRFLOW_RUNTIME } from "./generated/runtime.js";

/** The order in which a DAG file holds the runtime: worker paths and dates first, links last. */
const ORDER = [
  "worker_paths.py",
  "dates.py",
  "preload.py",
  "alignment.py",
  "return_load_files.py",
  "before_load.py",
  "links.py",
];

/** What a DAG file may import from outside the standard library: what an Airflow worker has. */
const THIRD_PARTY = ["airflow", "croniter", "pendulum"];

let units: RuntimeUnit[] | undefined;

/**
 * The runtime's units, cut once: src/backends/airflow/runtime/*.py and the load helper shared
 * with Dagster (src/backends/python/runtime).
 */
function allUnits(): RuntimeUnit[] {
  const files: Record<string, string> = { ...AIRFLOW_RUNTIME, ...SHARED_RUNTIME };
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  const names = Object.keys(files).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  units ??= runtimeUnits(Object.fromEntries(names.map((n) => [n, files[n] as string])));
  return units;
}

/**
 * The runtime a DAG file needs, given the file's own code: the definitions that code reaches
 * (directly or through one another), and the file's import lines for both.
 */
export function airflowRuntime(
  code: string,
  imports: readonly PyImport[],
): { runtime: string; imports: string[] } {
  const reached = reachedUnits(allUnits(), code);
  const runtime = reached.map((u) => u.text).join("\n\n\n");
  const all = [...imports, ...reached.flatMap((u) => u.imports)];
  return { runtime, imports: importLines(all, `${code}\n${runtime}`, THIRD_PARTY) };
}
