import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import { type RunOutcome, runPipelines } from "../engine/engine.js";
import { executeRun, type TaskChange } from "../engine/run-executor.js";
import { ConfigError } from "../errors.js";
import { slotsOf, starlakeOption, stateOption, statePath, withEngine } from "./engine-flags.js";
import { planOrFail } from "./plan-or-fail.js";
import { type ProjectFlags, withProjectOptions } from "./project-options.js";
import { RunView, runSummary } from "./run-view.js";
import {
  choosePipelines,
  domainsOption,
  type SelectionFlags,
  tagsOption,
  tasksOption,
} from "./select-pipelines.js";

interface RunFlags extends ProjectFlags, SelectionFlags {
  date?: string;
  starlake?: string;
  state?: string;
  json?: boolean;
  resume?: string;
  concurrency?: string;
  pool?: string[];
}

export function runCommand(): Command {
  return withProjectOptions(
    new Command("run")
      .description(
        "run pipelines now on this machine (the embedded engine); exit 0 if every run succeeded, 1 if one failed",
      )
      .argument("<project>", "project folder (the one holding metadata/)")
      .option("--pipeline <id...>", "only these pipelines (default: all, producers first)")
      .addOption(tagsOption())
      .addOption(domainsOption())
      .addOption(tasksOption())
      .option("--date <iso>", "logical date of the runs (default: now)")
      .addOption(starlakeOption())
      .addOption(stateOption())
      .option("--resume <run>", "finish an interrupted run (tasks that succeeded do not run again)")
      .option(
        "--concurrency <n>",
        "most tasks running at once (default: number of CPUs, at least 2)",
      )
      .addOption(new Option("--pool <name=slots...>", "slots of a pool (repeatable)"))
      .option("--json", "print the runs and their tasks as JSON"),
  ).action(async (project: string, flags: RunFlags) => {
    const date = flags.date === undefined ? undefined : new Date(flags.date);
    if (date !== undefined && Number.isNaN(date.getTime()))
      throw new ConfigError(
        `--date ${flags.date}: expected an ISO date, e.g. 2026-01-31T02:00:00Z`,
      );
    const slots = slotsOf(flags); // bad --concurrency or --pool: said before reading the project
    const path = statePath(project, flags.state);
    if (flags.resume !== undefined && !existsSync(path))
      throw new ConfigError(`--resume ${flags.resume}: no engine state at ${path}`);
    const pipelines =
      flags.resume === undefined
        ? choosePipelines(await planOrFail(project, flags, "engine"), flags)
        : [];
    const view = new RunView();
    const onChange = flags.json ? undefined : (c: TaskChange) => view.change(c);
    await withEngine(path, flags, slots, onChange, async (store, settings) => {
      let outcomes: RunOutcome[];
      if (flags.resume !== undefined) {
        const run = store.run(flags.resume);
        if (run === undefined)
          throw new ConfigError(`--resume ${flags.resume}: no such run in ${path}`);
        outcomes = [
          {
            runId: run.id,
            pipeline: run.pipeline,
            state: await executeRun(store, run.id, settings),
          },
        ];
      } else {
        outcomes = await runPipelines(store, { pipelines, ...(date ? { date } : {}) }, settings);
      }
      view.done();
      const report = outcomes.map((o) => ({
        run: store.run(o.runId) ?? (undefined as never),
        tasks: store.tasks(o.runId),
      }));
      process.stdout.write(
        flags.json ? `${JSON.stringify({ runs: report }, null, 2)}\n` : runSummary(report),
      );
      const interrupted = outcomes.find((o) => o.state === "interrupted");
      if (interrupted) {
        process.stderr.write(
          `interrupted: resume with slo run ${project} --resume ${interrupted.runId}\n`,
        );
        process.exitCode = 130;
      } else if (outcomes.some((o) => o.state === "failed")) process.exitCode = 1;
    });
  });
}
