/** Graph algorithms over string node ids: deterministic topological order and cycle paths. */

export interface DirectedEdge {
  readonly from: string;
  readonly to: string;
}

function adjacency(
  nodes: readonly string[],
  edges: readonly DirectedEdge[],
): Map<string, string[]> {
  const out = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) out.get(e.from)?.push(e.to);
  for (const list of out.values()) list.sort();
  return out;
}

/**
 * Kahn's algorithm with a sorted ready set, so the order depends only on the graph.
 * Returns undefined when the graph has a cycle (use `findCycle` for the path).
 */
export function topologicalOrder(
  nodes: readonly string[],
  edges: readonly DirectedEdge[],
): string[] | undefined {
  const out = adjacency(nodes, edges);
  const indegree = new Map<string, number>(nodes.map((n) => [n, 0]));
  for (const e of edges) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const ready = nodes.filter((n) => indegree.get(n) === 0).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const n = ready.shift() as string;
    order.push(n);
    const released: string[] = [];
    for (const m of out.get(n) ?? []) {
      const d = (indegree.get(m) ?? 0) - 1;
      indegree.set(m, d);
      if (d === 0) released.push(m);
    }
    if (released.length > 0) {
      ready.push(...released);
      ready.sort();
    }
  }
  return order.length === nodes.length ? order : undefined;
}

/** A cycle as a path that starts and ends with the same node (`[a, b, a]`), or undefined. */
export function findCycle(
  nodes: readonly string[],
  edges: readonly DirectedEdge[],
): string[] | undefined {
  const out = adjacency(nodes, edges);
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
  const path: string[] = [];
  // Iterative DFS: deep chains (10,000 transforms) must not overflow the stack.
  for (const root of [...nodes].sort()) {
    if (state.has(root)) continue;
    const stack: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    state.set(root, 1);
    path.push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: string; next: number };
      const children = out.get(top.node) ?? [];
      if (top.next < children.length) {
        const child = children[top.next++] as string;
        const s = state.get(child);
        if (s === 1) return [...path.slice(path.indexOf(child)), child];
        if (s === undefined) {
          state.set(child, 1);
          path.push(child);
          stack.push({ node: child, next: 0 });
        }
      } else {
        state.set(top.node, 2);
        path.pop();
        stack.pop();
      }
    }
  }
  return undefined;
}

/** Every node reachable upstream of `targets` (targets included). */
export function upstreamClosure(
  targets: Iterable<string>,
  parents: (node: string) => Iterable<string>,
): Set<string> {
  const seen = new Set<string>();
  const todo = [...targets];
  while (todo.length > 0) {
    const n = todo.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const p of parents(n)) if (!seen.has(p)) todo.push(p);
  }
  return seen;
}
