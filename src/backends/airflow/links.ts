import { topologicalOrder } from "../../pipeline/graph.js";
import type { Pipeline, Task } from "../../pipeline/pipeline.js";

/** The Python variable of a task. */
export const variable = (id: string) => `t_${id}`;

/** The id of the skip step that follows a one-shot pre-load check. */
export const skipId = (t: Task) =>
  `skip_or_start_loading_${(t.group ?? t.id).replace(/^pre_load_/, "")}`;

/**
 * The IR's edges, each one-shot pre-load check's downstream moved behind its skip step (a sensor
 * gates by itself), as `sl_link` calls (src/backends/airflow/runtime/links.py): one per fan-in (a
 * task and all its upstreams), one per fan-out. Written in flow order, so the file reads from
 * the first task to the last: a call comes once all its upstreams have come (by the topological
 * rank of its last upstream, then of its first downstream).
 */
export function linkLines(p: Pipeline): string[] {
  const gated = new Map(
    p.tasks.filter((t) => t.kind === "preload" && !t.gate?.sensor).map((t) => [t.id, skipId(t)]),
  );
  const all: Array<[string, string]> = [...gated].map(([id, skip]) => [id, skip]);
  for (const e of p.edges) all.push([gated.get(e.from) ?? e.from, e.to]);
  const nodes = [...new Set([...p.tasks.map((t) => t.id), ...gated.values()])];
  const order =
    topologicalOrder(
      nodes,
      all.map(([from, to]) => ({ from, to })),
    ) ?? [...nodes].sort();
  const rank = new Map(order.map((id, k) => [id, k]));
  const inFlow = (ids: readonly string[]) =>
    [...ids].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
  const group = (pairs: Array<[string, string]>, key: 0 | 1) => {
    const m = new Map<string, string[]>();
    for (const pair of pairs)
      m.set(pair[key], [...(m.get(pair[key]) ?? []), pair[1 - key] as string]);
    return m;
  };
  const links: Array<[string[], string[]]> = [];
  const joins = [...group(all, 1)].filter(([, from]) => from.length > 1);
  for (const [to, from] of joins) links.push([inFlow(from), [to]]);
  const joined = new Set(joins.map(([to]) => to));
  for (const [from, to] of group(
    all.filter(([, to]) => !joined.has(to)),
    0,
  ))
    links.push([[from], inFlow(to)]);
  const last = (ids: readonly string[]) => rank.get(ids.at(-1) as string) ?? 0;
  const first = (ids: readonly string[]) => rank.get(ids[0] as string) ?? 0;
  return links
    .sort(([a, x], [b, y]) => last(a) - last(b) || first(x) - first(y))
    .map(
      ([from, to]) =>
        `sl_link([${from.map(variable).join(", ")}], [${to.map(variable).join(", ")}])`,
    );
}
