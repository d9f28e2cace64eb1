import type { z } from "zod";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { closest } from "../util/suggest.js";
import {
  applicationFile,
  dagConfigFile,
  domainFile,
  envFile,
  STARLAKE_KEYS,
  tableFile,
  taskFile,
  transformConfigFile,
} from "./schemas.js";
import type { StarlakeFileKind } from "./starlake-files.js";
import { unknownKeys } from "./unknown-keys.js";
import type { YamlFile } from "./yaml-file.js";

/** Starlake's own files: their keys are checked as Starlake 1.5.16 checks them. */
const STARLAKE_FILE_KINDS = new Map<z.ZodType, StarlakeFileKind>([
  [applicationFile, "application"],
  [envFile, "env"],
  [domainFile, "load"],
  [tableFile, "table"],
  [transformConfigFile, "transform"],
  [taskFile, "task"],
  [dagConfigFile, "dag"],
]);

/**
 * Validates a parsed file against its schema: every problem located. In Starlake's files, a key
 * Starlake rejects is reported; in our own files, key typos are warnings.
 */
export function checkFile<S extends z.ZodType>(
  yaml: YamlFile,
  schema: S,
): { value?: z.output<S>; diagnostics: Diagnostic[] } {
  const result = schema.safeParse(yaml.data);
  const diagnostics: Diagnostic[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      const where = path.length > 0 ? `${path.join(".")}: ` : "";
      diagnostics.push(
        diagnosticAt(
          yaml.placeOf(path),
          "error",
          "invalid_value",
          `${where}${describe(issue, valueAt(yaml.data, path))}`,
        ),
      );
    }
  }
  const kind = STARLAKE_FILE_KINDS.get(schema);
  diagnostics.push(
    ...(kind !== undefined ? unknownKeys(yaml, kind) : keyTypos(yaml, schema, yaml.data, [])),
  );
  return result.success ? { value: result.data, diagnostics } : { diagnostics };
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let v = data;
  for (const p of path)
    v =
      typeof v === "object" && v !== null ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

function describe(issue: z.core.$ZodIssue, got: unknown): string {
  if (issue.code === "invalid_type") {
    const received =
      got === undefined
        ? "nothing"
        : Array.isArray(got)
          ? "a list"
          : got === null
            ? "null"
            : typeof got === "object"
              ? "a map"
              : JSON.stringify(got);
    const expected = issue.message.startsWith("Invalid input")
      ? `a ${issue.expected}`
      : issue.message.replace(/^expected /, "");
    return `expected ${expected}, found ${received}`;
  }
  return issue.message;
}

/** Walks the data along the schema; an unknown key close to a key we read is probably a typo. */
function keyTypos(
  yaml: YamlFile,
  schema: z.ZodType,
  data: unknown,
  path: (string | number)[],
): Diagnostic[] {
  const inner = unwrap(schema);
  const def = (inner as { def?: { type?: string; element?: z.ZodType; valueType?: z.ZodType } })
    .def;
  if (def?.type === "object" && isRecord(data)) {
    const shape = (inner as unknown as { shape: Record<string, z.ZodType> }).shape;
    const out: Diagnostic[] = [];
    for (const [key, value] of Object.entries(data)) {
      const field = shape[key];
      if (field !== undefined) {
        out.push(...keyTypos(yaml, field, value, [...path, key]));
        continue;
      }
      if (STARLAKE_KEYS.has(key)) continue;
      const meant = closest(key, Object.keys(shape));
      if (meant !== undefined && !(meant in data)) {
        out.push(
          diagnosticAt(
            yaml.keyPlaceOf([...path, key]),
            "warning",
            "unknown_key",
            `unknown key ${[...path, key].join(".")}; did you mean ${meant}?`,
          ),
        );
      }
    }
    return out;
  }
  if (def?.type === "array" && Array.isArray(data) && def.element) {
    const element = def.element;
    return data.flatMap((v, i) => keyTypos(yaml, element, v, [...path, i]));
  }
  return [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema as { def?: { type?: string; innerType?: z.ZodType; in?: z.ZodType } };
  for (;;) {
    const t = s.def?.type;
    if ((t === "optional" || t === "nullable" || t === "default") && s.def?.innerType)
      s = s.def.innerType as typeof s;
    else if (t === "pipe" && s.def?.in) s = s.def.in as typeof s;
    else return s as z.ZodType;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
