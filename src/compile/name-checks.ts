import type { Diagnostic } from "../pipeline/diagnostic.js";
import type { LoadDomain, LoadTable, Transform } from "../project/project.js";
import { listItemProblem, textProblem } from "../starlake/argument-text.js";

/**
 * Ids are built from names (`load_<domain>_<table>`, `skip_or_start_loading_<domain>`) and
 * Airflow refuses ids over 250 characters: two names of 100 leave room for every prefix.
 */
export const NAME_MAX = 100;

/**
 * Names an orchestrated table or transform puts on Starlake's command line: domains and tables
 * go into comma-separated lists (`--domains`, `--tables`), a transform's name into `--name`.
 */
export function nameDiagnostics(
  item: { domain: LoadDomain; table: LoadTable } | { transform: Transform },
): Diagnostic[] {
  const checks: Array<[string, string, string | undefined]> =
    "transform" in item
      ? [
          ["transform domain", item.transform.domain, textProblem(item.transform.domain)],
          ["transform", item.transform.name, textProblem(item.transform.name)],
        ]
      : [
          ["domain", item.domain.name, listItemProblem(item.domain.name)],
          ["table", item.table.name, listItemProblem(item.table.name)],
        ];
  const file =
    "transform" in item ? (item.transform.file ?? item.transform.sqlFile) : item.table.file;
  const out: Diagnostic[] = [];
  for (const [what, name, problem] of checks) {
    const message = problem
      ? `${what} name ${JSON.stringify(name)} ${problem}`
      : name.length > NAME_MAX
        ? `${what} name ${JSON.stringify(`${name.slice(0, 20)}…`)} is ${name.length} characters long; expected at most ${NAME_MAX} (ids made from it must fit Airflow's 250)`
        : undefined;
    if (message)
      out.push({ code: "invalid_name", severity: "error", message, ...(file ? { file } : {}) });
  }
  return out;
}
