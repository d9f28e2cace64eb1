import { z } from "zod";

/**
 * The shapes of the Airflow answers the client reads (a subset of the fields of the server's
 * OpenAPI types in rest-v2.ts, the ones we use; other fields are kept as they come). A proxy's
 * HTML page, `{"data": {}}` or a list where a run was expected fails here with one line.
 */

const text = z.string();
const instant = z.string().nullish();
const conf = z.record(z.string(), z.unknown()).nullish();

export const dagRun = z.looseObject({
  dag_id: text.min(1),
  dag_run_id: text.min(1),
  state: text,
  logical_date: instant,
  start_date: instant,
  end_date: instant,
  conf,
});
export type DagRun = z.output<typeof dagRun>;

export const dagRunPage = z.looseObject({
  dag_runs: z.array(dagRun),
  total_entries: z.number().int().nonnegative().nullish(),
});

export const taskInstance = z.looseObject({
  task_id: text,
  state: text.nullable(),
  try_number: z.number().int(),
});
export type TaskInstance = z.output<typeof taskInstance>;

export const taskInstancePage = z.looseObject({ task_instances: z.array(taskInstance) });

export const dag = z.looseObject({ dag_id: text, is_paused: z.boolean() });

export const backfill = z.looseObject({
  id: z.number().int(),
  dag_id: text,
  dag_run_conf: conf,
  completed_at: text.nullable(),
});
export type Backfill = z.output<typeof backfill>;

export const backfillPage = z.looseObject({ backfills: z.array(backfill) });

export const importErrorPage = z.looseObject({
  import_errors: z.array(z.looseObject({ filename: text, stack_trace: text })),
});
export type ImportError = z.output<typeof importErrorPage>["import_errors"][number];

export const assetPage = z.looseObject({
  assets: z.array(z.looseObject({ id: z.number().int(), uri: text })),
});

export const assetEventPage = z.looseObject({
  asset_events: z.array(z.looseObject({ id: z.number().int(), timestamp: text, extra: conf })),
});
export type AssetEvent = z.output<typeof assetEventPage>["asset_events"][number];

/** A JWT goes into a header: printable ASCII without spaces, or fetch would refuse the header. */
export const login = z.looseObject({
  access_token: text.regex(/^[\x21-\x7e]+$/, "expected a token of printable ASCII"),
});
