import { Command } from "commander";
import { planProject } from "../compile/plan-project.js";
import { formatDiagnostic, hasErrors } from "../pipeline/diagnostic.js";
import { type ProjectFlags, readOptions, withProjectOptions } from "./project-options.js";

export function validateCommand(): Command {
  return withProjectOptions(
    new Command("validate")
      .description("read and check a Starlake project; print every problem as file:line:col")
      .argument("<project>", "project folder (the one holding metadata/)")
      .option("--json", "print the diagnostics as JSON"),
  ).action(async (project: string, flags: ProjectFlags & { json?: boolean }) => {
    const { pipelines, diagnostics } = await planProject(project, readOptions(flags));
    const failed = hasErrors(diagnostics);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ok: !failed, diagnostics }, null, 2)}\n`);
    } else {
      for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      const warnings = diagnostics.filter((d) => d.severity === "warning").length;
      const errors = diagnostics.length - warnings;
      process.stdout.write(
        failed
          ? `${errors} error(s), ${warnings} warning(s)\n`
          : `ok: ${pipelines.length} pipeline(s), ${warnings} warning(s)\n`,
      );
    }
    if (failed) process.exitCode = 2;
  });
}
