import type { Diagnostic, Place } from "../../pipeline/diagnostic.js";
import { findCycle } from "../../pipeline/graph.js";
import type { LoadDomain, LoadTable, Transform, Upstream } from "../project.js";
import type { TransformSource } from "../read-transforms.js";
import type { SqlReference } from "./sql-references.js";

export interface LineageOptions {
  /** Unknown references are errors instead of warnings. */
  readonly strict?: boolean;
}

type Candidate = { kind: "transform"; t: TransformSource } | { kind: "table"; t: LoadTable };

/**
 * Resolves what each transform reads (spec §7.3, with the fixes of the project rules): a transform
 * first, else a loaded table; case-insensitive, against names and renamed names; an ambiguous
 * reference (two transforms, or tables of two domains) is an error; unknown references are reported.
 */
export function resolveLineage(
  sources: readonly TransformSource[],
  domains: readonly LoadDomain[],
  referencesOf: (t: TransformSource) => readonly SqlReference[],
  options: LineageOptions = {},
): { transforms: Transform[]; diagnostics: Diagnostic[] } {
  const index = buildIndex(sources, domains);
  const diagnostics: Diagnostic[] = [];
  const places = new Map<string, Place>(); // "reader\0upstream" -> where the SQL reads it
  const transforms = sources.map((source): Transform => {
    const upstream = new Map<string, Upstream>();
    for (const ref of referencesOf(source)) {
      const at = { file: source.sqlFile ?? source.file ?? "", line: ref.line, col: ref.col };
      const written = ref.parts.join(".");
      const found = lookup(index, ref.parts, source);
      if (found === "self") continue;
      if (found.length === 0) {
        diagnostics.push({
          code: "unknown_reference",
          severity: options.strict ? "error" : "warning",
          message: `transform ${source.fullName} reads ${written}, which is neither a transform nor a loaded table`,
          ...at,
        });
      } else if (found.length > 1) {
        const names = found.map(describe).sort().join(" and ");
        diagnostics.push({
          code: "ambiguous_reference",
          severity: "error",
          message: `transform ${source.fullName}: ${written} could be ${names}; qualify it with its domain`,
          ...at,
        });
      } else {
        const u = toUpstream(found[0] as Candidate);
        upstream.set(key(u), u);
        if (u.kind === "transform" && !places.has(`${source.fullName}\u0000${u.name}`))
          places.set(`${source.fullName}\u0000${u.name}`, at);
      }
    }
    const { sql: _sql, ...rest } = source;
    return {
      ...rest,
      upstream: [...upstream.values()].sort((a, b) => key(a).localeCompare(key(b))),
    };
  });
  diagnostics.push(...cycles(transforms, places));
  return { transforms, diagnostics };
}

interface Index {
  transformsByName: Map<string, TransformSource[]>;
  transformsByQualified: Map<string, TransformSource[]>;
  tablesByName: Map<string, LoadTable[]>;
  tablesByQualified: Map<string, LoadTable[]>;
}

function push<T>(map: Map<string, T[]>, k: string, v: T): void {
  const list = map.get(k);
  if (list === undefined) map.set(k, [v]);
  else if (!list.includes(v)) list.push(v);
}

function buildIndex(sources: readonly TransformSource[], domains: readonly LoadDomain[]): Index {
  const index: Index = {
    transformsByName: new Map(),
    transformsByQualified: new Map(),
    tablesByName: new Map(),
    tablesByQualified: new Map(),
  };
  for (const t of sources) {
    for (const n of new Set([t.name.toLowerCase(), t.table.toLowerCase()])) {
      push(index.transformsByName, n, t);
      push(index.transformsByQualified, `${t.domain.toLowerCase()}.${n}`, t);
    }
  }
  for (const d of domains) {
    for (const t of d.tables) {
      for (const n of new Set([t.name.toLowerCase(), t.finalName.toLowerCase()])) {
        push(index.tablesByName, n, t);
        for (const dn of new Set([d.name.toLowerCase(), d.finalName.toLowerCase()]))
          push(index.tablesByQualified, `${dn}.${n}`, t);
      }
    }
  }
  return index;
}

function lookup(
  index: Index,
  parts: readonly string[],
  self: TransformSource,
): Candidate[] | "self" {
  const [last, before] = [
    parts[parts.length - 1]?.toLowerCase() ?? "",
    parts[parts.length - 2]?.toLowerCase(),
  ];
  const transforms =
    (before === undefined
      ? index.transformsByName.get(last)
      : index.transformsByQualified.get(`${before}.${last}`)) ?? [];
  // A transform reading its own table (incremental merge) is not its own upstream.
  const others = transforms.filter((t) => t !== self);
  if (others.length > 0) return others.map((t) => ({ kind: "transform", t }));
  if (transforms.length > 0) return "self";
  const tables =
    (before === undefined
      ? index.tablesByName.get(last)
      : index.tablesByQualified.get(`${before}.${last}`)) ?? [];
  return tables.map((t) => ({ kind: "table", t }));
}

function toUpstream(c: Candidate): Upstream {
  return c.kind === "transform"
    ? { kind: "transform", name: c.t.fullName }
    : { kind: "table", domain: c.t.domain, table: c.t.name };
}

function describe(c: Candidate): string {
  return c.kind === "transform" ? `transform ${c.t.fullName}` : `table ${c.t.domain}.${c.t.name}`;
}

function upstreamKey(u: Upstream): string {
  return u.kind === "transform" ? `transform:${u.name}` : `table:${u.domain}.${u.table}`;
}
const key = upstreamKey;

/** A cycle, reported where the second transform of the cycle reads the first. */
function cycles(
  transforms: readonly Transform[],
  places: ReadonlyMap<string, Place>,
): Diagnostic[] {
  const names = transforms.map((t) => t.fullName);
  const edges = transforms.flatMap((t) =>
    t.upstream.flatMap((u) => (u.kind === "transform" ? [{ from: u.name, to: t.fullName }] : [])),
  );
  const cycle = findCycle(names, edges);
  if (cycle === undefined) return [];
  const at = places.get(`${cycle[1]}\u0000${cycle[0]}`);
  return [
    {
      code: "transform_cycle",
      severity: "error",
      message: `transforms read each other in a cycle: ${cycle.join(" -> ")}`,
      ...at,
    },
  ];
}
