import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, Option } from "commander";
import { askControl, type ControlAsk } from "../engine/control-request.js";
import type { ControlAction } from "../engine/control-store.js";
import { stateFailure } from "../engine/state-failure.js";
import { StateStore } from "../engine/state-store.js";
import { ConfigError } from "../errors.js";
import { stateOption, statePath } from "./engine-flags.js";
import { commandLine } from "./run-view.js";

interface ControlFlags {
  project: string;
  state?: string;
  success?: boolean;
  failed?: boolean;
}

/** A control verb: its arguments, then the common `--project` and `--state`. */
function controlCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .argument("<run>", "run id (see slo runs)")
    .option("--project <dir>", "project folder", ".")
    .addOption(stateOption());
}

/**
 * Asks the control and says what became of it. The process running the run applies it (this
 * waits for its answer); a run nobody runs is changed here, to be resumed with --resume.
 */
async function control(
  runId: string,
  taskId: string | null,
  action: ControlAction,
  flags: ControlFlags,
) {
  const path = statePath(flags.project, flags.state);
  if (!existsSync(path)) throw new ConfigError(`no engine state at ${path}: nothing has run yet`);
  const store = new StateStore(path);
  try {
    const ask: ControlAsk = { runId, taskId, action };
    const answer = await askControl(store, join(dirname(path), "logs"), ask);
    const what = taskId === null ? `run ${runId}` : `run ${runId} task ${taskId}`;
    const resume = answer.resumable
      ? `; resume the run with ${commandLine(["slo", "run", flags.project, "--resume", runId], flags.state)}`
      : "";
    process.stdout.write(`${what}: ${answer.said}${resume}\n`);
  } catch (e) {
    throw stateFailure(path, e, "use");
  } finally {
    store.close();
  }
}

export function cancelCommand(): Command {
  return controlCommand(
    "cancel",
    "cancel an engine run: its running attempts are stopped (whole process groups), its unfinished tasks fail or are skipped, the run ends cancelled",
  ).action((runId: string, flags: ControlFlags) => control(runId, null, "cancel", flags));
}

export function markCommand(): Command {
  return controlCommand(
    "mark",
    "mark a task of an engine run success or failed (a running attempt is stopped); marked success, the tasks it had failed downstream run again",
  )
    .argument("<task>", "task id")
    .addOption(new Option("--success", "mark it success").conflicts("failed"))
    .addOption(new Option("--failed", "mark it failed"))
    .action((runId: string, taskId: string, flags: ControlFlags) => {
      if (flags.success === flags.failed)
        throw new ConfigError(`slo mark ${runId} ${taskId}: expected --success or --failed`);
      return control(runId, taskId, flags.success ? "mark_success" : "mark_failed", flags);
    });
}

export function retryCommand(): Command {
  return controlCommand(
    "retry",
    "retry a task of an engine run now: a failed task (one more try), or one waiting for its retry delay or next poke",
  )
    .argument("<task>", "task id")
    .action((runId: string, taskId: string, flags: ControlFlags) =>
      control(runId, taskId, "retry", flags),
    );
}
