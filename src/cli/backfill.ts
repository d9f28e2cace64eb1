import { Command } from "commander";
import { ConfigError } from "../errors.js";
import {
  airflowNativeTarget,
  airflowRunsTarget,
  checkDag,
} from "../remote/airflow/airflow-targets.js";
import { runBackfill, succeeded } from "../remote/backfill.js";
import { type BackfillFile, readBackfillFile } from "../remote/backfill-file.js";
import { type PartitionRun, planBackfill } from "../remote/backfill-plan.js";
import {
  dagsterNativeTarget,
  dagsterRunsTarget,
  findJob,
} from "../remote/dagster/dagster-targets.js";
import { printableJson } from "../remote/printable.js";
import type { RemoteClient } from "../remote/profiles.js";
import type { BackfillTarget } from "../remote/remote-run.js";
import { backfillDryRunText, backfillPipeline, backfillRunsJson } from "./backfill-dry-run.js";
import { planOrFail } from "./plan-or-fail.js";
import { pollMs, type RemoteFlags, remoteClient, withRemoteOptions } from "./remote-flags.js";
import { BackfillView, backfillSummary } from "./remote-view.js";

interface BackfillFlags extends RemoteFlags {
  dryRun?: boolean;
  project?: string;
  maxConcurrent?: string;
  wait: boolean;
  unpause?: boolean;
}

export function backfillCommand(): Command {
  return withRemoteOptions(
    new Command("backfill")
      .description(
        "run a backfill file: one run per combination of its partitions (or the orchestrator's own backfill), followed to the end; running it again resumes without submitting anything twice",
      )
      .argument("<file>", "backfill YAML (see docs/remote.md; the RFC format is accepted as is)")
      .option(
        "--dry-run",
        "print the runs it would submit, with the date each sends, and stop (no server needed)",
      )
      .option(
        "--project <dir>",
        "with --dry-run: the Starlake project, to show each run's --scheduledDate and data interval",
      )
      .option("--max-concurrent <n>", "most unfinished runs at once (default: the file's, else 10)")
      .option("--no-wait", "submit, then exit without following the runs")
      .option("--unpause", "unpause the Airflow DAG first if it is paused"),
  ).action(async (path: string, flags: BackfillFlags) => {
    const file = readBackfillFile(path);
    const plan = planBackfill(file);
    const maxConcurrent = concurrencyOf(flags, file);
    if (flags.dryRun) {
      const pipeline =
        flags.project === undefined
          ? undefined
          : backfillPipeline(
              file,
              path,
              (await planOrFail(flags.project, {})).pipelines,
              flags.project,
            );
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ name: file.tags.name, runs: backfillRunsJson(plan, pipeline) }, null, 2)}\n`
          : backfillDryRunText(file, plan, maxConcurrent, pipeline),
      );
      return;
    }
    if (flags.project !== undefined) throw new ConfigError("--project: only with --dry-run");
    const every = pollMs(flags);
    const remote = remoteClient(flags, file.profile);
    const target = await targetOf(remote, file, plan, flags.unpause === true, path);
    const view = new BackfillView();
    const abort = new AbortController();
    const onInterrupt = () => abort.abort();
    process.once("SIGINT", onInterrupt);
    process.once("SIGTERM", onInterrupt);
    try {
      const report = await runBackfill(plan, target, {
        maxConcurrent,
        pollMs: every,
        signal: abort.signal,
        noWait: !flags.wait,
        onProgress: (p) => view.progress(p),
      });
      view.done();
      process.stdout.write(flags.json ? `${printableJson(report, 2)}\n` : backfillSummary(report));
      if (report.interrupted) {
        const submitted = report.outcomes.filter((o) => o.state !== "not_submitted").length;
        process.stderr.write(
          `interrupted: ${submitted} of ${plan.length} runs submitted; run the same command again to resume\n`,
        );
        process.exitCode = 130;
      } else if (flags.wait && !succeeded(report)) process.exitCode = 1;
    } finally {
      process.off("SIGINT", onInterrupt);
      process.off("SIGTERM", onInterrupt);
    }
  });
}

function concurrencyOf(flags: BackfillFlags, file: BackfillFile): number {
  if (flags.maxConcurrent === undefined) return file.max_concurrent;
  const n = Number(flags.maxConcurrent);
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError(
      `--max-concurrent: expected a positive integer, found ${flags.maxConcurrent}`,
    );
  return n;
}

async function targetOf(
  remote: RemoteClient,
  file: BackfillFile,
  plan: readonly PartitionRun[],
  unpause: boolean,
  path: string,
): Promise<BackfillTarget> {
  if (remote.kind === "dagster") {
    if (file.dag_id !== undefined)
      throw new ConfigError(
        `${path}: dag_id names an Airflow DAG, but profile ${remote.profile.name} is a Dagster server`,
      );
    const location =
      file.location_name ??
      (remote.profile.kind === "dagster" ? remote.profile.location : undefined);
    const job = await findJob(remote.client, file.job_name ?? "__ASSET_JOB", {
      ...(location ? { location } : {}),
      ...(file.repository_name ? { repository: file.repository_name } : {}),
    });
    return file.native
      ? dagsterNativeTarget(remote.client, job, file, plan)
      : dagsterRunsTarget(remote.client, job, file);
  }
  if (file.dag_id === undefined)
    throw new ConfigError(
      `${path}: job_name/assets name Dagster work, but profile ${remote.profile.name} is an Airflow server`,
    );
  await checkDag(remote.client, file.dag_id, unpause);
  return file.native
    ? airflowNativeTarget(remote.client, file.dag_id, file, plan)
    : airflowRunsTarget(remote.client, file.dag_id, file, plan);
}
