import { producersFirst } from "../engine/engine.js";
import { type ShellSettings, starlakeOf } from "../engine/shell-invocation.js";
import type { ExecutionEnvironment } from "../pipeline/environment.js";
import { topologicalOrder } from "../pipeline/graph.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { RunDate } from "../pipeline/run-period.js";
import { starlakeArgv } from "../starlake/command-line.js";
import { SENTINEL_SCOPE_TOKEN } from "../starlake/preload-outcome.js";
import { periodLine, periodValues } from "./period-text.js";
import { shown } from "./plan-text.js";

/**
 * What `slo run --dry-run` prints: per pipeline, in the order the engine runs them, the period
 * the run is for and each command as it would run (the order of the engine's first start; tasks
 * with no upstream in common may in fact run side by side).
 */
export function dryRunText(
  pipelines: readonly Pipeline[],
  date: RunDate,
  settings: ShellSettings,
): string {
  const out: string[] = [];
  for (const p of producersFirst(pipelines)) {
    out.push(`${p.id}: ${periodLine(p, date)}`);
    const values = periodValues(p, date);
    const order = topologicalOrder(
      p.tasks.map((t) => t.id),
      p.edges.map((e) => ({ from: e.from, to: e.to })),
    );
    const runner = cloudRunner(p.environment);
    if (runner) out.push(`  (${runner}; the commands below run there)`);
    const starlake = runner ? "starlake" : shown(starlakeOf(p, settings));
    for (const id of order ?? []) {
      const task = p.tasks.find((t) => t.id === id);
      if (task?.command === undefined) continue;
      const argv = starlakeArgv(task, p.environment.env, values).map((a) =>
        a.replaceAll(SENTINEL_SCOPE_TOKEN, "<run>"),
      );
      const gate = task.gate ? "  # its domain's loads are skipped when it finds nothing" : "";
      out.push(`  ${id}: ${[starlake, ...argv.map(shown)].join(" ")}${gate}`);
    }
  }
  out.push(`${pipelines.length} pipeline(s); nothing was run (--dry-run)`);
  return `${out.join("\n")}\n`;
}

// Where a cloud pipeline's commands run: not this machine's Starlake, but a job of the cloud's.
function cloudRunner(e: ExecutionEnvironment): string | undefined {
  switch (e.kind) {
    case "cloud_run":
      return `runs on Cloud Run: an execution of job ${shown(e.job)} in ${shown(`${e.project}/${e.region}`)} per task`;
    case "dataproc":
      return `runs on Dataproc: a Spark job (${shown(e.spark.mainClass)}) per task, on a cluster ${shown(`${e.cluster.name}-`)}… in ${shown(`${e.project}/${e.region}`)} made for the run`;
    case "fargate":
      return `runs on AWS Fargate: a task of ${shown(e.taskDefinition)} (container ${shown(e.container)}) per task, in cluster ${shown(e.cluster)}, ${shown(e.region)}`;
    default:
      return undefined;
  }
}
