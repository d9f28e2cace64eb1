import { cronProblem } from "../pipeline/cron.js";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import { connectionRefProblems } from "./connection-ref.js";
import type { Application } from "./project.js";
import { locate, readYaml } from "./read-yaml.js";
import { applicationFile } from "./schemas.js";
import { renderVariables, type Variables } from "./variables.js";

const FILE = "metadata/application.sl.yml";

/** `application.sl.yml`: default dag configs, schedule presets, the active connection's engine. */
export function readApplication(
  root: string,
  vars: Variables,
): { application: Application; diagnostics: Diagnostic[] } {
  const read = readYaml(root, FILE, applicationFile, vars);
  if (read === undefined) return { application: { schedulePresets: {} }, diagnostics: [] };
  const diagnostics = [...read.diagnostics];
  const app = read.value?.application;
  const yaml = read.yaml;
  if (app === undefined || yaml === undefined)
    return { application: { file: FILE, schedulePresets: {} }, diagnostics };
  const presets: Record<string, string> = {};
  for (const [name, cron] of Object.entries(app.schedulePresets ?? {})) {
    const value = renderVariables(cron, vars).text.trim();
    const problem = cronProblem(value);
    if (problem) {
      diagnostics.push(
        diagnosticAt(
          yaml.placeOf(["application", "schedulePresets", name]),
          "error",
          "invalid_cron",
          `schedule preset ${name}: invalid cron ${JSON.stringify(value)}: ${problem}`,
        ),
      );
    }
    presets[name] = value;
  }
  const dagRefLoad = locate(
    yaml,
    ["application", "dagRef", "load"],
    app.dagRef?.load ?? vars.SL_DAG_REF_LOAD,
    vars,
    diagnostics,
  );
  const dagRefTransform = locate(
    yaml,
    ["application", "dagRef", "transform"],
    app.dagRef?.transform ?? vars.SL_DAG_REF_TRANSFORM,
    vars,
    diagnostics,
  );
  const connectionName = app.connectionRef
    ? renderVariables(app.connectionRef, vars).text
    : vars.SL_CONNECTION_REF;
  diagnostics.push(
    ...connectionRefProblems(
      yaml,
      app.connectionRef !== undefined ? (connectionName ?? "") : connectionName,
      Object.keys(app.connections ?? {}),
    ),
  );
  const connection = connectionName ? app.connections?.[connectionName] : undefined;
  const engine = connection?.options?.url ?? connection?.type ?? connectionName;
  return {
    application: {
      file: FILE,
      schedulePresets: presets,
      ...(dagRefLoad ? { dagRefLoad } : {}),
      ...(dagRefTransform ? { dagRefTransform } : {}),
      ...(engine ? { engine: renderVariables(engine, vars).text } : {}),
    },
    diagnostics,
  };
}
