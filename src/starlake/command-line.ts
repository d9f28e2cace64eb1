import type { Task } from "../pipeline/pipeline.js";
import { mergeOptionsArg } from "./options-arg.js";

/** What a run adds to a task's command: the scheduled date and the transform's data interval. */
export interface RunValues {
  /** `YYYY-MM-DDTHH:MM:SS±HHMM`, in the pipeline's time zone. */
  readonly scheduledDate?: string;
  readonly interval?: { readonly start: string; readonly end: string };
}

/**
 * The full Starlake argv of a task for one run (without the executable): the Starlake variables
 * merged into `--options` (spec §4.2), `--scheduledDate` after the verb for loads and transforms,
 * and the data interval appended to the transform's options. Every runner must produce exactly
 * this; the backends' tests compare what real orchestrators execute against it.
 */
export function starlakeArgv(
  task: Task,
  env: Readonly<Record<string, string>>,
  run: RunValues,
): string[] {
  let argv = mergeOptionsArg(task.command ?? [], env);
  if (task.scheduledDate && run.scheduledDate !== undefined) {
    argv = [argv[0] ?? "", "--scheduledDate", run.scheduledDate, ...argv.slice(1)];
  }
  if (task.dataInterval && run.interval !== undefined) {
    const interval = `sl_data_interval_start='${run.interval.start}',sl_data_interval_end='${run.interval.end}'`;
    const at = argv.indexOf("--options");
    argv =
      at >= 0
        ? argv.map((a, i) => (i === at + 1 ? (a.length > 0 ? `${a},${interval}` : interval) : a))
        : [...argv, "--options", interval];
  }
  return argv;
}
