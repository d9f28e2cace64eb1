import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Option } from "commander";
import type { ExecutorSettings, TaskChange } from "../engine/run-executor.js";
import { Slots } from "../engine/slots.js";
import { stateFailure } from "../engine/state-failure.js";
import { StateStore } from "../engine/state-store.js";
import { ConfigError } from "../errors.js";
import { fsProblem } from "../output/write-output.js";
import { makeFolder } from "../util/write-atomic.js";

/** Where a project's engine state lives unless `--state` says otherwise. */
export function statePath(project: string, state: string | undefined): string {
  return state !== undefined ? resolve(state) : join(resolve(project), ".slo", "state.db");
}

/**
 * `--starlake PATH`: the Starlake executable. Without it, `SL_STARLAKE_PATH` (a dag config option
 * or the environment variable), else `starlake` on PATH; the engine checks before running anything
 * (see locateStarlake) and names what it tried when none is there.
 */
export const starlakeOption = () =>
  new Option(
    "--starlake <path>",
    "Starlake executable (default: SL_STARLAKE_PATH, else starlake on PATH)",
  );

export const stateOption = () =>
  new Option("--state <file>", "engine state database (default: <project>/.slo/state.db)");

/** The state's folder, made here so a path under a file or on /proc is bad input named as such. */
function makeStateFolder(path: string): void {
  try {
    makeFolder(dirname(path));
  } catch (e) {
    throw new ConfigError(`--state ${path}: cannot make its folder: ${fsProblem(e)}`, { cause: e });
  }
}

/** `--concurrency N` and `--pool NAME=SLOTS` as the engine's slots. */
export function slotsOf(flags: { concurrency?: string; pool?: string[] }): Slots {
  const concurrency =
    flags.concurrency === undefined
      ? Math.max(2, availableParallelism())
      : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError(`--concurrency ${flags.concurrency}: expected a positive integer`);
  const pools = new Map<string, number>();
  for (const pair of flags.pool ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(pair);
    if (!m || Number(m[2]) < 1)
      throw new ConfigError(`--pool ${JSON.stringify(pair)}: expected NAME=SLOTS (SLOTS ≥ 1)`);
    pools.set(m[1] as string, Number(m[2]));
  }
  return new Slots(concurrency, pools);
}

/**
 * Runs `work` with the engine's state open and its settings built from the flags; Ctrl-C or
 * SIGTERM aborts (running attempts stop, runs stay resumable). Everything is closed after. A
 * state that cannot be opened or written is bad input naming the file (see stateFailure).
 */
export async function withEngine<T>(
  path: string,
  flags: { starlake?: string },
  slots: Slots,
  onChange: ((change: TaskChange) => void) | undefined,
  work: (store: StateStore, settings: ExecutorSettings) => Promise<T>,
): Promise<T> {
  makeStateFolder(path);
  const store = new StateStore(path);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await work(store, {
      ...(flags.starlake !== undefined ? { starlake: flags.starlake } : {}),
      baseEnv: process.env,
      logsDir: join(dirname(path), "logs"),
      slots,
      ...(onChange ? { onChange } : {}),
      signal: abort.signal,
    });
  } catch (e) {
    throw stateFailure(path, e);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    store.close();
  }
}
