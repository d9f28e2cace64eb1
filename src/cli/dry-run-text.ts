import { producersFirst } from "../engine/engine.js";
import { type ShellSettings, starlakeOf } from "../engine/shell-invocation.js";
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
    const starlake = shown(starlakeOf(p, settings));
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
