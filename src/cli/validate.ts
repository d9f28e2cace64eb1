import { Command } from "commander";
import { planProject } from "../compile/plan-project.js";
import {
  type Diagnostic,
  formatDiagnostic,
  hasErrors,
  sortDiagnostics,
} from "../pipeline/diagnostic.js";
import { type ProjectFlags, readOptions, withProjectOptions } from "./project-options.js";

export function validateCommand(): Command {
  return withProjectOptions(
    new Command("validate")
      .summary("read and check a Starlake project; print every problem as file:line:col")
      .description(
        "read and check a Starlake project; print every problem as file:line:col. As starlake validate, it accepts dag config options that only a runner would refuse (a missing Fargate cluster…), with a warning; --strict refuses them",
      )
      .argument("<project>", "project folder (the one holding metadata/)")
      .option("--json", "print the diagnostics as JSON"),
  ).action(async (project: string, flags: ProjectFlags & { json?: boolean }) => {
    const planned = await planProject(project, readOptions(flags));
    const { pipelines } = planned;
    const diagnostics = flags.strict
      ? planned.diagnostics
      : asStarlakeValidates(planned.diagnostics);
    const failed = hasErrors(diagnostics);
    // whether slo generate and slo run would take it: false for the problems said as warnings
    const runnable = !hasErrors(planned.diagnostics);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ok: !failed, runnable, diagnostics }, null, 2)}\n`);
    } else {
      for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      const warnings = diagnostics.filter((d) => d.severity === "warning").length;
      const errors = diagnostics.length - warnings;
      process.stdout.write(
        failed
          ? `${errors} error(s), ${warnings} warning(s)\n`
          : !runnable
            ? `ok as starlake validate reads it, ${warnings} warning(s); its dag config options stop slo generate and slo run\n`
            : `ok: ${pipelines.length} pipeline(s), ${warnings} warning(s)\n`,
      );
    }
    if (failed) process.exitCode = 2;
  });
}

// Problems of a dag config's options that only a runner meets (Starlake's own checks of them,
// DagInfo's: no empty name, no `..`, are `unsafe_option` and stay errors).
const RUNNER_PROBLEMS = new Set([
  "missing_option",
  "invalid_option",
  "unknown_trigger_dataset",
  "ambiguous_trigger_dataset",
]);

/**
 * Starlake's validate reads the project's model, not the options of its dag configs: a Fargate
 * config without its cluster passes it, and fails only where the pipelines run. So do such
 * problems here, as warnings that say who refuses them (`--strict` keeps them errors).
 */
function asStarlakeValidates(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return sortDiagnostics(
    diagnostics.map((d) =>
      d.severity === "error" && RUNNER_PROBLEMS.has(d.code)
        ? {
            ...d,
            severity: "warning",
            message: `${d.message} (slo generate and slo run refuse it; starlake validate does not check options)`,
          }
        : d,
    ),
  );
}
