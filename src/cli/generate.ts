import { basename } from "node:path";
import { Command, Option } from "commander";
import { orchestrator, orchestratorNames } from "../backends/registry.js";
import { assetLineage } from "../compile/asset-lineage.js";
import { ConfigError } from "../errors.js";
import { writeGenerated } from "../output/write-generated.js";
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
      .description("write the pipelines as orchestrator files (Airflow 3 DAG files)")
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
      ),
  ).action(
    async (
      project: string,
      flags: ProjectFlags &
        SelectionFlags & {
          orchestrator: string;
          out: string;
          clean?: boolean;
        },
    ) => {
      const target = orchestrator(flags.orchestrator);
      if (target === undefined) {
        throw new ConfigError(
          `--orchestrator ${flags.orchestrator}: unknown; expected one of ${orchestratorNames().join(", ")}`,
        );
      }
      const plan = await planOrFail(project, flags, target.name);
      const chosen = choosePipelines(plan, flags);
      const ids = chosen.map((p) => p.id);
      const files = target
        .render(chosen, {
          source: basename(project.replace(/\/+$/, "")) || project,
          ...(plan.project ? { lineage: assetLineage(plan.project) } : {}),
        })
        .map((f) => ({ ...f, pipelines: f.pipelines ?? ids }));
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
      process.stdout.write(
        `${flags.out}: ${r.written.length} written, ${r.unchanged.length} unchanged, ${r.removed.length} removed\n`,
      );
    },
  );
}
