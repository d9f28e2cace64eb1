import { dirname, join } from "node:path";
import { Command, Option } from "commander";
import { serve } from "../engine/serve.js";
import { StateStore } from "../engine/state-store.js";
import { slotsOf, stateOption, statePath } from "./engine-flags.js";
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
      .option("--starlake <path>", "Starlake executable (default: SL_STARLAKE_PATH, else starlake)")
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
      const slots = slotsOf(flags);
      const pipelines = selectPipelines(
        (await planOrFail(project, flags)).pipelines,
        flags.pipeline,
      );
      const path = statePath(project, flags.state);
      const store = new StateStore(path);
      const view = new RunView();
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        process.stderr.write(
          `slo serve: ${pipelines.length} pipeline(s), state ${path}; Ctrl-C to stop\n`,
        );
        await serve(
          store,
          pipelines,
          {
            ...(flags.starlake !== undefined ? { starlake: flags.starlake } : {}),
            baseEnv: process.env,
            logsDir: join(dirname(path), "logs"),
            slots,
            onChange: (c) => view.change(c),
            signal: abort.signal,
          },
          {
            onRun: (r) => process.stderr.write(`\r\x1b[Kstarted ${r.runId} (${r.trigger})\n`),
          },
        );
        view.done();
        process.stderr.write("slo serve: stopped; unfinished runs resume at the next start\n");
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        store.close();
      }
    },
  );
}
