import { Command, Option } from "commander";
import { serve } from "../engine/serve.js";
import { slotsOf, starlakeOption, stateOption, statePath, withEngine } from "./engine-flags.js";
import { planOrFail } from "./plan-or-fail.js";
import { type ProjectFlags, withProjectOptions } from "./project-options.js";
import { RunView } from "./run-view.js";
import { selectPipelines } from "./select-pipelines.js";

export function serveCommand(): Command {
  return withProjectOptions(
    new Command("serve")
      .description(
        "schedule the project on this machine: cron pipelines at their instants, dataset-triggered pipelines when their upstreams are produced (Ctrl-C stops; runs resume on restart)",
      )
      .argument("<project>", "project folder (the one holding metadata/)")
      .option("--pipeline <id...>", "only these pipelines")
      .addOption(starlakeOption())
      .addOption(stateOption())
      .option(
        "--concurrency <n>",
        "most tasks running at once (default: number of CPUs, at least 2)",
      )
      .addOption(new Option("--pool <name=slots...>", "slots of a pool (repeatable)")),
  ).action(
    async (
      project: string,
      flags: ProjectFlags & {
        pipeline?: string[];
        starlake?: string;
        state?: string;
        concurrency?: string;
        pool?: string[];
      },
    ) => {
      const slots = slotsOf(flags); // bad --concurrency or --pool: said before reading the project
      const pipelines = selectPipelines(
        (await planOrFail(project, flags, "engine")).pipelines,
        flags.pipeline,
      );
      const path = statePath(project, flags.state);
      const view = new RunView();
      await withEngine(
        path,
        flags,
        slots,
        (c) => view.change(c),
        async (store, settings) => {
          process.stderr.write(
            `slo serve: ${pipelines.length} pipeline(s), state ${path}; Ctrl-C to stop\n`,
          );
          await serve(store, pipelines, settings, {
            onRun: (r) => process.stderr.write(`\r\x1b[Kstarted ${r.runId} (${r.trigger})\n`),
            onSkip: (_, why) => process.stderr.write(`\r\x1b[Knot resumed: ${why}\n`),
          });
          view.done();
          process.stderr.write("slo serve: stopped; unfinished runs resume at the next start\n");
        },
      );
    },
  );
}
