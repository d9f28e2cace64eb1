import { graphql } from "gql.tada";

/**
 * The GraphQL documents the Dagster client sends. gql.tada checks each one against the server's
 * own schema (schema.graphql, through graphql-env.d.ts) and gives its exact result type, so a
 * field that does not exist, or a union branch that is not handled, fails the type check.
 */

export const RUN_FIELDS = graphql(`
  fragment SloRunFields on Run @_unmask {
    runId
    status
    jobName
    tags { key value }
    startTime
    endTime
  }
`);

export const LAUNCH_RESULT = graphql(`
  fragment SloLaunchResult on LaunchRunResult @_unmask {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
`);

export const LAUNCH_RUN = graphql(
  `
  mutation SloLaunchRun($params: ExecutionParams!) {
    launchRun(executionParams: $params) { ...SloLaunchResult }
  }
`,
  [LAUNCH_RESULT],
);

export const LAUNCH_RUNS = graphql(
  `
  mutation SloLaunchRuns($list: [ExecutionParams!]!) {
    launchMultipleRuns(executionParamsList: $list) {
      __typename
      ... on LaunchMultipleRunsResult { launchMultipleRunsResult { ...SloLaunchResult } }
      ... on PythonError { message }
    }
  }
`,
  [LAUNCH_RESULT],
);

export const RUN = graphql(
  `
  query SloRun($runId: ID!) {
    runOrError(runId: $runId) {
      __typename
      ... on Run { ...SloRunFields }
      ... on Error { message }
    }
  }
`,
  [RUN_FIELDS],
);

export const RUNS = graphql(
  `
  query SloRuns($filter: RunsFilter, $cursor: String, $limit: Int) {
    runsOrError(filter: $filter, cursor: $cursor, limit: $limit) {
      __typename
      ... on Runs { results { ...SloRunFields } }
      ... on Error { message }
    }
  }
`,
  [RUN_FIELDS],
);

export const TERMINATE = graphql(`
  mutation SloTerminate($runId: String!) {
    terminateRun(runId: $runId) {
      __typename
      ... on TerminateRunSuccess { run { runId } }
      ... on TerminateRunFailure { message }
      ... on Error { message }
    }
  }
`);

export const REPOSITORIES = graphql(`
  query SloRepositories {
    repositoriesOrError {
      __typename
      ... on RepositoryConnection {
        nodes {
          name
          location { name }
          jobs { name }
          partitionSets { name pipelineName }
        }
      }
      ... on Error { message }
    }
  }
`);

export const LOCATION_STATUSES = graphql(`
  query SloLocationStatuses {
    locationStatusesOrError {
      __typename
      ... on WorkspaceLocationStatusEntries { entries { name loadStatus } }
      ... on Error { message }
    }
  }
`);

export const RELOAD = graphql(`
  mutation SloReload($location: String!) {
    reloadRepositoryLocation(repositoryLocationName: $location) {
      __typename
      ... on WorkspaceLocationEntry {
        locationOrLoadError { __typename ... on PythonError { message } }
      }
      ... on Error { message }
    }
  }
`);

export const LAUNCH_BACKFILL = graphql(`
  mutation SloLaunchBackfill($params: LaunchBackfillParams!) {
    launchPartitionBackfill(backfillParams: $params) {
      __typename
      ... on LaunchBackfillSuccess { backfillId }
      ... on Error { message }
      ... on RunConfigValidationInvalid { errors { message } }
    }
  }
`);

export const BACKFILL = graphql(
  `
  query SloBackfill($id: String!) {
    partitionBackfillOrError(backfillId: $id) {
      __typename
      ... on PartitionBackfill {
        id
        status
        numPartitions
        error { message }
        runs { ...SloRunFields }
      }
      ... on Error { message }
    }
  }
`,
  [RUN_FIELDS],
);

export const BACKFILLS_BY_TITLE = graphql(`
  query SloBackfills($cursor: String) {
    partitionBackfillsOrError(cursor: $cursor, limit: 100) {
      __typename
      ... on PartitionBackfills { results { id title status } }
      ... on Error { message }
    }
  }
`);

export const CANCEL_BACKFILL = graphql(`
  mutation SloCancelBackfill($id: String!) {
    cancelPartitionBackfill(backfillId: $id) {
      __typename
      ... on CancelBackfillSuccess { backfillId }
      ... on Error { message }
    }
  }
`);
