import { homedir } from "node:os";
import { basename, isAbsolute, resolve } from "node:path";
import { Command, Option } from "commander";
import { orchestrator, orchestratorNames } from "../backends/registry.js";
import { ConfigError } from "../errors.js";
import { writeGenerated } from "../output/write-generated.js";
import { machinePathWarning } from "./machine-paths.js";
import { planOrFail } from "./plan-or-fail.js";
import { type ProjectFlags, withProjectOptions } from "./project-options.js";
import {
  choosePipelines,
  domainsOption,
  type SelectionFlags,
  tagsOption,
  tasksOption,
} from "./select-pipelines.js";

export function generateCommand(): Command {
  return withProjectOptions(
    new Command("generate")
      .description(
        "write the pipelines as orchestrator files (Airflow 3 DAG files, Dagster definitions)",
      )
      .argument("<project>", "project folder (the one holding metadata/)")
      .addOption(new Option("--orchestrator <name>", "target orchestrator").makeOptionMandatory())
      .requiredOption("--out <dir>", "output folder (a manifest there lists the files slo wrote)")
      .option("--pipeline <id...>", "only these pipelines")
      .addOption(tagsOption())
      .addOption(domainsOption())
      .addOption(tasksOption())
      .option(
        "--clean",
        "remove files an earlier generate wrote that are no longer produced (with a selection, only the selected pipelines' files)",
      )
      .option(
        "--sl-root-relative <path>",
        "the project's folder on the workers, relative to the generated files' folder (default: SL_ROOT, from --var or the environment, else the project folder); a worker's own SL_ROOT wins",
      ),
  ).action(
    async (
      project: string,
      flags: ProjectFlags &
        SelectionFlags & {
          orchestrator: string;
          out: string;
          clean?: boolean;
          slRootRelative?: string;
        },
    ) => {
      const target = orchestrator(flags.orchestrator);
      if (target === undefined) {
        throw new ConfigError(
          `--orchestrator ${flags.orchestrator}: unknown; expected one of ${orchestratorNames().join(", ")}`,
        );
      }
      const relative = flags.slRootRelative;
      if (relative !== undefined && (relative === "" || isAbsolute(relative)))
        throw new ConfigError(
          `--sl-root-relative ${JSON.stringify(relative)}: expected a relative path, from the generated files' folder to the project's (such as ..)`,
        );
      const declared = declaredRoot(flags.var);
      // the workers' Starlake is theirs (their SL_STARLAKE_PATH, else a dag config's, else PATH)
      const { SL_STARLAKE_PATH: _, ...env } = process.env;
      const plan = await planOrFail(
        project,
        declared && !flags.var?.some(isRootVar)
          ? { ...flags, var: [...(flags.var ?? []), `SL_ROOT=${declared}`] }
          : flags,
        target.name,
        env,
      );
      const chosen = choosePipelines(plan, flags);
      const ids = chosen.map((p) => p.id);
      const files = target
        .render(chosen, {
          source: basename(project.replace(/\/+$/, "")) || project,
          lineage: plan.lineage,
          ...(relative !== undefined ? { rootDefault: relative } : {}),
        })
        .map((f) => ({ ...f, pipelines: f.pipelines ?? ids }));
      const warning = machinePathWarning(
        files,
        [resolve(project), process.cwd(), homedir()],
        declared,
      );
      // With a selection, --clean removes only the selected pipelines' stale files.
      const partial =
        (flags.pipeline?.length ?? 0) > 0 ||
        flags.tags !== undefined ||
        flags.domains !== undefined ||
        flags.tasks !== undefined;
      const r = writeGenerated(
        flags.out,
        target.name,
        files,
        flags.clean === true,
        partial ? ids : undefined,
      );
      // after the write: a generate that fails says only why
      if (warning !== undefined) process.stderr.write(`${warning}\n`);
      process.stdout.write(
        `${flags.out}: ${r.written.length} written, ${r.unchanged.length} unchanged, ${r.removed.length} removed\n`,
      );
    },
  );
}

const isRootVar = (pair: string) => pair.startsWith("SL_ROOT=");

/**
 * Where the project lives on the workers, when the user said so: `--var SL_ROOT=`, else an
 * exported SL_ROOT (Starlake reads it too). It must be absolute: a relative one would be read
 * from wherever a worker happens to run.
 */
function declaredRoot(vars: readonly string[] | undefined): string | undefined {
  const given = vars?.filter(isRootVar).at(-1);
  const value = given !== undefined ? given.slice("SL_ROOT=".length) : process.env.SL_ROOT;
  if (value === undefined || value === "") return undefined;
  if (!isAbsolute(value))
    throw new ConfigError(
      `SL_ROOT=${JSON.stringify(value)} (${given !== undefined ? "--var" : "environment"}): expected an absolute path, the project's folder on the workers; for a folder relative to the generated files use --sl-root-relative`,
    );
  return value;
}
