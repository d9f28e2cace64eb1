/** Deeper values are refused (the fast parser's own limit, kept for every parse). */
export const MAX_YAML_DEPTH = 100;

/**
 * Values that aliases may add beyond those written: a file of a few lines whose aliases nest
 * (`b: [*a, *a, ...]`, `c: [*b, *b, ...]`) stands for billions of values, and every later walk
 * over it (validation, `plan --json`) would expand them all.
 */
export const MAX_ALIASED_VALUES = 100_000;

export type YamlBoundsProblem =
  | { readonly kind: "too_deep"; readonly path: readonly (string | number)[] }
  | { readonly kind: "alias_bomb"; readonly values: number };

interface Measure {
  /** Values in the subtree as every alias expanded. */
  readonly expanded: number;
  /** Longest chain of nested collections below and including this one. */
  readonly height: number;
}

interface Visit {
  readonly node: object;
  readonly key: string | number | undefined;
  readonly parent: Visit | undefined;
  readonly depth: number;
  entered: boolean;
}

/**
 * Measures a parsed YAML value whose aliases are shared objects (as both parsers return them),
 * in time linear in the distinct values: the walk is iterative, so a deep value cannot overflow
 * the stack, and each shared object is measured once.
 */
export function yamlBoundsProblem(data: unknown): YamlBoundsProblem | undefined {
  return isCollection(data) && !plainAndShallow(data) ? measure(data) : undefined;
}

/**
 * The common case, checked fast: no object reached twice (only aliases share objects) and no
 * value deeper than the bound. Anything else gets the full measure, which also says where.
 */
function plainAndShallow(data: object): boolean {
  const seen = new Set<object>();
  const nodes: object[] = [data];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as object;
    const depth = depths.pop() as number;
    if (depth > MAX_YAML_DEPTH || seen.has(node)) return false;
    seen.add(node);
    for (const c of Array.isArray(node) ? node : Object.values(node)) {
      if (isCollection(c)) {
        nodes.push(c);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

function measure(data: object): YamlBoundsProblem | undefined {
  const measures = new Map<object, Measure>();
  let distinct = 0;
  const stack: Visit[] = [
    { node: data, key: undefined, parent: undefined, depth: 1, entered: false },
  ];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Visit;
    const known = measures.get(top.node);
    if (known !== undefined && !top.entered) {
      // Seen before through another alias: only its depth at this new place matters.
      if (top.depth + known.height - 1 > MAX_YAML_DEPTH)
        return { kind: "too_deep", path: pathOf(top) };
      stack.pop();
      continue;
    }
    const children = childrenOf(top.node);
    if (!top.entered) {
      // A cycle (an alias inside its own anchor) also ends here, as a value without end.
      if (top.depth > MAX_YAML_DEPTH) return { kind: "too_deep", path: pathOf(top) };
      top.entered = true;
      for (const [key, c] of children) {
        if (isCollection(c))
          stack.push({ node: c, key, parent: top, depth: top.depth + 1, entered: false });
      }
      continue;
    }
    stack.pop();
    if (known !== undefined) continue; // the same object twice among one parent's children
    distinct += 1 + children.filter(([, c]) => !isCollection(c)).length;
    let expanded = 1;
    let height = 1;
    for (const [, c] of children) {
      const m = isCollection(c) ? measures.get(c) : undefined;
      expanded += m?.expanded ?? 1;
      height = Math.max(height, 1 + (m?.height ?? 0));
    }
    measures.set(top.node, { expanded, height });
  }
  const root = measures.get(data) as Measure;
  if (root.expanded - distinct > MAX_ALIASED_VALUES)
    return { kind: "alias_bomb", values: root.expanded };
  return undefined;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) path.unshift(v.key);
  return path;
}

function isCollection(v: unknown): v is object {
  return typeof v === "object" && v !== null && !(v instanceof Date);
}

function childrenOf(node: object): [string | number, unknown][] {
  return Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
}
