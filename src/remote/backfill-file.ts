import { z } from "zod";
import { ConfigError } from "../errors.js";
import { readConfigFile } from "./config-file.js";

/**
 * A backfill file: what to run (a Dagster job or assets, or an Airflow DAG), under which name
 * (a ticket, kept as a tag on every run so a second `slo backfill` finds them), and over which
 * partitions: date ranges and lists of values, combined as their product. Files in the format of
 * the original backfill RFC (`job_name`, `repository_name`, `tags.name`, `tags.partitions`) are
 * read as they are.
 */

const day = /^\d{4}-\d{2}-\d{2}$/;
const hour = /^\d{4}-\d{2}-\d{2}[T ]\d{2}(:\d{2})?$/;

const partitionName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, "expected a partition name of letters, digits, _ . -");

const dateRange = z
  .object({
    name: partitionName,
    start_date: z
      .string()
      .meta({ description: "First date (YYYY-MM-DD, or YYYY-MM-DDTHH for hourly)." }),
    end_date: z.string().meta({ description: "Last date, included." }),
    every: z
      .enum(["day", "hour"])
      .default("day")
      .meta({ description: "Step of the range; Dagster keys: YYYY-MM-DD or YYYY-MM-DD-HH:MM." }),
  })
  .strict()
  .superRefine((r, ctx) => {
    const shape = r.every === "day" ? day : hour;
    for (const key of ["start_date", "end_date"] as const) {
      if (!shape.test(r[key]) || Number.isNaN(Date.parse(`${r[key].slice(0, 10)}T00:00:00Z`)))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `expected ${r.every === "day" ? "a date YYYY-MM-DD" : "an hour YYYY-MM-DDTHH[:00]"}, found ${JSON.stringify(r[key])}`,
        });
    }
    if (r.start_date > r.end_date)
      ctx.addIssue({
        code: "custom",
        path: ["end_date"],
        message: "end_date is before start_date",
      });
  });

const valueList = z
  .object({
    name: partitionName,
    values: z.array(z.union([z.string(), z.number()]).transform(String)).min(1),
  })
  .strict();

export const backfillFileSchema = z
  .object({
    profile: z.string().optional().meta({ description: "Connection profile (else --profile)." }),
    job_name: z.string().min(1).optional().meta({ description: "Dagster job to run." }),
    assets: z.array(z.string().min(1)).min(1).optional().meta({
      description:
        "Dagster asset keys to materialise (a/b/c), through the job named or __ASSET_JOB.",
    }),
    repository_name: z
      .string()
      .optional()
      .meta({ description: "Dagster repository or code location holding the job." }),
    location_name: z.string().optional().meta({ description: "Dagster code location." }),
    dag_id: z.string().min(1).optional().meta({ description: "Airflow DAG to run." }),
    native: z.boolean().default(false).meta({
      description:
        "Use the orchestrator's own backfill (Dagster partition backfill, Airflow backfill) instead of one run per combination.",
    }),
    max_concurrent: z
      .number()
      .int()
      .positive()
      .default(10)
      .meta({ description: "Most runs submitted and not yet finished at once." }),
    run_config: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Dagster run config, or Airflow conf (partition values are added)." }),
    tags: z
      .object({
        name: z.string().min(1).meta({
          description: "Name of the backfill (ticket, issue): tags every run; resumes by it.",
        }),
        partitions: z.array(z.union([dateRange, valueList])).min(1),
      })
      .strict(),
  })
  .strict()
  .meta({ title: "slo backfill file" });

export type BackfillFile = z.output<typeof backfillFileSchema>;
export type PartitionSpec = BackfillFile["tags"]["partitions"][number];

/** Reads and checks a backfill file; every problem is one located line, exit 2. */
export function readBackfillFile(path: string): BackfillFile {
  const file = readConfigFile(path, backfillFileSchema);
  const targets = [file.job_name ?? file.assets, file.dag_id].filter((t) => t !== undefined);
  if (targets.length !== 1)
    throw new ConfigError(
      `${path}: name one target: job_name or assets (Dagster), or dag_id (Airflow)`,
    );
  const names = file.tags.partitions.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new ConfigError(`${path}: tags.partitions: the name ${twice} is used twice`);
  const dates = file.tags.partitions.filter((p) => "start_date" in p);
  if (file.dag_id !== undefined && dates.length > 1)
    throw new ConfigError(
      `${path}: tags.partitions: an Airflow run has one logical date, so at most one date range`,
    );
  if (file.native && file.dag_id !== undefined && file.tags.partitions.length !== 1)
    throw new ConfigError(
      `${path}: native: an Airflow backfill covers one date range and nothing else`,
    );
  if (file.native && file.dag_id !== undefined && dates.length !== 1)
    throw new ConfigError(`${path}: native: an Airflow backfill needs a date range`);
  return file;
}
