import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { assertNever } from "../pipeline/environment.js";
import type { Pipeline, Task } from "../pipeline/pipeline.js";
import type { RunValues } from "../starlake/command-line.js";
import type { Invocation } from "./attempt-process.js";
import { cloudEnvironment, cloudInvocation } from "./cloud/cloud-invocation.js";
import { cloudJob, dataprocCluster } from "./cloud/cloud-job.js";
import { tearDownCluster } from "./cloud/dataproc-cluster.js";
import { type ShellSettings, shellEnvironment, shellInvocation } from "./shell-invocation.js";

/**
 * How a run's attempts reach the pipeline's execution environment: the command of each attempt
 * (a Starlake command on this machine, or a small program of ours that runs the task in the
 * cloud, see cloud/cloud-attempt.ts), and what the run holds there beyond its tasks.
 */
export interface RunEnvironment {
  /** The environment of every command of the run (the same object, so launchers can be shared). */
  readonly env: Readonly<Record<string, string>>;
  /** Whether a load gets back the files of its failed attempt first (local folders only). */
  readonly recovers: boolean;
  /** The command of attempt `attemptNo` of `task`, logged at `<base>.log`; none for no command. */
  invocation(task: Task, attemptNo: number, base: string): Invocation | undefined;
  /**
   * Frees what the run holds in the cloud (Dataproc: its cluster): called once its tasks are
   * done, whatever they did, or stopped. Never throws; says what it did in the run's folder.
   */
  tearDown(folder: string): Promise<void>;
}

/** Unique to a run across state databases (its id and creation): the base of its ids in the cloud. */
export function runKeyOf(runId: string, createdAt: string | undefined): string {
  return `${runId}@${createdAt ?? ""}`;
}

/**
 * Frees what a run holds in the cloud: a Dataproc run's cluster, deleted, what happened logged
 * beside the attempts' logs (no attempt is named so: a dot, no number). Nothing for the others.
 * Never throws. The engine calls it when a run's tasks are done or stopped; `slo cancel` when
 * the engine holding the run was killed.
 */
export async function tearDownRun(
  pipeline: Pipeline,
  runKey: string,
  folder: string,
): Promise<void> {
  const e = pipeline.environment;
  if (e.kind !== "dataproc") return;
  mkdirSync(folder, { recursive: true });
  const log = (line: string) =>
    appendFileSync(
      join(folder, "cluster.dataproc.log"),
      `[slo ${new Date().toISOString()}] ${line}\n`,
    );
  await tearDownCluster(dataprocCluster(e, pipeline.id, runKey), log);
}

export function runEnvironment(
  pipeline: Pipeline,
  values: RunValues,
  runId: string,
  /** Unique to the run across state databases: the base of its ids in the cloud. */
  runKey: string,
  settings: ShellSettings,
): RunEnvironment {
  const e = pipeline.environment;
  switch (e.kind) {
    case "shell": {
      const env = shellEnvironment(pipeline, values, settings);
      return {
        env,
        recovers: true,
        invocation: (task) => shellInvocation(pipeline, task, values, runId, settings, env),
        tearDown: async () => {},
      };
    }
    case "fargate":
    case "cloud_run":
    case "dataproc": {
      const env = cloudEnvironment(settings.baseEnv);
      return {
        env,
        recovers: false,
        invocation: (task, attemptNo, base) =>
          task.command === undefined
            ? undefined
            : cloudInvocation(cloudJob(pipeline, e, task, values, runKey, attemptNo), base, env),
        tearDown: (folder) => tearDownRun(pipeline, runKey, folder),
      };
    }
    case "registered":
      throw new Error(`the engine cannot run environment ${e.name}`); // refused by checkRunnable
    default:
      return assertNever(e, "execution environment");
  }
}
