import type { Task } from "../../pipeline/pipeline.js";
import { pyLiteral } from "../python/literal.js";
import { relativeToRoot } from "../python/worker-root.js";

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
