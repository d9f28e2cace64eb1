import type { DatasetSchedule, TriggerExpression } from "./schedule.js";

/**
 * The condition a dataset schedule states, `any` and `all` written out as the `or` and the `and`
 * of its datasets, so that every runner evaluates one shape.
 * @example triggerCondition({ kind: "datasets", datasets: ["a", "b"], strategy: "all" })
 * // { kind: "and", of: [{ kind: "dataset", uri: "a" }, { kind: "dataset", uri: "b" }] }
 */
export function triggerCondition(s: DatasetSchedule): TriggerExpression {
  if (typeof s.strategy === "object") return s.strategy;
  const of = s.datasets.map((uri) => ({ kind: "dataset", uri }) as const);
  return of.length === 1
    ? (of[0] as TriggerExpression)
    : { kind: s.strategy === "all" ? "and" : "or", of };
}

/**
 * What is wrong with a hand-written dataset schedule's condition, if anything: a group with no
 * operand (Airflow refuses it, Python's `all([])` would run on every tick), or a dataset the
 * schedule does not watch (no runner would ever see its events).
 */
export function conditionProblem(s: DatasetSchedule): string | undefined {
  if (typeof s.strategy !== "object") return undefined;
  const watched = new Set(s.datasets);
  const walk = (e: TriggerExpression): string | undefined => {
    if (e.kind === "dataset")
      return watched.has(e.uri)
        ? undefined
        : `names ${JSON.stringify(e.uri)}, not among its datasets`;
    if (e.of.length === 0) return `has an "${e.kind}" with no operand`;
    for (const x of e.of) {
      const problem = walk(x);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
  return walk(s.strategy);
}

/** Whether the condition holds when `ready` says which datasets count. */
export function conditionHolds(e: TriggerExpression, ready: (uri: string) => boolean): boolean {
  if (e.kind === "dataset") return ready(e.uri);
  return e.kind === "and"
    ? e.of.every((x) => conditionHolds(x, ready))
    : e.of.some((x) => conditionHolds(x, ready));
}

/** The URIs a condition names, sorted, each once. */
export function conditionDatasets(e: TriggerExpression): string[] {
  const out = new Set<string>();
  const walk = (x: TriggerExpression) => {
    if (x.kind === "dataset") out.add(x.uri);
    else x.of.forEach(walk);
  };
  walk(e);
  return [...out].sort();
}

/**
 * The condition as text with `&` (and) and `|` (or), each nested group in parentheses.
 * @example conditionText(expr) // "shop_orders & (shop_customers | kitchen_recipes)"
 */
export function conditionText(e: TriggerExpression, inner = false): string {
  if (e.kind === "dataset") return e.uri;
  const text = e.of.map((x) => conditionText(x, true)).join(e.kind === "and" ? " & " : " | ");
  return inner ? `(${text})` : text;
}
