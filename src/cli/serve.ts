import { Command, Option } from "commander";
import { nextDue } from "../engine/scheduler.js";
import { serve } from "../engine/serve.js";
import { isoWithOffset } from "../util/iso-time.js";
import { slotsOf, starlakeOption, stateOption, statePath, withEngine } from "./engine-flags.js";
import { planOrFail } from "./plan-or-fail.js";
import { type ProjectFlags, withProjectOptions } from "./project-options.js";
import { selectPipelines } from "./select-pipelines.js";
import { ServeLog } from "./serve-log.js";

export function serveCommand(): Command {
  return withProjectOptions(
    new Command("serve")
      .description(
        "schedule the project on this machine: cron pipelines at their instants, dataset-triggered pipelines when their upstreams are produced (Ctrl-C stops; runs resume on restart); every line starts with its time, and kill -USR1 <pid> prints when each pipeline is next due",
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
      const log = new ServeLog();
      await withEngine(
        path,
        flags,
        slots,
        (c) => log.change(c),
        async (store, settings) => {
          const report = () => log.nextDue(nextDue(store, pipelines, new Date()));
          process.on("SIGUSR1", report);
          try {
            await serve(store, pipelines, settings, {
              onStart: () => {
                log.line(
                  `slo serve: ${pipelines.length} pipeline(s), state ${path}, pid ${process.pid}; Ctrl-C to stop, kill -USR1 ${process.pid} to list when each pipeline is next due`,
                );
                report();
              },
              onRun: (r) =>
                log.line(
                  `started ${r.runId} (${r.trigger}${r.date ? `, logical date ${isoWithOffset(r.date)}` : ""})`,
                ),
              onRunEnd: (r) =>
                log.line(
                  `finished ${r.runId}: ${r.state}`,
                  r.state === "success" ? "good" : r.state === "failed" ? "bad" : "plain",
                ),
              onSkip: (_, why) => log.line(`not resumed: ${why}`),
            });
          } finally {
            process.off("SIGUSR1", report);
          }
          log.line("slo serve: stopped; unfinished runs resume at the next start");
        },
      );
    },
  );
}
