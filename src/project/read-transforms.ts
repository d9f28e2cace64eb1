import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { listDir, readText } from "./files.js";
import type { Application, Located, Transform } from "./project.js";
import { freshnessOf, tagsOf } from "./read-load.js";
import { locate, readYaml } from "./read-yaml.js";
import { renderSql } from "./render-file.js";
import { taskFile, transformConfigFile } from "./schemas.js";
import { subfolderTasks } from "./subfolder-files.js";
import type { Variables } from "./variables.js";
import type { YamlFile } from "./yaml-file.js";

const DIR = "metadata/transform";
/** Starlake's order (`SchemaHandler.taskCommandPath`): `.sql`, then `.sql.j2`, then `.py`. */
const COMMAND_EXTENSIONS = [".sql", ".sql.j2", ".py"];

/** A transform before lineage: its SQL text (rendered) is kept until references are resolved. */
export interface TransformSource extends Omit<Transform, "upstream"> {
  readonly sql?: string;
  /** From a place in `sql` back to the SQL file as written. */
  readonly sqlPlace?: (line: number, col: number) => { line: number; col: number };
}

/**
 * `metadata/transform/<domain>/`: task files and SQL, with dagRef and schedule precedence applied;
 * files in its sub-folders count as Starlake counts them (`subfolder-files.ts`).
 */
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
  triggeringStrategy: Located<string> | undefined;
  tags: unknown;
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
    tags: t?.default?.tags,
    triggeringStrategy:
      yaml &&
      locate(
        yaml,
        [...base, "dataset_triggering_strategy"],
        t?.default?.dataset_triggering_strategy,
        vars,
        diagnostics,
      ),
  };
  const listed = listDir(`${root}/${DIR}/${folder}`);
  const entries = listed.filter((e) => !e.isDir);
  const folders = listed.filter((e) => e.isDir).map((e) => e.name);
  const files = new Set(entries.map((e) => e.name));
  const context: FolderContext = { root, folder, files, defaults, vars, diagnostics };
  // `tasks:` of the config are tasks; a SQL or Python file of the same name (any case) is theirs.
  const inConfig = (t?.tasks ?? []).flatMap((entry, i) =>
    yaml ? (configTask(context, configRel, yaml, entry, i) ?? []) : [],
  );
  const configNames = new Set(inConfig.map((x) => x.name.toLowerCase()));
  const ymlNames = new Set<string>();
  const commandNames = new Set<string>();
  for (const e of entries) {
    if (e.name.startsWith("_config.")) continue;
    if (e.name.endsWith(".sl.yml")) ymlNames.add(e.name.slice(0, -".sl.yml".length));
    const ext = COMMAND_EXTENSIONS.find((x) => e.name.endsWith(x));
    if (ext) commandNames.add(e.name.slice(0, -ext.length));
  }
  const described = new Set([...[...ymlNames].map((n) => n.toLowerCase()), ...configNames]);
  const lowerCommands = new Set([...commandNames].map((n) => n.toLowerCase()));
  const nested = subfolderTasks(
    root,
    `${DIR}/${folder}`,
    { files, folders, commands: lowerCommands },
    described,
  );
  diagnostics.push(...nested.diagnostics);
  const names = new Set(ymlNames);
  for (const n of commandNames)
    if (!described.has(n.toLowerCase()) && !nested.hidden.has(n.toLowerCase())) names.add(n);
  for (const n of nested.commandless) names.add(n);
  const fromFiles = [...names]
    .sort()
    .flatMap((name) => readTask(root, folder, name, files, defaults, vars, diagnostics) ?? []);
  for (const task of fromFiles) {
    if (task.file && configNames.has(task.name.toLowerCase())) {
      diagnostics.push({
        code: "duplicate_task",
        severity: "error",
        message: `task ${task.fullName} is defined twice: in ${configRel} (tasks) and in ${task.file}; expected one definition`,
        file: task.file,
      });
    }
  }
  return [...inConfig, ...fromFiles];
}

interface FolderContext {
  readonly root: string;
  readonly folder: string;
  readonly files: ReadonlySet<string>;
  readonly defaults: Defaults;
  readonly vars: Variables;
  readonly diagnostics: Diagnostic[];
}

