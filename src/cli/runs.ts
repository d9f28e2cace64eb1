import { existsSync, readFileSync } from "node:fs";
import { Command } from "commander";
import { stateFailure } from "../engine/state-failure.js";
import { StateStore } from "../engine/state-store.js";
import { ConfigError } from "../errors.js";
import { stateOption, statePath } from "./engine-flags.js";
import { attemptsTable, runsTable } from "./run-view.js";

function openState(project: string, state: string | undefined): StateStore {
  const path = statePath(project, state);
  if (!existsSync(path)) throw new ConfigError(`no engine state at ${path}: nothing has run yet`);
  return new StateStore(path);
}

export function runsCommand(): Command {
  return new Command("runs")
    .description("list the embedded engine's runs, newest first")
    .argument("[project]", "project folder", ".")
    .addOption(stateOption())
    .option("--limit <n>", "how many runs", "50")
    .option("--json", "print the runs as JSON")
    .action((project: string, flags: { state?: string; json?: boolean; limit: string }) => {
      const store = openState(project, flags.state);
      try {
        const runs = store.runs(Number(flags.limit) || 50);
        process.stdout.write(
          flags.json ? `${JSON.stringify({ runs }, null, 2)}\n` : runsTable(runs),
        );
      } catch (e) {
        throw stateFailure(store.path, e, "read");
      } finally {
        store.close();
      }
    });
}

export function logsCommand(): Command {
  return new Command("logs")
    .description("print the logs of a run's attempts (all tasks, or one)")
    .argument("<run>", "run id (see slo runs)")
    .argument("[task]", "only this task")
    .option("--project <dir>", "project folder", ".")
    .addOption(stateOption())
    .option("--list", "list the attempts and their log files instead")
    .action(
      (
        runId: string,
        task: string | undefined,
        flags: { project: string; state?: string; list?: boolean },
      ) => {
        const store = openState(flags.project, flags.state);
        try {
          if (store.run(runId) === undefined)
            throw new ConfigError(`no run ${runId}; see slo runs`);
          const attempts = store.attempts(runId, task);
          if (task !== undefined && attempts.length === 0)
            throw new ConfigError(`run ${runId}: task ${task} has no attempts`);
          if (flags.list) {
            process.stdout.write(attemptsTable(attempts));
            return;
          }
          for (const a of attempts) {
            process.stdout.write(
              `==> ${a.taskId} try ${a.attempt} (${a.state}${a.exitCode === null ? "" : `, exit ${a.exitCode}`}) <==\n`,
            );
            const log = `${a.base}.log`;
            process.stdout.write(existsSync(log) ? readFileSync(log, "utf8") : "(no log)\n");
          }
        } finally {
          store.close();
        }
      },
    );
}
