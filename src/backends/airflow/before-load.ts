import type { Pipeline, Task } from "../../pipeline/pipeline.js";
import { pyLiteral } from "../python/literal.js";
import { RETURN_LOAD_FILES, RETURN_LOAD_FILES_IMPORTS } from "../python/return-load-files.js";
import { relativeToRoot } from "../python/worker-root.js";

/**
 * A load task's `pre_execute` (Airflow calls it before `execute`, on every try, `dag.test()`
 * included): the files a failed try left in Starlake's ingesting folder go back to the pending
 * folder, said in the task's log, then the task's asset events are stamped as every task's are.
 */
const BEFORE_LOAD_HELPER = `

def sl_before_load(recover):
    """The pre_execute of a load task: its table's files back where Starlake looks, then the
    stamp of its asset events."""

    def pre_execute(context):
        sl_return_load_files(recover, context["task"].log.info, sl_root())
        sl_stamp_outlets(context)

    return pre_execute
`;

const recovers = (p: Pipeline) => p.tasks.some((t) => t.recover !== undefined);

/** The helpers a DAG file needs when one of its loads returns files; none otherwise. */
export function beforeLoadHelpers(p: Pipeline): string[] {
  return recovers(p) ? [RETURN_LOAD_FILES, BEFORE_LOAD_HELPER] : [];
}

/** The standard modules those helpers import. */
export function beforeLoadImports(p: Pipeline): readonly string[] {
  return recovers(p) ? RETURN_LOAD_FILES_IMPORTS : [];
}

/**
 * The operator argument of a task that returns files before each try, as Python literals; its
 * folders under the generate-time `root` relative to it (joined to the worker's at run time).
 */
export function beforeLoadArgument(t: Task, root: string): string[] {
  const r = t.recover;
  if (r === undefined) return [];
  const data = {
    ingesting: relativeToRoot(r.ingesting, root),
    pending: relativeToRoot(r.pending, root),
    pattern: r.pattern,
  };
  return [`pre_execute=sl_before_load(${pyLiteral(data)})`];
}
