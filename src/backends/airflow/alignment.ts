import { cronInterval } from "../../pipeline/cron.js";
import type { Pipeline } from "../../pipeline/pipeline.js";

/**
 * The upstreams a dataset-triggered pipeline must check before it runs, with their crons, when
 * they are produced at mixed frequencies under `all` (spec §6.2, §6.4): Airflow's `&` would wait
 * for a new event of the slowest one, so a daily transform of a monthly table would run monthly.
 * Such a pipeline is scheduled on any of its upstreams and its `start` checks that every one has
 * data for the run's period. Undefined when Airflow's own asset condition is right.
 */
export function alignedUpstreams(p: Pipeline): Record<string, string | null> | undefined {
  const s = p.schedule;
  if (s.kind !== "datasets" || s.strategy !== "all" || p.dataCron === undefined) return undefined;
  const cronOf = (uri: string) => p.datasets.find((d) => d.uri === uri)?.cron;
  const period = cronInterval(p.dataCron);
  const mixed = s.datasets.some((uri) => {
    const cron = cronOf(uri);
    return cron !== undefined && cronInterval(cron) > period;
  });
  return mixed
    ? Object.fromEntries(s.datasets.map((uri) => [uri, cronOf(uri) ?? null]))
    : undefined;
}