type TaskEntry = NonNullable<
  NonNullable<NonNullable<ReturnType<typeof transformConfigFile.parse>["transform"]>["tasks"]>
>[number];

/**
 * A task written in `_config.sl.yml` (Starlake's `buildAutoTaskInfo`): its name is `name`, else
 * `table`; its table is `table`, else the name; its domain is `domain`, else the folder's name;
 * its SQL is the folder's `<name>.sql` (or `.sql.j2`).
 */
function configTask(
  c: FolderContext,
  configRel: string,
  yaml: YamlFile,
  entry: TaskEntry,
  i: number,
): TransformSource | undefined {
  const base = ["transform", "tasks", i];
  const field = (
    key: "name" | "domain" | "table" | "dagRef" | "schedule" | "dataset_triggering_strategy",
  ) => locate(yaml, [...base, key], entry[key], c.vars, c.diagnostics);
  const name = field("name")?.value || field("table")?.value;
  if (!name) {
    c.diagnostics.push(
      diagnosticAt(
        yaml.placeOf(base),
        "error",
        "invalid_value",
        `transform.tasks.${i}: expected a name or a table`,
      ),
    );
    return undefined;
  }
  const domain = field("domain")?.value || c.folder;
  const freshness =
    freshnessOf(yaml, base, entry.freshness?.error, c.diagnostics) ?? c.defaults.freshness;
  const tags = tagsOf(c.defaults.tags, entry.tags); // Starlake merges a task's tags with the default's
  return withCommand(c, name, {
    domain,
    name,
    fullName: `${domain}.${name}`,
    table: field("table")?.value || name,
    file: configRel,
    ...optional("dagRef", field("dagRef") ?? c.defaults.dagRef),
    ...optional("schedule", field("schedule") ?? c.defaults.schedule),
    ...optional("freshness", freshness),
    ...optional("writeStrategy", entry.writeStrategy?.type ?? c.defaults.writeStrategy),
    ...optional(
      "triggeringStrategy",
      field("dataset_triggering_strategy") ?? c.defaults.triggeringStrategy,
    ),
    ...(tags.length > 0 ? { tags } : {}),
  });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V };
}

/** Adds the task's SQL file (rendered over the active variables) when there is one. */
function withCommand(c: FolderContext, name: string, task: TransformSource): TransformSource {
  const command = COMMAND_EXTENSIONS.map((x) => `${name}${x}`).find((f) => c.files.has(f));
  if (command === undefined) return task;
  const sqlFile = `${DIR}/${c.folder}/${command}`;
  if (command.endsWith(".py")) return { ...task, sqlFile };
  const raw = readText(c.root, sqlFile);
  if (raw === undefined) return { ...task, sqlFile };
  const sql = renderSql(raw, c.vars);
  return { ...task, sqlFile, sql: sql.text, sqlPlace: sql.toSource };
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
  const field = (
    key: "domain" | "table" | "dagRef" | "schedule" | "dataset_triggering_strategy",
  ) => (yaml ? locate(yaml, ["task", key], task?.[key], vars, diagnostics) : undefined);
  const domain = field("domain")?.value || defaults.domain;
  const table = field("table")?.value || name;
  const dagRef = field("dagRef") ?? defaults.dagRef;
  const schedule = field("schedule") ?? defaults.schedule;
  // The task's freshness wins over the folder default (Starlake lets the default win; see docs).
  const freshness =
    (yaml ? freshnessOf(yaml, ["task"], task?.freshness?.error, diagnostics) : undefined) ??
    defaults.freshness;
  const writeStrategy = task?.writeStrategy?.type ?? defaults.writeStrategy;
  const triggeringStrategy = field("dataset_triggering_strategy") ?? defaults.triggeringStrategy;
  const tags = tagsOf(defaults.tags, task?.tags); // Starlake merges a task's tags with the default's
  const context = { root, folder, files, defaults, vars, diagnostics };
  return withCommand(context, name, {
    domain,
    name,
    fullName: `${domain}.${name}`,
    table,
    ...(read ? { file: ymlRel } : {}),
    ...(dagRef ? { dagRef } : {}),
    ...(schedule ? { schedule } : {}),
    ...(freshness !== undefined ? { freshness } : {}),
    ...(writeStrategy ? { writeStrategy } : {}),
    ...(triggeringStrategy ? { triggeringStrategy } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  });
}
