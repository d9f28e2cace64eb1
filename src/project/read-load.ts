import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { durationSeconds } from "./duration.js";
import { listDir } from "./files.js";
import type { Application, LoadDomain, LoadTable, Located } from "./project.js";
import { locate, readYaml } from "./read-yaml.js";
import { domainFile, tableFile } from "./schemas.js";
import { subfolderTables } from "./subfolder-files.js";
import type { Variables } from "./variables.js";
import type { YamlFile } from "./yaml-file.js";

const DIR = "metadata/load";

/** `metadata/load/<domain>/_config.sl.yml` and its tables, with dagRef and schedule precedence applied. */
export function readLoadDomains(
  root: string,
  app: Application,
  vars: Variables,
): { domains: LoadDomain[]; diagnostics: Diagnostic[] } {
  const domains: LoadDomain[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const folder of listDir(`${root}/${DIR}`)) {
    if (!folder.isDir) continue;
    const domain = readDomain(root, folder.name, app, vars, diagnostics);
    if (domain) domains.push(domain);
  }
  return { domains: domains.sort((a, b) => a.name.localeCompare(b.name)), diagnostics };
}

function readDomain(
  root: string,
  folder: string,
  app: Application,
  vars: Variables,
  diagnostics: Diagnostic[],
): LoadDomain | undefined {
  const configRel = `${DIR}/${folder}/_config.sl.yml`;
  const config = readYaml(root, configRel, domainFile, vars);
  if (config) diagnostics.push(...config.diagnostics);
  if (config && config.value === undefined) return undefined;
  const load = config?.value?.load;
  const yaml = config?.yaml;
  const name =
    (yaml && locate(yaml, ["load", "name"], load?.name, vars, diagnostics)?.value) || folder;
  const finalName =
    (yaml && locate(yaml, ["load", "rename"], load?.rename, vars, diagnostics)?.value) || name;
  const meta = load?.metadata;
  const domainDefaults: Defaults = {
    dagRef:
      (yaml && locate(yaml, ["load", "metadata", "dagRef"], meta?.dagRef, vars, diagnostics)) ||
      app.dagRefLoad,
    schedule:
      yaml && locate(yaml, ["load", "metadata", "schedule"], meta?.schedule, vars, diagnostics),
    freshness: yaml
      ? freshnessOf(yaml, ["load", "metadata"], meta?.freshness?.error, diagnostics)
      : undefined,
    writeStrategy: meta?.writeStrategy?.type,
  };
  const tables: LoadTable[] = [];
  const listed = listDir(`${root}/${DIR}/${folder}`);
  const entries = listed.filter((e) => !e.isDir);
  for (const entry of entries) {
    // Starlake skips every `_config.*` name (`SchemaHandler.loadTableRefs`).
    if (!entry.name.endsWith(".sl.yml") || entry.name.startsWith("_config.")) continue;
    const table = readTable(
      root,
      `${DIR}/${folder}/${entry.name}`,
      name,
      domainDefaults,
      vars,
      diagnostics,
    );
    if (table) tables.push(table);
  }
  const top = {
    files: new Set(entries.map((e) => e.name)),
    folders: listed.filter((e) => e.isDir).map((e) => e.name),
  };
  diagnostics.push(...subfolderTables(root, `${DIR}/${folder}`, top));
  return {
    name,
    finalName,
    ...(config ? { file: configRel } : {}),
    tables: tables.sort((a, b) => a.name.localeCompare(b.name)),
  };
}

interface Defaults {
  dagRef: Located<string> | undefined;
  schedule: Located<string> | undefined;
  freshness: number | undefined;
  writeStrategy: string | undefined;
}

function readTable(
  root: string,
  rel: string,
  domain: string,
  defaults: Defaults,
  vars: Variables,
  diagnostics: Diagnostic[],
): LoadTable | undefined {
  const read = readYaml(root, rel, tableFile, vars);
  if (read === undefined) return undefined;
  diagnostics.push(...read.diagnostics);
  const table = read.value?.table;
  const yaml = read.yaml;
  if (table === undefined || yaml === undefined) return undefined;
  const fileName = rel.slice(rel.lastIndexOf("/") + 1, -".sl.yml".length);
  const name = locate(yaml, ["table", "name"], table.name, vars, diagnostics)?.value || fileName;
  const meta = table.metadata;
  const dagRef =
    locate(yaml, ["table", "metadata", "dagRef"], meta?.dagRef, vars, diagnostics) ??
    defaults.dagRef;
  const schedule =
    locate(yaml, ["table", "metadata", "schedule"], meta?.schedule, vars, diagnostics) ??
    defaults.schedule;
  const freshness =
    freshnessOf(yaml, ["table", "metadata"], meta?.freshness?.error, diagnostics) ??
    defaults.freshness;
  const writeStrategy = meta?.writeStrategy?.type ?? defaults.writeStrategy;
  const pattern = locate(yaml, ["table", "pattern"], table.pattern, vars, diagnostics);
  const tags = tagsOf(table.tags);
  return {
    domain,
    name,
    finalName: locate(yaml, ["table", "rename"], table.rename, vars, diagnostics)?.value || name,
    file: rel,
    ...(pattern ? { pattern } : {}),
    ...(dagRef ? { dagRef } : {}),
    ...(schedule ? { schedule } : {}),
    ...(freshness !== undefined ? { freshness } : {}),
    ...(writeStrategy ? { writeStrategy } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

/** Tags as `--tags` matches them: the strings of a list, sorted, once each; anything else is none. */
export function tagsOf(...lists: unknown[]): string[] {
  const tags = lists.flatMap((l) => (Array.isArray(l) ? l : []));
  return [...new Set(tags.filter((t): t is string => typeof t === "string"))].sort();
}

/** `freshness.error` as seconds; a value we cannot read is reported, not guessed. */
export function freshnessOf(
  yaml: YamlFile,
  base: (string | number)[],
  text: string | undefined,
  diagnostics: Diagnostic[],
): number | undefined {
  if (text === undefined) return undefined;
  const seconds = durationSeconds(text);
  if (seconds === undefined) {
    diagnostics.push(
      diagnosticAt(
        yaml.placeOf([...base, "freshness", "error"]),
        "error",
        "invalid_duration",
        `${[...base, "freshness", "error"].join(".")}: expected a duration such as "2 hours", found ${JSON.stringify(text)}`,
      ),
    );
  }
  return seconds;
}
