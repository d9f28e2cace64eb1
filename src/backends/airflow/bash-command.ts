import type { Task } from "../../pipeline/pipeline.js";
import { starlakeArgv } from "../../starlake/command-line.js";
import { SENTINEL_SCOPE_TOKEN as SCOPE_TOKEN } from "../../starlake/preload-outcome.js";
import { jinjaSafe, shellWord } from "./jinja-safe.js";

/**
 * Run values Airflow renders into the task's environment, and the variables that carry them.
 * The markers hold NUL, which no real argument can contain (argv strings end at NUL).
 */
const RUNTIME: ReadonlyArray<readonly [marker: string, variable: string]> = [
  ["\u0000scheduled\u0000", "SL_SCHEDULED_DATE"],
  ["\u0000start\u0000", "SL_DATA_INTERVAL_START"],
  ["\u0000end\u0000", "SL_DATA_INTERVAL_END"],
  ["\u0000scope\u0000", "SL_SENTINEL_SCOPE"],
];
const [SCHEDULED, START, END, SCOPE] = RUNTIME.map(([marker]) => marker) as [
  string,
  string,
  string,
  string,
];

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
  const argv = starlakeArgv(task, env, {
    scheduledDate: SCHEDULED,
    interval: { start: START, end: END },
  });
  return [starlake, ...argv].map((a) => bashWord(a.replaceAll(SCOPE_TOKEN, SCOPE)));
}

/** One argument as a bash word: literal pieces quoted, run values as double-quoted variables. */
function bashWord(arg: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL marks run values; no real argument can hold one
  const pieces = arg.split(/(\u0000[a-z]+\u0000)/).filter((p) => p.length > 0);
  if (pieces.length === 0) return "''";
  return pieces
    .map((piece) => {
      const variable = RUNTIME.find(([marker]) => marker === piece)?.[1];
      return variable ? `"$${variable}"` : jinjaSafe(shellWord(piece));
    })
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
    : bashWord(sentinel.replace(/^file:\/\//, "").replaceAll(SCOPE_TOKEN, SCOPE));
}

/**
 * A pre-load check as a sensor: poke until the check finds files (exit 0); exit 1 means "not yet",
 * any other code is an error. The sensor runs in a scratch folder with the worker's environment,
 * so the command moves to SL_ROOT and exports the Starlake variables itself.
 */
export function sensorCommand(
  task: Task,
  starlake: string,
  env: Readonly<Record<string, string>>,
  slRoot: string,
): string {
  const exports = Object.entries(env).map(([k, v]) => `${k}=${jinjaSafe(shellWord(v))}`);
  const prefix = [
    `cd ${jinjaSafe(shellWord(slRoot))} &&`,
    ...(exports.length > 0 ? ["export", ...exports, "&&"] : []),
  ];
  return [...prefix, ...bashCommand(task, starlake, env)].join(" ") + sensorVerdict(task);
}
