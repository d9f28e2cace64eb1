import type { Diagnostic } from "../pipeline/diagnostic.js";
import { listDir, readText } from "./files.js";
import type { Application, Located, Transform } from "./project.js";
import { freshnessOf } from "./read-load.js";
import { locate, readYaml } from "./read-yaml.js";
import { taskFile, transformConfigFile } from "./schemas.js";
import type { Variables } from "./variables.js";

const DIR = "metadata/transform";
const SQL_EXTENSIONS = [".sql.j2", ".sql"];

/** A transform before lineage: its SQL text is kept until references are resolved. */
export interface TransformSource extends Omit<Transform, "upstream"> {
  readonly sql?: string;
}

/** `metadata/transform/<domain>/`: task files and SQL, with dagRef and schedule precedence applied. */
export function readTransforms(
  root: string,
  app: Application,
  vars: Variables,
): { transforms: TransformSource[]; diagnostics: Diagnostic[] } {
  const transforms: TransformSource[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const folder of listDir(`${root}/${DIR}`)) {
    if (folder.isDir) transforms.push(...readFolder(root, folder.name, app, vars, diagnostics));
  }
  return {
    transforms: transforms.sort((a, b) => a.fullName.localeCompare(b.fullName)),
    diagnostics,
  };
}

interface Defaults {
  domain: string;
  dagRef: Located<string> | undefined;
  schedule: Located<string> | undefined;
  freshness: number | undefined;
  writeStrategy: string | undefined;
}

function readFolder(
  root: string,
  folder: string,
  app: Application,
  vars: Variables,
  diagnostics: Diagnostic[],
): TransformSource[] {
  const configRel = `${DIR}/${folder}/_config.sl.yml`;
  const config = readYaml(root, configRel, transformConfigFile, vars);
  if (config) diagnostics.push(...config.diagnostics);
  const yaml = config?.yaml;
  const t = config?.value?.transform;
  const base = ["transform", "default"];
  const defaults: Defaults = {
    domain:
      (yaml && locate(yaml, ["transform", "name"], t?.name, vars, diagnostics)?.value) || folder,
    dagRef:
      (yaml && locate(yaml, [...base, "dagRef"], t?.default?.dagRef, vars, diagnostics)) ||
      app.dagRefTransform,
    schedule: yaml && locate(yaml, [...base, "schedule"], t?.default?.schedule, vars, diagnostics),
    freshness: yaml
      ? freshnessOf(yaml, base, t?.default?.freshness?.error, diagnostics)
      : undefined,
    writeStrategy: t?.default?.writeStrategy?.type,
  };
  const entries = listDir(`${root}/${DIR}/${folder}`).filter((e) => !e.isDir);
  const names = new Set<string>();
  for (const e of entries) {
    if (e.name === "_config.sl.yml") continue;
    const ext = [".sl.yml", ...SQL_EXTENSIONS].find((x) => e.name.endsWith(x));
    if (ext) names.add(e.name.slice(0, -ext.length));
  }
  const files = new Set(entries.map((e) => e.name));
  return [...names]
    .sort()
    .flatMap((name) => readTask(root, folder, name, files, defaults, vars, diagnostics) ?? []);
}

function readTask(
  root: string,
  folder: string,
  name: string,
  files: ReadonlySet<string>,
  defaults: Defaults,
  vars: Variables,
  diagnostics: Diagnostic[],
): TransformSource | undefined {
  const ymlRel = `${DIR}/${folder}/${name}.sl.yml`;
  const read = files.has(`${name}.sl.yml`) ? readYaml(root, ymlRel, taskFile, vars) : undefined;
  if (read) diagnostics.push(...read.diagnostics);
  if (read && read.value === undefined) return undefined;
  const task = read?.value?.task;
  const yaml = read?.yaml;
  const field = (key: "domain" | "table" | "dagRef" | "schedule") =>
    yaml ? locate(yaml, ["task", key], task?.[key], vars, diagnostics) : undefined;
  const domain = field("domain")?.value || defaults.domain;
  const table = field("table")?.value || name;
  const dagRef = field("dagRef") ?? defaults.dagRef;
  const schedule = field("schedule") ?? defaults.schedule;
  // The task's freshness wins over the folder default (Starlake lets the default win; see docs).
  const freshness =
    (yaml ? freshnessOf(yaml, ["task"], task?.freshness?.error, diagnostics) : undefined) ??
    defaults.freshness;
  const writeStrategy = task?.writeStrategy?.type ?? defaults.writeStrategy;
  const sqlName = SQL_EXTENSIONS.map((x) => `${name}${x}`).find((f) => files.has(f));
  const sqlFile = sqlName ? `${DIR}/${folder}/${sqlName}` : undefined;
  const sql = sqlFile ? readText(root, sqlFile) : undefined;
  return {
    domain,
    name,
    fullName: `${domain}.${name}`,
    table,
    ...(read ? { file: ymlRel } : {}),
    ...(sqlFile ? { sqlFile } : {}),
    ...(dagRef ? { dagRef } : {}),
    ...(schedule ? { schedule } : {}),
    ...(freshness !== undefined ? { freshness } : {}),
    ...(writeStrategy ? { writeStrategy } : {}),
    ...(sql !== undefined ? { sql } : {}),
  };
}
