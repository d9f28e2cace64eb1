import type { z } from "zod";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { checkFile } from "./check-file.js";
import { fileIdentity, readText } from "./files.js";
import { activeParseCache } from "./parse-cache.js";
import type { Located } from "./project.js";
import { renderFile } from "./render-file.js";
import { hasTemplate } from "./template.js";
import { renderVariables, type Variables } from "./variables.js";
import { parseYaml, type YamlFile, yamlOfData } from "./yaml-file.js";

export interface ReadYaml<T> {
  readonly value?: T;
  readonly yaml?: YamlFile;
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads, parses and validates one project file; undefined when the file does not exist. With
 * `vars`, the file is first rendered as a template over them, as Starlake does (`Utils.parseJinja`
 * before `YamlSerde`), and every place still points at the text as written.
 */
export function readYaml<S extends z.ZodType>(
  root: string,
  rel: string,
  schema: S,
  vars?: Variables,
): ReadYaml<z.output<S>> | undefined {
  const cache = activeParseCache(root);
  const id = cache === undefined ? undefined : fileIdentity(root, rel);
  const known = id === undefined ? undefined : cache?.get(rel, id.identity);
  if (known !== undefined) {
    const yaml = yamlOfData(rel, known, () => readText(root, rel));
    return { ...checkFile(yaml, schema), yaml };
  }
  const text = readText(root, rel);
  if (text === undefined) return undefined;
  const plain = !hasTemplate(text);
  const rendered = vars === undefined || plain ? undefined : renderFile(rel, text, vars);
  // A template that cannot be rendered is the root cause: its YAML would only add follow-on errors.
  if (rendered?.diagnostics.some((d) => d.severity === "error"))
    return { diagnostics: rendered.diagnostics };
  const parsed = rendered ? parseYaml(rel, rendered.text, rendered.origin) : parseYaml(rel, text);
  const templateProblems = rendered?.diagnostics ?? [];
  if (parsed.yaml === undefined)
    return { diagnostics: [...templateProblems, ...parsed.diagnostics] };
  // Identity taken before the reading: a change since then gives another one next time.
  if (plain && id?.settled && parsed.diagnostics.length === 0)
    cache?.set(rel, id.identity, parsed.yaml.data);
  const checked = checkFile(parsed.yaml, schema);
  return {
    ...checked,
    diagnostics: [...templateProblems, ...checked.diagnostics],
    yaml: parsed.yaml,
  };
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
