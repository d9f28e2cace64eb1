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
  const command = words.map(jinjaSafe);
  return task.kind === "preload" ? [...command, PRELOAD_VERDICT] : command;
}

/**
 * A preload reports a verdict instead of failing: exit 0 = ready, exit 1 = nothing to load
 * (Starlake's own code for it); anything else is a real error and fails the task.
 */
const PRELOAD_VERDICT =
  '; rc=$?; if [ "$rc" -eq 0 ]; then echo ready; elif [ "$rc" -eq 1 ]; then echo not_ready; else exit "$rc"; fi';
