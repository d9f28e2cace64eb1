import type { Task } from "../../pipeline/pipeline.js";
import { mergeOptionsArg } from "../../starlake/options-arg.js";
import { jinjaSafe, shellWord } from "./jinja-safe.js";

/**
 * The words of the bash command of a Starlake task (spec §4.2): the executable and argv as literal words, the
 * scheduled date inserted after the verb, the Starlake variables merged into `--options`, and the
 * transform's data interval appended at run time. Runtime values come from environment variables
 * that the operator's env renders, so no literal ever goes through Jinja unprotected.
 */
export function bashCommand(
  task: Task,
  starlake: string,
  env: Readonly<Record<string, string>>,
): string[] {
  const argv = mergeOptionsArg(task.command ?? [], env);
  const words = [shellWord(starlake), shellWord(argv[0] ?? "")];
  if (task.scheduledDate) words.push("--scheduledDate", '"$SL_SCHEDULED_DATE"');
  const rest = argv.slice(1);
  const options = rest.indexOf("--options");
  rest.forEach((arg, i) => {
    const word = shellWord(arg);
    words.push(
      i === options + 1 && options >= 0 && task.dataInterval ? `${word}"$SL_DATA_INTERVAL"` : word,
    );
  });
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion (drop the leading comma), not JS
  if (task.dataInterval && options < 0) words.push("'--options'", '"${SL_DATA_INTERVAL#,}"');
  return words.map(jinjaSafe);
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
