import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command } from "commander";
import {
  invocationHeld,
  invocationProgress,
  lastUnfinishedInvocation,
} from "../engine/invocation.js";
import { stateFailure } from "../engine/state-failure.js";
import { StateStore } from "../engine/state-store.js";
import { ConfigError } from "../errors.js";
import { stateOption, statePath } from "./engine-flags.js";
import { attemptsTable, commandLine, runsTable } from "./run-view.js";

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
        const left = interrupted(store);
        const again = commandLine(["slo", "run", project, "--resume"], flags.state);
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ runs, interrupted: left ?? null }, null, 2)}\n`
            : runsTable(runs) +
                (left === undefined
                  ? ""
                  : `interrupted: the slo run of ${left.createdAt} has ${left.unfinished.length} run(s) to finish and ${left.unstarted.length} pipeline(s) not started (${left.unstarted.join(", ") || "none"}); resume them all with ${again}\n`),
        );
      } catch (e) {
        throw stateFailure(store.path, e, "read");
      } finally {
        store.close();
      }
    });
}

/** The last `slo run` left unfinished with nobody going through it now, and what it has left. */
function interrupted(store: StateStore) {
  const inv = lastUnfinishedInvocation(store);
  if (inv === undefined) return undefined;
  if (invocationHeld(join(dirname(store.path), "logs"), inv.id)) return undefined;
  return { invocation: inv.id, createdAt: inv.createdAt, ...invocationProgress(store, inv) };
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
          // A Dataproc run's cluster (made, deleted) has its log beside the attempts' (run-environment.ts).
          const cluster = join(dirname(store.path), "logs", runId, "cluster.dataproc.log");
          const withCluster = task === undefined && existsSync(cluster);
          if (flags.list) {
            process.stdout.write(attemptsTable(attempts));
            if (withCluster) process.stdout.write(`the run's Dataproc cluster: ${cluster}\n`);
            return;
          }
          for (const a of attempts) {
            process.stdout.write(
              `==> ${a.taskId} try ${a.attempt} (${a.state}${a.exitCode === null ? "" : `, exit ${a.exitCode}`}) <==\n`,
            );
            const log = `${a.base}.log`;
            process.stdout.write(existsSync(log) ? readFileSync(log, "utf8") : "(no log)\n");
          }
          if (withCluster)
            process.stdout.write(
              `==> the run's Dataproc cluster <==\n${readFileSync(cluster, "utf8")}`,
            );
        } finally {
          store.close();
        }
      },
    );
}
