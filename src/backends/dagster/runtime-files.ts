import {
  importLines,
  type PyImport,
  type RuntimeUnit,
  reachedUnits,
  runtimeUnits,
} from "../python/runtime-units.js";
import { DAGSTER_RUNTIME_FILES } from "./generated/runtime.js";

/** What a definitions file may import from outside the standard library: a Dagster code location's packages. */
const THIRD_PARTY = ["boto3", "botocore", "dagster", "dagster_aws", "dagster_gcp", "google"];

let units: RuntimeUnit[] | undefined;

/** The units of src/backends/dagster/runtime/*.py, cut once, in file order. */
function allUnits(): RuntimeUnit[] {
  units ??= runtimeUnits(DAGSTER_RUNTIME_FILES);
  return units;
}

/**
 * The part of the .py runtime a definitions file needs, given the file's own code (with the
 * runtime still kept as TypeScript text), and the file's import lines for both: `imports` are
 * the ones the file's own code needs.
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
