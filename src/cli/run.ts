import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import { type RunOutcome, runPipelines } from "../engine/engine.js";
import { executeRun, type TaskChange } from "../engine/run-executor.js";
import { zonedStamp } from "../engine/run-values.js";
import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { type RunDate, runDateText, runPeriod } from "../pipeline/run-period.js";
import { dryRunText } from "./dry-run-text.js";
import { slotsOf, starlakeOption, stateOption, statePath, withEngine } from "./engine-flags.js";
import { runDateOf } from "./period-text.js";
import { planOrFail } from "./plan-or-fail.js";
import { type ProjectFlags, withProjectOptions } from "./project-options.js";
import { RunView, runSummary } from "./run-view.js";
import { selectPipelines } from "./select-pipelines.js";

interface RunFlags extends ProjectFlags {
  pipeline?: string[];
  date?: string;
  starlake?: string;
  state?: string;
  json?: boolean;
  resume?: string;
  concurrency?: string;
  pool?: string[];
  dryRun?: boolean;
}

export function runCommand(): Command {
  return withProjectOptions(
    new Command("run")
      .description(
        "run pipelines now on this machine (the embedded engine); exit 0 if every run succeeded, 1 if one failed",
      )
      .argument("<project>", "project folder (the one holding metadata/)")
      .option("--pipeline <id...>", "only these pipelines (default: all, producers first)")
      .option(
        "--date <day|iso>",
        "the period to run: a day (2024-01-01: that day's tick in each pipeline's time zone) or an instant (the latest tick at or before it); default now; see docs/dates.md",
      )
      .option(
        "--dry-run",
        "print each run's --scheduledDate and data interval, then its commands in order; run nothing",
      )
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
    const date = runDateOf(flags.date);
    if (flags.dryRun && flags.resume !== undefined)
      throw new ConfigError("--dry-run: cannot be combined with --resume (the run exists)");
    const slots = slotsOf(flags); // bad --concurrency or --pool: said before reading the project
    const path = statePath(project, flags.state);
    if (flags.resume !== undefined && !existsSync(path))
      throw new ConfigError(`--resume ${flags.resume}: no engine state at ${path}`);
    const pipelines =
      flags.resume === undefined
        ? selectPipelines((await planOrFail(project, flags)).pipelines, flags.pipeline)
        : [];
    if (flags.dryRun) {
      const asked = date ?? { kind: "instant", at: new Date() };
      process.stdout.write(dryRunText(pipelines, asked, { baseEnv: {}, ...starlakeOf(flags) }));
      return;
    }
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
        const dates = date === undefined ? undefined : ticksOf(pipelines, date);
        outcomes = await runPipelines(store, { pipelines, ...(dates ? { dates } : {}) }, settings);
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

/**
 * The tick each pipeline runs for: the engine's runs are dated at it, so it is the period. A date
 * that is not one tick is said on stderr with the tick chosen.
 */
function ticksOf(pipelines: readonly Pipeline[], date: RunDate): Map<string, Date> {
  return new Map(
    pipelines.map((p) => {
      const period = runPeriod(p.dataCron, p.timezone, date);
      if (period.note)
        process.stderr.write(
          `note: ${p.id}: ${runDateText(date)} ${period.note}: runs for ${zonedStamp(period.scheduled, p.timezone)}\n`,
        );
      return [p.id, period.scheduled];
    }),
  );
}

const starlakeOf = (flags: RunFlags) =>
  flags.starlake !== undefined ? { starlake: flags.starlake } : {};
