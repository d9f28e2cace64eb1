import { Command } from "commander";
import { periodValues, runDateOf } from "./period-text.js";
import { planOrFail } from "./plan-or-fail.js";
import { planText } from "./plan-text.js";
import { type ProjectFlags, withProjectOptions } from "./project-options.js";
import {
  choosePipelines,
  domainsOption,
  type SelectionFlags,
  tagsOption,
  tasksOption,
} from "./select-pipelines.js";

export function planCommand(): Command {
  return withProjectOptions(
    new Command("plan")
      .description(
        "show the pipelines, tasks, schedules, datasets and commands a project compiles to",
      )
      .argument("<project>", "project folder (the one holding metadata/)")
      .option("--pipeline <id...>", "only these pipelines")
      .addOption(tagsOption())
      .addOption(domainsOption())
      .addOption(tasksOption())
      .option(
        "--date <day|iso>",
        "also show the --scheduledDate and data interval a run for this day or instant gets",
      )
      .option(
        "--json",
        "print the pipelines as JSON (the pipeline model), with the project's lineage by dataset",
      ),
  ).action(
    async (
      project: string,
      flags: ProjectFlags & SelectionFlags & { json?: boolean; date?: string },
    ) => {
      const date = flags.date === undefined ? undefined : runDateOf(flags.date);
      const plan = await planOrFail(project, flags);
      const chosen = choosePipelines(plan, flags);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(
              {
                pipelines: chosen,
                // the project-wide graph: each transform's dataset → the datasets it reads
                lineage: Object.fromEntries(plan.lineage),
                ...(date
                  ? { periods: chosen.map((p) => ({ pipeline: p.id, ...periodValues(p, date) })) }
                  : {}),
              },
              null,
              2,
            )}\n`
          : planText(chosen, date),
      );
    },
  );
}
