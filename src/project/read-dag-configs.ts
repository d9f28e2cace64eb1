import type { Diagnostic } from "../pipeline/diagnostic.js";
import { listDir } from "./files.js";
import type { DagConfig, Located } from "./project.js";
import { readYaml } from "./read-yaml.js";
import { dagConfigFile } from "./schemas.js";

const DIR = "metadata/dags";

/**
 * `metadata/dags/*.sl.yml`. Values stay unrendered here: `filename`, `comment` and options may use
 * `{{domain}}`, `{{table}}`, `{{schedule}}`… that only exist once tables are grouped.
 */
export function readDagConfigs(root: string): {
  dagConfigs: DagConfig[];
  diagnostics: Diagnostic[];
} {
  const dagConfigs: DagConfig[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const entry of listDir(`${root}/${DIR}`)) {
    if (entry.isDir || !entry.name.endsWith(".sl.yml")) continue;
    const rel = `${DIR}/${entry.name}`;
    const read = readYaml(root, rel, dagConfigFile);
    if (read === undefined) continue;
    diagnostics.push(...read.diagnostics);
    const dag = read.value?.dag;
    const yaml = read.yaml;
    if (dag === undefined || yaml === undefined) continue;
    const options = new Map<string, Located<string>>();
    for (const [key, value] of Object.entries(dag.options ?? {})) {
      options.set(key, { value: value ?? "", at: yaml.placeOf(["dag", "options", key]) });
    }
    dagConfigs.push({
      name: entry.name.slice(0, -".sl.yml".length),
      file: rel,
      ...(dag.comment !== undefined ? { comment: dag.comment } : {}),
      template: { value: dag.template, at: yaml.placeOf(["dag", "template"]) },
      filename: { value: dag.filename, at: yaml.placeOf(["dag", "filename"]) },
      options,
    });
  }
  return { dagConfigs, diagnostics };
}
