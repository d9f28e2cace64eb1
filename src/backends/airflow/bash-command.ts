import type { Task } from "../../pipeline/pipeline.js";
import { starlakeArgv } from "../../starlake/command-line.js";
import { jinjaSafe, shellWord } from "./jinja-safe.js";

/**
 * Run values Airflow renders into the task's environment, and the variables that carry them.
 * The markers hold NUL, which no real argument can contain (argv strings end at NUL).
 */
const RUNTIME: ReadonlyArray<readonly [marker: string, variable: string]> = [
  ["\u0000scheduled\u0000", "SL_SCHEDULED_DATE"],
  ["\u0000start\u0000", "SL_DATA_INTERVAL_START"],
  ["\u0000end\u0000", "SL_DATA_INTERVAL_END"],
];
const [SCHEDULED, START, END] = RUNTIME.map(([marker]) => marker) as [string, string, string];

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
  return [starlake, ...argv].map(bashWord);
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
 * A preload reports a verdict instead of failing: exit 0 = ready, exit 1 = nothing to load
 * (Starlake's own code for it); anything else is a real error and fails the task.
 */
export const PRELOAD_VERDICT =
  '; rc=$?; if [ "$rc" -eq 0 ]; then echo ready; elif [ "$rc" -eq 1 ]; then echo not_ready; else exit "$rc"; fi';

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
  return [...prefix, ...bashCommand(task, starlake, env)].join(" ");
}
