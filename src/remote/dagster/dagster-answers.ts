import { z } from "zod";

/**
 * The shapes of the Dagster answers the client reads, one per GraphQL document of documents.ts
 * (the `data` of the answer). gql.tada checks what we ask; these check what came back, because
 * a proxy, a server of another version or a hostile one can answer anything.
 */

/** Every union branch we do not expect: an error, or a typename newer than this client. */
const otherBranch = z.looseObject({
  __typename: z.string(),
  message: z.string().nullish(),
  errors: z.array(z.looseObject({ message: z.string() })).nullish(),
});
export type OtherBranch = z.output<typeof otherBranch>;

/**
 * A GraphQL result union: `{ ok: true, value }` for the expected typename (its fields checked),
 * else `{ ok: false, other }` for the caller to turn into one line.
 */
function union<N extends string, S extends z.ZodRawShape>(typename: N, shape: S) {
  const expected = z.looseObject({ __typename: z.literal(typename), ...shape });
  return z.looseObject({ __typename: z.string() }).transform((value, ctx) => {
    const parsed =
      value.__typename === typename ? expected.safeParse(value) : otherBranch.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
      return z.NEVER;
    }
    return value.__typename === typename
      ? { ok: true as const, value: parsed.data as z.output<typeof expected> }
      : { ok: false as const, other: parsed.data as OtherBranch };
  });
}

const text = z.string();
const id = z.string().min(1);
/** Seconds since 1970, within what a date can hold. */
const epochSeconds = z
  .number()
  .refine((n) => Number.isFinite(n) && Math.abs(n) < 8.64e12, "expected seconds since 1970")
  .nullable();

export const runFields = z.looseObject({
  runId: id,
  status: text,
  jobName: text,
  tags: z.array(z.looseObject({ key: text, value: text })),
  startTime: epochSeconds,
  endTime: epochSeconds,
});
export type RunFields = z.output<typeof runFields>;

const launchResult = union("LaunchRunSuccess", { run: z.looseObject({ runId: id }) });
export type LaunchResult = z.output<typeof launchResult>;

export const answers = {
  launchRun: z.object({ launchRun: launchResult }),
  launchRuns: z.object({
    launchMultipleRuns: union("LaunchMultipleRunsResult", {
      launchMultipleRunsResult: z.array(launchResult),
    }),
  }),
  run: z.object({ runOrError: union("Run", runFields.shape) }),
  runs: z.object({ runsOrError: union("Runs", { results: z.array(runFields) }) }),
  terminate: z.object({ terminateRun: union("TerminateRunSuccess", {}) }),
  repositories: z.object({
    repositoriesOrError: union("RepositoryConnection", {
      nodes: z.array(
        z.looseObject({
          name: text,
          location: z.looseObject({ name: text }),
          jobs: z.array(z.looseObject({ name: text })),
          partitionSets: z.array(z.looseObject({ name: text, pipelineName: text })),
        }),
      ),
    }),
  }),
  locationStatuses: z.object({
    locationStatusesOrError: union("WorkspaceLocationStatusEntries", {
      entries: z.array(z.looseObject({ name: text, loadStatus: text })),
    }),
  }),
  reload: z.object({
    reloadRepositoryLocation: union("WorkspaceLocationEntry", {
      locationOrLoadError: otherBranch.nullable(),
    }),
  }),
  launchBackfill: z.object({
    launchPartitionBackfill: union("LaunchBackfillSuccess", { backfillId: id }),
  }),
  backfill: z.object({
    partitionBackfillOrError: union("PartitionBackfill", {
      id,
      status: text,
      numPartitions: z.number().int().nullable(),
      error: z.looseObject({ message: text }).nullable(),
      runs: z.array(runFields),
    }),
  }),
  backfills: z.object({
    partitionBackfillsOrError: union("PartitionBackfills", {
      results: z.array(z.looseObject({ id, title: text.nullable(), status: text })),
    }),
  }),
  cancelBackfill: z.object({
    cancelPartitionBackfill: union("CancelBackfillSuccess", { backfillId: id }),
  }),
};

/** The envelope of every GraphQL answer. */
export const graphqlEnvelope = z.looseObject({
  data: z.record(z.string(), z.unknown()).nullish(),
  errors: z.array(z.looseObject({ message: z.string() })).nullish(),
});
