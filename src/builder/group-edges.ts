import type { Edge } from "../pipeline/pipeline.js";

/**
 * Turns dependencies between tasks and groups into task edges: a group stands for its sinks when
 * it is upstream and for its sources when it is downstream (its tasks with no downstream, or no
 * upstream, inside the group). `members` maps each group to the tasks and groups it holds.
 */
export function expandGroupEdges(
  links: ReadonlyArray<readonly [string, string]>,
  members: ReadonlyMap<string, readonly string[]>,
): Edge[] {
  const memo = new Map<string, string[]>();
  const within = (id: string): Set<string> => {
    const out = new Set<string>();
    const todo = [...(members.get(id) ?? [])];
    while (todo.length > 0) {
      const n = todo.pop() as string;
      out.add(n);
      todo.push(...(members.get(n) ?? []));
    }
    return out;
  };
  const ends = (id: string, which: "sinks" | "sources"): string[] => {
    if (!members.has(id)) return [id];
    const key = `${which}:${id}`;
    const known = memo.get(key);
    if (known) return known;
    const inside = within(id);
    const blocked = new Set<string>();
    for (const [a, b] of links) {
      if (!inside.has(a) || !inside.has(b)) continue;
      for (const e of expand(a, b)) blocked.add(which === "sinks" ? e.from : e.to);
    }
    const result = [...inside].filter((n) => !members.has(n) && !blocked.has(n));
    memo.set(key, result);
    return result;
  };
  const expand = (a: string, b: string): Edge[] =>
    ends(a, "sinks").flatMap((from) => ends(b, "sources").map((to) => ({ from, to })));
  const unique = new Map<string, Edge>();
  for (const [a, b] of links) for (const e of expand(a, b)) unique.set(`${e.from}\u0000${e.to}`, e);
  return [...unique.values()].sort(
    (x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to),
  );
}
