import type { BackfillFile, PartitionSpec } from "./backfill-file.js";

/** One combination of partition values: one run to submit. */
export interface PartitionRun {
  /** Stable identity within the backfill, e.g. `daily=2024-01-31|stations=NL01497`. */
  readonly key: string;
  /** Partition name → value, in file order. */
  readonly values: Readonly<Record<string, string>>;
  /** The instant of the date dimension, if there is one (UTC, ISO 8601). */
  readonly date?: string;
  /** The day of a daily date dimension: the run is for that day's period (docs/dates.md). */
  readonly day?: string;
}

/** The values of one dimension, in order. Dates are UTC; the end date is included. */
export function dimensionValues(p: PartitionSpec): { value: string; instant?: string }[] {
  if ("values" in p) return p.values.map((value) => ({ value }));
  const stepMs = p.every === "day" ? 86_400_000 : 3_600_000;
  const at = (s: string) =>
    Date.parse(
      p.every === "day" ? `${s}T00:00:00Z` : `${s.slice(0, 10)}T${s.slice(11, 13)}:00:00Z`,
    );
  const out: { value: string; instant: string }[] = [];
  for (let t = at(p.start_date); t <= at(p.end_date); t += stepMs) {
    const iso = new Date(t).toISOString();
    // Dagster's keys for daily and hourly partitions.
    const value = p.every === "day" ? iso.slice(0, 10) : `${iso.slice(0, 10)}-${iso.slice(11, 16)}`;
    out.push({ value, instant: `${iso.slice(0, 19)}Z` });
  }
  return out;
}

/**
 * Every combination of the partitions' values (their Cartesian product), the first dimension
 * varying slowest, as the RFC's `itertools.product` does.
 */
export function planBackfill(file: BackfillFile): PartitionRun[] {
  let runs: PartitionRun[] = [{ key: "", values: {} }];
  for (const p of file.tags.partitions) {
    const dimension = dimensionValues(p);
    runs = runs.flatMap((run) =>
      dimension.map(({ value, instant }) => ({
        key: run.key === "" ? `${p.name}=${value}` : `${run.key}|${p.name}=${value}`,
        values: { ...run.values, [p.name]: value },
        ...(instant !== undefined
          ? dated(instant, daily(p) ? value : undefined)
          : dated(run.date, run.day)),
      })),
    );
  }
  return runs;
}

const daily = (p: PartitionSpec) => "every" in p && p.every === "day";

const dated = (date: string | undefined, day: string | undefined) => ({
  ...(date !== undefined ? { date } : {}),
  ...(day !== undefined ? { day } : {}),
});

/**
 * Dagster's key of a multi-dimensional partition: the values joined by `|`, in the order of the
 * dimension names sorted alphabetically. One dimension: its value.
 */
export function dagsterPartitionKey(values: Readonly<Record<string, string>>): string {
  return Object.keys(values)
    .sort()
    .map((name) => values[name])
    .join("|");
}
