import type { Node, PipelineBuilder } from "../builder/pipeline-builder.js";
import type { PipelineSettings } from "./pipeline-settings.js";

/**
 * The frame every generated pipeline shares: `start -> [pre] -> body -> end`, or with clean-up
 * `body -> all_done -> post -> end` (the Python templates call a method that no longer exists here).
 */
export function frame(
  b: PipelineBuilder,
  s: PipelineSettings,
  body: () => { readonly first: readonly Node[]; readonly last: readonly Node[] },
): void {
  const start = b.start();
  const head = s.preTask ? start.before(b.pre(s.preTask.id, s.preTask.command)) : start;
  const { first, last } = body();
  head.before(first);
  if (s.postTask) {
    const done = b.empty("all_done", "all_done");
    for (const n of last) n.before(done);
    done.before(b.post(s.postTask.id, s.postTask.command)).before(b.end());
  } else {
    const end = b.end();
    if (last.length === 0) head.before(end);
    for (const n of last) n.before(end);
  }
}
