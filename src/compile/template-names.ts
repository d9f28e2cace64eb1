import { type Diagnostic, diagnosticAt } from "../pipeline/diagnostic.js";
import type { DagConfig } from "../project/project.js";

/**
 * What `starlake validate` (SchemaHandler's check of dag configs) asks of the templates of the
 * dag configs a project references: a name of the form `<orchestrator>__…` (after its last `/`),
 * and one orchestrator for all of them, since dag-generate targets one. Starlake reports the
 * config it happens to meet second; we report, in name order, every config whose orchestrator is
 * not the first one's.
 */
export function templateNameProblems(referenced: Iterable<DagConfig>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let first: { orchestrator: string; config: string } | undefined;
  for (const config of [...new Set(referenced)].sort((a, b) => a.name.localeCompare(b.name))) {
    const template = config.template.value;
    const base = template.slice(template.lastIndexOf("/") + 1);
    const separator = base.indexOf("__");
    if (separator < 0) {
      diagnostics.push(
        diagnosticAt(
          config.template.at,
          "error",
          "invalid_template_name",
          `dag config ${config.name}: template ${JSON.stringify(template)} does not name its orchestrator; expected a file name of the form <orchestrator>__<name> (airflow__…, dagster__…), as starlake validate requires`,
        ),
      );
      continue;
    }
    const orchestrator = base.slice(0, separator);
    if (first === undefined) first = { orchestrator, config: config.name };
    else if (orchestrator !== first.orchestrator)
      diagnostics.push(
        diagnosticAt(
          config.template.at,
          "error",
          "mixed_orchestrators",
          `dag config ${config.name}: template ${JSON.stringify(template)} is for ${orchestrator}, but dag config ${first.config} is for ${first.orchestrator}; expected one orchestrator for all the dag configs a project references, as starlake validate requires`,
        ),
      );
  }
  return diagnostics;
}
