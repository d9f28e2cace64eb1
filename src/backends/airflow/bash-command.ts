import type { Task } from "../../pipeline/pipeline.js";
import {
  type ArgPiece,
  argPieces,
  argvTemplate,
  type RunValueName,
} from "../../starlake/run-placeholders.js";
import { jinjaSafe, shellWord } from "./jinja-safe.js";

/** The environment variables that carry the run's values (the operator renders them). */
const VARIABLES: Readonly<Record<RunValueName, string>> = {
  scheduled: "SL_SCHEDULED_DATE",
  start: "SL_DATA_INTERVAL_START",
  end: "SL_DATA_INTERVAL_END",
  scope: "SL_SENTINEL_SCOPE",
};

/**
 * The words of the bash command of a Starlake task: the command line of `starlakeArgv` (the one
 * every runner must produce), with the run's values read from environment variables that the
 * operator renders. Literal parts are single-quoted and protected from Jinja.
 */
export function bashCommand(
  task: Task,
  starlake: string,
  env: Readonly<Record<string, string>>,
): string[] {
  return [[starlake], ...argvTemplate(task, env)].map(bashWord);
}

/** One argument as a bash word: literal pieces quoted, run values as double-quoted variables. */
function bashWord(pieces: readonly ArgPiece[]): string {
  if (pieces.length === 0) return "''";
  return pieces
    .map((piece) =>
      typeof piece === "string" ? jinjaSafe(shellWord(piece)) : `"$${VARIABLES[piece.value]}"`,
    )
    .join("");
}

/**
 * How a one-shot pre-load check reports: it prints `ready` or `not_ready` for the skip step and
 * fails only on a real error. Without a sentinel, exit 1 is Starlake's "nothing to load". With
 * `--notReadySentinel`, Starlake exits 0 and leaves a marker when not ready (consumed here), so
 * any non-zero exit is an error.
 */
export function preloadVerdict(task: Task): string {
  const marker = sentinelMarker(task);
  if (marker === undefined) {
    return '; rc=$?; if [ "$rc" -eq 0 ]; then echo ready; elif [ "$rc" -eq 1 ]; then echo not_ready; else exit "$rc"; fi';
  }
  return `; rc=$?; if [ "$rc" -ne 0 ]; then exit "$rc"; fi; if [ -e ${marker} ]; then rm -f ${marker}; echo not_ready; else echo ready; fi`;
}

/** The sensor's exit codes: 0 ready, 1 poke again, 2 a real error (a Starlake exit 1 included when a sentinel decides). */
function sensorVerdict(task: Task): string {
  const marker = sentinelMarker(task);
  if (marker === undefined) return "";
  return `; rc=$?; if [ "$rc" -ne 0 ]; then exit 2; fi; if [ -e ${marker} ]; then rm -f ${marker}; exit 1; fi`;
}

/** The sentinel marker of this run as a bash word (a local path: `file://` is dropped). */
function sentinelMarker(task: Task): string | undefined {
  const sentinel = task.gate?.sentinel;
  return sentinel === undefined
    ? undefined
    : bashWord(argPieces(sentinel.replace(/^file:\/\//, "")));
}

/**
 * A pre-load check as a sensor: poke until the check finds files (exit 0); exit 1 means "not yet",
 * any other code is an error. The sensor runs in a scratch folder with the worker's environment,
 * so the command moves to SL_ROOT and exports the Starlake variables itself; when either fails
 * it exits 2 (an error), not 1, which would poke until the timeout.
 */
export function sensorCommand(
  task: Task,
  starlake: string,
  env: Readonly<Record<string, string>>,
  slRoot: string,
): string {
  const exports = Object.entries(env).map(([k, v]) => jinjaSafe(assignment(k, v)));
  // the sensor gets no operator env: the run's sentinel scope is rendered here (it is path-safe)
  if (task.gate?.sentinel !== undefined)
    exports.push(`${VARIABLES.scope}="{{ sl_sentinel_scope(dag_run) }}"`);
  const prefix = [
    `cd ${jinjaSafe(shellWord(slRoot))} || exit 2;`,
    ...(exports.length > 0 ? ["export", ...exports, "|| exit 2;"] : []),
  ];
  return [...prefix, ...bashCommand(task, starlake, env)].join(" ") + sensorVerdict(task);
}

/**
 * `K='v'` for a variable name (compile accepts no other); any other key is quoted whole, so bash
 * refuses it as an identifier instead of reading it.
 */
function assignment(key: string, value: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? `${key}=${shellWord(value)}`
    : shellWord(`${key}=${value}`);
}
