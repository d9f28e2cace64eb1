import { resolve } from "node:path";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { sortDiagnostics } from "../pipeline/diagnostic.js";
import { isDirectory, UnreadableFile } from "./files.js";
import { resolveLineage } from "./lineage/resolve.js";
import {
  dialectForEngine,
  initSqlParser,
  type SqlReference,
  sqlReferences,
} from "./lineage/sql-references.js";
import type { Project } from "./project.js";
import { readApplication } from "./read-application.js";
import { readDagConfigs } from "./read-dag-configs.js";
import { readEnv } from "./read-env.js";
import { readLoadDomains } from "./read-load.js";
import { readTransforms } from "./read-transforms.js";

export interface ReadOptions {
  /** `SL_ENV`: also read `metadata/env.<SL_ENV>.sl.yml`. */
  readonly slEnv?: string;
  /** Variables that win over the env files (`--var K=V`); `SL_ROOT` defaults to the project folder. */
  readonly vars?: Readonly<Record<string, string>>;
  /** Unknown SQL references are errors. */
  readonly strict?: boolean;
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
  const { vars, diagnostics: envProblems } = readEnv(
    root,
    overrides.SL_ROOT ?? root,
    options.slEnv,
    overrides,
  );
  const { application, diagnostics: appProblems } = readApplication(root, vars);
  const { dagConfigs, diagnostics: dagProblems } = readDagConfigs(root);
  const { domains, diagnostics: loadProblems } = readLoadDomains(root, application, vars);
  const { transforms: sources, diagnostics: transformProblems } = readTransforms(
    root,
    application,
    vars,
  );
  await initSqlParser();
  const dialect = dialectForEngine(application.engine);
  const sqlProblems: Diagnostic[] = [];
  const referencesOf = (t: (typeof sources)[number]): readonly SqlReference[] => {
    if (t.sql === undefined) return [];
    const r = sqlReferences(t.sql, dialect);
    if (r.ok) return r.references;
    sqlProblems.push({
      code: "unparsable_sql",
      severity: "warning",
      message: `cannot parse the SQL of ${t.fullName} (${dialect} dialect): ${r.message}; its upstream dependencies are unknown`,
      file: t.sqlFile ?? "",
      ...(r.line !== undefined ? { line: r.line, col: r.col ?? 1 } : {}),
    });
    return [];
  };
  const { transforms, diagnostics: lineageProblems } = resolveLineage(
    sources,
    domains,
    referencesOf,
    options,
  );
  const project: Project = {
    root,
    ...(options.slEnv ? { slEnv: options.slEnv } : {}),
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
