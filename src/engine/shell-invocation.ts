import { isAbsolute, join, resolve } from "node:path";
import { starlakePathOf } from "../pipeline/environment.js";
import type { Pipeline, Task } from "../pipeline/pipeline.js";
import { type RunValues, starlakeArgv } from "../starlake/command-line.js";
import { SENTINEL_SCOPE_TOKEN } from "../starlake/preload-outcome.js";
import type { Invocation } from "./attempt-process.js";
import type { PackageResolver } from "./cloud/cloud-packages.js";

/** What the engine needs to run a pipeline's Starlake commands on this machine. */
export interface ShellSettings {
  /** The Starlake executable named on the command line; else the pipeline's (see `starlakeOf`). */
  readonly starlake?: string;
  /** The environment the engine was started with; Starlake variables are added to it. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Whether an npm package is installed (the cloud clients); tests pass their own. */
  readonly resolvePackage?: PackageResolver;
}

/**
 * The command of a task in the shell environment, as the Airflow backend runs it: the argv of
 * `starlakeArgv`, in SL_ROOT, with the Starlake variables (`sl_env_var`) and the run's values in
 * the environment. Undefined for tasks that run nothing (start, end, joins). `env` is the same for
 * every task of a run: a caller starting many passes the one of `shellEnvironment`.
 */
export function shellInvocation(
  pipeline: Pipeline,
  task: Task,
  values: RunValues,
  runId: string,
  settings: ShellSettings,
  env: Readonly<Record<string, string>> = shellEnvironment(pipeline, values, settings),
): Invocation | undefined {
  if (task.command === undefined) return undefined;
  const scope = sentinelScope(runId);
  const argv = starlakeArgv(task, pipeline.environment.env, values).map((a) =>
    a.replaceAll(SENTINEL_SCOPE_TOKEN, scope),
  );
  return { file: starlakeOf(pipeline, settings), args: argv, cwd: slRoot(pipeline), env };
}

/** The environment of a run's commands: the engine's, the Starlake variables, the run's values. */
export function shellEnvironment(
  pipeline: Pipeline,
  values: RunValues,
  settings: ShellSettings,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings.baseEnv)) if (v !== undefined) env[k] = v;
  Object.assign(env, pipeline.environment.env, {
    ...(values.scheduledDate !== undefined ? { SL_SCHEDULED_DATE: values.scheduledDate } : {}),
    ...(values.interval
      ? {
          SL_DATA_INTERVAL_START: values.interval.start,
          SL_DATA_INTERVAL_END: values.interval.end,
        }
      : {}),
  });
  return env;
}

/** The executable: `--starlake`, else the option or variable `SL_STARLAKE_PATH`, else `starlake`. */
export function starlakeOf(pipeline: Pipeline, settings: ShellSettings): string {
  const path = settings.starlake ?? starlakePathOf(pipeline.environment);
  // a relative path is the caller's, not SL_ROOT's (where commands run); a bare name is looked up on PATH
  return path.includes("/") ? resolve(path) : path;
}

/** The folder Starlake commands run in. */
export function slRoot(pipeline: Pipeline): string {
  return resolve(pipeline.environment.slRoot);
}

/** The not-ready marker a pre-load check of this run leaves (a local path), if it uses one. */
export function sentinelMarker(pipeline: Pipeline, task: Task, runId: string): string | undefined {
  const sentinel = task.gate?.sentinel;
  if (sentinel === undefined) return undefined;
  const path = sentinel
    .replace(/^file:\/\//, "")
    .replaceAll(SENTINEL_SCOPE_TOKEN, sentinelScope(runId));
  return isAbsolute(path) ? path : join(slRoot(pipeline), path);
}

/** Each run has its own marker, so concurrent runs never read each other's verdict. */
const sentinelScope = (runId: string) => runId.replace(/[^A-Za-z0-9_.-]/g, "_");
