import type { z } from "zod";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { checkFile } from "./check-file.js";
import { readText } from "./files.js";
import type { Located } from "./project.js";
import { renderVariables, type Variables } from "./variables.js";
import { parseYaml, type YamlFile } from "./yaml-file.js";

export interface ReadYaml<T> {
  readonly value?: T;
  readonly yaml?: YamlFile;
  readonly diagnostics: Diagnostic[];
}

/** Reads, parses and validates one project file; undefined when the file does not exist. */
export function readYaml<S extends z.ZodType>(
  root: string,
  rel: string,
  schema: S,
): ReadYaml<z.output<S>> | undefined {
  const text = readText(root, rel);
  if (text === undefined) return undefined;
  const parsed = parseYaml(rel, text);
  if (parsed.yaml === undefined) return { diagnostics: parsed.diagnostics };
  const checked = checkFile(parsed.yaml, schema);
  return { ...checked, yaml: parsed.yaml };
}

/** A string field with its place, variables rendered; unknown variables are reported. */
export function locate(
  yaml: YamlFile,
  path: readonly (string | number)[],
  raw: string | undefined,
  vars: Variables,
  diagnostics: Diagnostic[],
): Located<string> | undefined {
  if (raw === undefined) return undefined;
  const at = yaml.placeOf(path);
  const { text, missing } = renderVariables(raw, vars);
  for (const name of missing) {
    diagnostics.push(
      diagnosticAt(
        at,
        "warning",
        "unknown_variable",
        `${path.join(".")}: unknown variable ${name}; define it in metadata/env.sl.yml`,
      ),
    );
  }
  return { value: text.trim(), at };
}
