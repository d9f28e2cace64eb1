import type { Pipeline, Task } from "../../pipeline/pipeline.js";
import { argPieces, argvTemplate, type RunValueName } from "../../starlake/run-placeholders.js";
import { type Piece, withRoot } from "../python/worker-root.js";
import { BARE, DOUBLE_QUOTABLE, jinjaSafe, shellToken, shellWord } from "./jinja-safe.js";

/**
 * The environment variables that carry the run's values and the worker's project folder (the
 * operator renders them).
 */
const VARIABLES: Readonly<Record<RunValueName | "root", string>> = {
  scheduled: "SL_SCHEDULED_DATE",
  start: "SL_DATA_INTERVAL_START",
  end: "SL_DATA_INTERVAL_END",
  scope: "SL_SENTINEL_SCOPE",
  root: "SL_ROOT",
};

/** The Starlake executable of the worker (the operator sets it: worker-paths.ts). */
const STARLAKE = '"$SL_STARLAKE_PATH"';

/**
 * The words of the bash command of a Starlake task: the command line of `starlakeArgv` (the one
 * every runner must produce), with the run's values, the worker's project folder (where the
 * generate-time `root` was) and its Starlake executable read from environment variables that the
 * operator renders. Literal parts are single-quoted where bash would read them otherwise, and
 * protected from Jinja.
 */
export function bashCommand(
  task: Task,
  env: Readonly<Record<string, string>>,
  root: string,
): string[] {
  return [STARLAKE, ...argvTemplate(task, env).map((arg) => bashWord(withRoot(arg, root)))];
}

/**
 * One argument as a bash word: run values as variables, literal pieces quoted if need be. A
 * word that mixes both is one double-quoted string when its literal pieces allow it
 * (`"SL_ROOT=$SL_ROOT,x='$SL_SCHEDULED_DATE'"`), else each piece is quoted on its own.
 */
export function bashWord(pieces: readonly Piece[]): string {
  if (pieces.length === 0) return "''";
  const literals = pieces.filter((p) => typeof p === "string");
  const mixed = literals.length < pieces.length && literals.some((p) => !BARE.test(p));
  if (mixed && literals.every((p) => DOUBLE_QUOTABLE.test(p))) return doubleQuoted(pieces);
  return pieces
    .map((piece) =>
      typeof piece === "string" ? jinjaSafe(shellToken(piece)) : `"$${VARIABLES[piece.value]}"`,
    )
    .join("");
}

/** A word as one double-quoted string; braces round a variable only where a name could go on. */
function doubleQuoted(pieces: readonly Piece[]): string {
  const text = pieces.map((piece, k) => {
    if (typeof piece === "string") return piece;
    const next = pieces[k + 1];
    const name = VARIABLES[piece.value];
    return typeof next === "string" && /^\w/.test(next) ? `\${${name}}` : `$${name}`;
  });
  return `"${text.join("")}"`;
}

/** The run values that the commands of a pipeline read (a sentinel's scope included). */
export function runValuesOf(p: Pipeline): Set<RunValueName> {
  const used = new Set<RunValueName>();
  for (const t of p.tasks) {
    if (t.command === undefined) continue;
    for (const piece of argvTemplate(t, p.environment.env).flat())
      if (typeof piece !== "string") used.add(piece.value);
    if (t.gate?.sentinel !== undefined) used.add("scope");
  }
  return used;
}

/**
 * How a one-shot pre-load check reports: it prints `ready` or `not_ready` for the skip step and
 * fails only on a real error. Without a sentinel, exit 1 is Starlake's "nothing to load". With
 * `--notReadySentinel`, Starlake exits 0 and leaves a marker when not ready (consumed here), so
 * any non-zero exit is an error.
 */
export function preloadVerdict(task: Task, root: string): string {
  const marker = sentinelMarker(task, root);
  if (marker === undefined) {
    return '; rc=$?; if [ "$rc" -eq 0 ]; then echo ready; elif [ "$rc" -eq 1 ]; then echo not_ready; else exit "$rc"; fi';
  }
  return `; rc=$?; if [ "$rc" -ne 0 ]; then exit "$rc"; fi; if [ -e ${marker} ]; then rm -f ${marker}; echo not_ready; else echo ready; fi`;
}

/** The sensor's exit codes: 0 ready, 1 poke again, 2 a real error (a Starlake exit 1 included when a sentinel decides). */
function sensorVerdict(task: Task, root: string): string {
  const marker = sentinelMarker(task, root);
  if (marker === undefined) return "";
  return `; rc=$?; if [ "$rc" -ne 0 ]; then exit 2; fi; if [ -e ${marker} ]; then rm -f ${marker}; exit 1; fi`;
}

/** The sentinel marker of this run as a bash word (a local path: `file://` is dropped). */
function sentinelMarker(task: Task, root: string): string | undefined {
  const sentinel = task.gate?.sentinel;
  return sentinel === undefined
    ? undefined
    : bashWord(withRoot(argPieces(sentinel.replace(/^file:\/\//, "")), root));
}

/**
 * A pre-load check as a sensor: poke until the check finds files (exit 0); exit 1 means "not yet",
 * any other code is an error. The sensor runs in a scratch folder with the worker's environment,
 * so the command exports the worker's SL_ROOT and Starlake executable (shell-quoted by the
 * `sl_quote` macro), moves to SL_ROOT and exports the Starlake variables itself (a second
 * `export`: bash expands all words of one before it sets any); when any fails it exits 2 (an
 * error), not 1, which would poke until the timeout.
 */
export function sensorCommand(
  task: Task,
  env: Readonly<Record<string, string>>,
  root: string,
): string {
  const exports = Object.entries(env).map(([k, v]) => assignment(k, withRoot([v], root)));
  // the sensor gets no operator env: the run's sentinel scope is rendered here (it is path-safe)
  if (task.gate?.sentinel !== undefined)
    exports.push(`${VARIABLES.scope}="{{ sl_sentinel_scope(dag_run) }}"`);
  const prefix = [
    "export SL_ROOT={{ sl_quote(sl_root()) }} SL_STARLAKE_PATH={{ sl_quote(sl_starlake()) }} || exit 2;",
    'cd "$SL_ROOT" || exit 2;',
    ...(exports.length > 0 ? ["export", ...exports, "|| exit 2;"] : []),
  ];
  return [...prefix, ...bashCommand(task, env, root)].join(" ") + sensorVerdict(task, root);
}

/**
 * `K='v'` for a variable name (compile accepts no other); any other key is quoted whole, so bash
 * refuses it as an identifier instead of reading it.
 */
function assignment(key: string, value: readonly Piece[]): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${jinjaSafe(`${key}=`)}${bashWord(value)}`;
  const text = value.map((p) => (typeof p === "string" ? p : `$${VARIABLES[p.value]}`)).join("");
  return jinjaSafe(shellWord(`${key}=${text}`));
}
