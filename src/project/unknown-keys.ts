import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { closest } from "../util/suggest.js";
import { STARLAKE_FILES, type StarlakeFileKind, type StarlakeFileRule } from "./starlake-files.js";
import { type Slot, STARLAKE_OBJECTS } from "./starlake-keys.js";
import type { YamlFile } from "./yaml-file.js";

/** Pre-1.0 key names, read only in files without `version`: what they became. */
const RENAMED: Readonly<Record<string, string>> = {
  write: "writeStrategy",
  merge: "writeStrategy",
  attributesDesc: "attributes",
  dataset: "table",
  schema: "table",
};

type Path = (string | number)[];

/**
 * Every key that Starlake 1.5.16 would reject in a file, located at the key. Mirrors
 * YamlSerde.validateConfigFileFromNode: a file without `version` is first migrated (wrapped in its
 * container key, legacy keys removed or renamed), then checked against the strict schema.
 */
export function unknownKeys(yaml: YamlFile, kind: StarlakeFileKind): Diagnostic[] {
  const data = yaml.data;
  if (!isRecord(data)) return [];
  const rule = STARLAKE_FILES[kind];
  let versionless = !("version" in data);
  const out: Diagnostic[] = [];
  const walk = (model: string, value: Record<string, unknown>, real: Path, pattern: string[]) => {
    const object = own(STARLAKE_OBJECTS, model);
    if (object === undefined) return;
    for (const [key, v] of Object.entries(value)) {
      // The schema's top requires exactly one content key (oneOf): the file's own, here.
      const another = model === "Root" && key !== "version" && key !== rule.container;
      const slot = another ? undefined : own(object.keys, key);
      if (slot !== undefined) {
        descend(slot, v, [...real, key], [...pattern, key]);
        continue;
      }
      const legacy = versionless ? own(rule.legacy, [...pattern, key].join(".")) : undefined;
      if (legacy !== undefined && (legacy.unless === undefined || !(legacy.unless in value))) {
        if (legacy.as !== null) descend(legacy.as, v, [...real, key], [...pattern, key]);
        continue;
      }
      if (object.open) continue;
      // At the top, another file kind's key (`table` in a load file) is no useful suggestion.
      const known = model === "Root" ? ["version", rule.container] : Object.keys(object.keys);
      const only = model === "Root" ? `; this file holds only version and ${rule.container}` : "";
      out.push(report(yaml, rule, [...real, key], known, value, only));
    }
  };
  const descend = (slot: Slot, v: unknown, real: Path, pattern: string[]) => {
    if (typeof slot === "string") return;
    if ("object" in slot) {
      if (isRecord(v)) walk(slot.object, v, real, pattern);
    } else if ("list" in slot) {
      if (Array.isArray(v))
        v.forEach((item, i) => {
          if (isRecord(item)) walk(slot.list, item, [...real, i], [...pattern, "*"]);
        });
    } else if (isRecord(v)) {
      for (const [name, item] of Object.entries(v))
        if (isRecord(item)) walk(slot.map, item, [...real, name], [...pattern, "*"]);
    }
  };
  const tables = kind === "table" ? tableList(data, versionless) : undefined;
  if (tables !== undefined) {
    // A table file holding a list of tables: each is checked on its own, wrapped in `table:`
    // without `version` (so migrated), and the file's other top-level keys are not read.
    versionless = true;
    tables.items.forEach((item, i) => {
      if (isRecord(item)) walk("TableV1", item, [tables.key, i], ["table"]);
    });
  } else if (versionless && kind !== "table" && !(rule.container in data)) {
    // Starlake wraps a file without `version` in its container key, except table files.
    const slot = STARLAKE_OBJECTS.Root?.keys[rule.container];
    if (slot !== undefined) descend(slot, data, [], [rule.container]);
  } else {
    walk("Root", data, [], []);
  }
  return out;
}

/** The list of a multi-table file (`schemas` is its pre-1.0 name), as YamlSerde reads it. */
function tableList(
  data: Record<string, unknown>,
  versionless: boolean,
): { key: string; items: unknown[] } | undefined {
  const key =
    "tables" in data ? "tables" : versionless && "schemas" in data ? "schemas" : undefined;
  const items = key === undefined ? undefined : data[key];
  return key !== undefined && Array.isArray(items) ? { key, items } : undefined;
}

function report(
  yaml: YamlFile,
  rule: StarlakeFileRule,
  path: Path,
  known: string[],
  siblings: Record<string, unknown>,
  only: string,
): Diagnostic {
  const key = String(path[path.length - 1]);
  const renamed = own(RENAMED, key);
  const meant = renamed !== undefined && known.includes(renamed) ? renamed : closest(key, known);
  const hint = meant !== undefined && !(meant in siblings) ? ` (did you mean ${meant}?)` : "";
  return diagnosticAt(
    yaml.keyPlaceOf(path),
    rule.severity,
    "unknown_key",
    `unknown key ${path.join(".")}${hint}${only}: ${rule.consequence}`,
  );
}

/** A key's entry, never one inherited from Object.prototype (a key named `constructor`). */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
