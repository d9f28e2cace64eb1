import type { Node, PipelineBuilder } from "../builder/pipeline-builder.js";
import type { PipelineSettings } from "./pipeline-settings.js";

/**
 * The frame every generated pipeline shares: `start -> [pre] -> body -> end`. A clean-up task
 * (`post`, e.g. delete the cluster) hangs off the body with the `all_done` rule, beside `end`
 * and not before it: `end` still fails (upstream failed) when a load does, so a run whose work
 * failed is never reported green because its clean-up succeeded.
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
  const end = b.end();
  const tails = last.length === 0 ? [head] : last;
  for (const n of tails) n.before(end);
  if (s.postTask) {
    const post = b.post(s.postTask.id, s.postTask.command);
    for (const n of tails) n.before(post);
  }
}
