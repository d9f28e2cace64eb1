import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import {
  checkRunnable,
  type RunOutcome,
  resumeInvocation,
  runPipelines,
} from "../engine/engine.js";
import { invocation, invocationProgress, lastUnfinishedInvocation } from "../engine/invocation.js";
import { singleTask } from "../engine/local-overrides.js";
import { executeRun, type TaskChange } from "../engine/run-executor.js";
import { zonedStamp } from "../engine/run-values.js";
import type { StateStore } from "../engine/state-store.js";
import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { type RunDate, runDateText, runPeriod } from "../pipeline/run-period.js";
import { dryRunText } from "./dry-run-text.js";
import { slotsOf, starlakeOption, stateOption, statePath, withEngine } from "./engine-flags.js";
import { runDateOf } from "./period-text.js";
import { planOrFail } from "./plan-or-fail.js";
import { type ProjectFlags, withProjectOptions } from "./project-options.js";
import { commandLine, failureReport, RunView, runSummary, taskFailure } from "./run-view.js";
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
  resume?: string | true;
  task?: string;
  retries?: string;
  concurrency?: string;
  pool?: string[];
  dryRun?: boolean;
}

export function runCommand(): Command {
  return withProjectOptions(
    new Command("run")
      .description(
        "run pipelines now on this machine (the embedded engine); exit 0 if every run succeeded, 1 if one failed or was cancelled, 130 if interrupted",
      )
      .argument("<project>", "project folder (the one holding metadata/)")
      .option("--pipeline <id...>", "only these pipelines (default: all, producers first)")
      .addOption(tagsOption())
      .addOption(domainsOption())
      .addOption(tasksOption())
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
      .option(
        "--resume [run]",
        "finish an interrupted run (tasks that succeeded do not run again); without a run, every run of the last interrupted slo run, and the pipelines it had not started; keeps their pipelines and date (no --pipeline, selection or --date with it)",
      )
      .option(
        "--task <id>",
        "run only this task of the one --pipeline, its upstreams taken as done (a task test)",
      )
      .option("--retries <n>", "retries of every task, overriding the project's (0: none)")
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
    if (flags.resume !== undefined) refuseWithResume(flags);
    const slots = slotsOf(flags); // bad --concurrency or --pool: said before reading the project
    const retries = retriesOf(flags.retries);
    const path = statePath(project, flags.state);
    const resume = flags.resume === true ? "" : flags.resume;
    if (resume !== undefined && !existsSync(path))
      throw new ConfigError(`--resume${resume ? ` ${resume}` : ""}: no engine state at ${path}`);
    if (flags.task !== undefined && (resume !== undefined || flags.pipeline?.length !== 1))
      throw new ConfigError(
        `--task ${flags.task}: name the task's pipeline with one --pipeline (and no --resume)`,
      );
    const pipelines =
      resume === undefined
        ? choosePipelines(await planOrFail(project, flags, "engine"), flags).map((p) =>
            flags.task === undefined ? p : singleTask(p, flags.task),
          )
        : [];
    if (flags.dryRun) {
      const asked = date ?? { kind: "instant", at: new Date() };
      process.stdout.write(dryRunText(pipelines, asked, { baseEnv: {}, ...starlakeOf(flags) }));
      return;
    }
    // What cannot run is said before the state folder is made: a refused run leaves nothing.
    checkRunnable(pipelines, { baseEnv: process.env, ...starlakeOf(flags) });
    const view = new RunView();
    const onChange = flags.json ? undefined : (c: TaskChange) => view.change(c);
    await withEngine(path, flags, slots, onChange, async (store, engine) => {
      const settings = retries === undefined ? engine : { ...engine, retries };
      view.explain = (c) => taskFailure(store, c.runId, c.taskId, project, flags.state);
      let outcomes: RunOutcome[];
      if (resume === "") {
        outcomes = (await resumeInvocation(store, settings)).outcomes;
      } else if (resume !== undefined) {
        const run = store.run(resume);
        if (run === undefined) throw new ConfigError(`--resume ${resume}: no such run in ${path}`);
        outcomes = [
          {
            runId: run.id,
            pipeline: run.pipeline,
            state: await executeRun(store, run.id, settings),
          },
        ];
      } else {
        const trigger = flags.task === undefined ? "manual" : "task";
        const dates = date === undefined ? undefined : ticksOf(pipelines, date);
        outcomes = await runPipelines(
          store,
          { pipelines, trigger, ...(dates ? { dates } : {}) },
          settings,
        );
      }
      view.done();
      const report = outcomes.map((o) => ({
        run: store.run(o.runId) ?? (undefined as never),
        tasks: store.tasks(o.runId),
      }));
      process.stdout.write(
        flags.json ? `${JSON.stringify({ runs: report }, null, 2)}\n` : runSummary(report),
      );
      const again = (...words: string[]) =>
        commandLine(["slo", "run", project, ...words], flags.state);
      if (flags.json) process.stderr.write(failureReport(store, outcomes, project, flags.state));
      if (settings.signal?.aborted || outcomes.some((o) => o.state === "interrupted")) {
        process.stderr.write(`interrupted: ${resumeAdvice(store, outcomes, resume, again)}\n`);
        process.exitCode = 130;
      } else if (outcomes.some((o) => o.state === "failed" || o.state === "cancelled"))
        process.exitCode = 1;
    });
  });
}

/** `--retries N`: a count of retries, or bad input. */
function retriesOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new ConfigError(`--retries ${text}: expected a count of retries (0 or more)`);
  return n;
}

/**
 * A resumed run keeps the pipelines, tasks and date it was started with (they are in the state),
 * so a flag that would choose others is refused rather than silently ignored.
 */
function refuseWithResume(flags: RunFlags): void {
  const given = [
    flags.pipeline !== undefined && "--pipeline",
    flags.tags !== undefined && "--tags",
    flags.domains !== undefined && "--domains",
    flags.tasks !== undefined && "--tasks",
    flags.task !== undefined && "--task",
    flags.date !== undefined && "--date",
  ].filter((f): f is string => f !== false);
  if (given.length > 0)
    throw new ConfigError(
      `--resume: cannot be combined with ${given.join(", ")} (a resumed run keeps the pipelines, tasks and date it was started with; drop --resume to start new runs)`,
    );
}

/**
 * How to go on after Ctrl-C: the run, when one was resumed by its id; else the invocation's
 * resume, which finishes its runs and starts the pipelines it had not started.
 */
function resumeAdvice(
  store: StateStore,
  outcomes: readonly RunOutcome[],
  resume: string | undefined,
  again: (...words: string[]) => string,
): string {
  const last = outcomes.at(-1);
  if (resume !== undefined && resume !== "" && last !== undefined)
    return `resume with ${again("--resume", last.runId)}`;
  const id = last === undefined ? undefined : store.run(last.runId)?.invocation;
  const inv = id == null ? lastUnfinishedInvocation(store) : invocation(store, id);
  if (inv === undefined) return `nothing was started; run ${again()} again`;
  const { unfinished, unstarted } = invocationProgress(store, inv);
  const runs = `${unfinished.length} run${unfinished.length === 1 ? "" : "s"} to finish`;
  const todo = `${unstarted.length} pipeline${unstarted.length === 1 ? "" : "s"} not started`;
  return `${runs}, ${todo}; resume them all with ${again("--resume")}`;
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
