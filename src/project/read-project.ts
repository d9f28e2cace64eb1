import { resolve } from "node:path";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { sortDiagnostics } from "../pipeline/diagnostic.js";
import { isDirectory, UnreadableFile } from "./files.js";
import { scanReferences } from "./lineage/reference-scan.js";
import { resolveLineage } from "./lineage/resolve.js";
import { startSqlReferences } from "./lineage/sql-batch.js";
import { openSqlCache } from "./lineage/sql-cache.js";
import { dialectForEngine, type SqlReference } from "./lineage/sql-references.js";
import type { Project } from "./project.js";
import { readApplication } from "./read-application.js";
import { readDagConfigs } from "./read-dag-configs.js";
import { readEnv } from "./read-env.js";
import { readLoadDomains } from "./read-load.js";
import { readTransforms, type TransformSource } from "./read-transforms.js";

export interface ReadOptions {
  /** `SL_ENV`: also read `metadata/env.<SL_ENV>.sl.yml`. */
  readonly slEnv?: string;
  /** Variables that win over the env files (`--var K=V`); `SL_ROOT` defaults to the project folder. */
  readonly vars?: Readonly<Record<string, string>>;
  /** Unknown SQL references are errors. */
  readonly strict?: boolean;
  /**
   * The process environment: part of the active variables, as in Starlake, below the env files.
   * The CLI passes `process.env`; absent, the reading does not depend on the machine.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * A folder where what the SQL files read is kept between runs, so unchanged SQL is not parsed
   * again (see lineage/sql-cache.ts). Absent, every SQL file is parsed.
   */
  readonly cache?: string;
}

export interface ReadResult {
  /** Absent when the folder is not a Starlake project. */
  readonly project?: Project;
  /** Sorted: errors first, then by file and place. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads a Starlake project folder: every file validated, every problem collected and located. */
export async function readProject(folder: string, options: ReadOptions = {}): Promise<ReadResult> {
  try {
    return await readFolder(folder, options);
  } catch (e) {
    // A FIFO, a device, a link out of the project or a huge file: named, never read.
    if (e instanceof UnreadableFile) return { diagnostics: [e.diagnostic] };
    throw e;
  }
}

async function readFolder(folder: string, options: ReadOptions): Promise<ReadResult> {
  const root = resolve(folder);
  if (!isDirectory(`${root}/metadata`)) {
    const what = isDirectory(root) ? "has no metadata/ folder" : "does not exist";
    return {
      diagnostics: [
        {
          code: "not_a_project",
          severity: "error",
          message: `${folder}: not a Starlake project (the folder ${what})`,
        },
      ],
    };
  }
  const overrides = options.vars ?? {};
  const {
    vars,
    slEnv,
    diagnostics: envProblems,
  } = readEnv(root, {
    slRoot: overrides.SL_ROOT ?? root,
    ...(options.slEnv ? { slEnv: options.slEnv } : {}),
    overrides,
    environment: options.env ?? {},
  });
  const { application, diagnostics: appProblems } = readApplication(root, vars);
  const { dagConfigs, diagnostics: dagProblems } = readDagConfigs(root);
  const { transforms: read, diagnostics: transformProblems } = readTransforms(
    root,
    application,
    vars,
  );
  const dialect = dialectForEngine(application.engine);
  // The SQL is parsed beside the reading of the load files, the two largest costs.
  const parsing = startSqlReferences(
    read.map((t) => t.sql),
    dialect,
    options.cache !== undefined ? openSqlCache(options.cache, root) : undefined,
  );
  const { domains, diagnostics: loadProblems } = readLoadDomains(root, application, vars);
  const parsed = await parsing.results();
  const sqlProblems: Diagnostic[] = [];
  // Places in rendered SQL go back to the SQL as written.
  const sqlPlaces = new Map<string, NonNullable<TransformSource["sqlPlace"]>>();
  const parsedOf = new Map<object, (typeof parsed)[number]>();
  const sources = read.map(({ sqlPlace, ...t }, i) => {
    if (sqlPlace) sqlPlaces.set(t.fullName, sqlPlace);
    parsedOf.set(t, parsed[i]);
    return t;
  });
  const referencesOf = (t: (typeof sources)[number]): readonly SqlReference[] => {
    if (t.sql === undefined) return [];
    const back = sqlPlaces.get(t.fullName) ?? ((line: number, col: number) => ({ line, col }));
    const r = parsedOf.get(t);
    if (r === undefined) return [];
    if (r.ok) return r.references.map((ref) => ({ ...ref, ...back(ref.line, ref.col) }));
    const at = r.line !== undefined ? back(r.line, r.col ?? 1) : undefined;
    // No dialect parses it: the names after FROM and JOIN keep its lineage, said to be approximate.
    const scanned = scanReferences(t.sql);
    sqlProblems.push({
      code: "unparsable_sql",
      severity: "warning",
      message: `cannot parse the SQL of ${t.fullName} (${dialect} dialect): ${r.message}; ${
        scanned.length > 0
          ? `its upstream dependencies come from a scan of its FROM and JOIN clauses and are approximate`
          : "its upstream dependencies are unknown"
      }`,
      file: t.sqlFile ?? "",
      ...(at ?? {}),
    });
    return scanned.map((ref) => ({ ...ref, ...back(ref.line, ref.col) }));
  };
  const { transforms, diagnostics: lineageProblems } = resolveLineage(
    sources,
    domains,
    referencesOf,
    options,
  );
  const project: Project = {
    root,
    ...(slEnv ? { slEnv } : {}),
    vars,
    application,
    domains,
    transforms,
    dagConfigs: dagConfigs.sort((a, b) => a.name.localeCompare(b.name)),
  };
  const diagnostics = sortDiagnostics([
    ...envProblems,
    ...appProblems,
    ...dagProblems,
    ...loadProblems,
    ...transformProblems,
    ...sqlProblems,
    ...lineageProblems,
  ]);
  return { project, diagnostics };
}
