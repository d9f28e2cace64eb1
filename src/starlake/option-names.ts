/**
 * Option names that are not options of ours: legacy names read as their current one, and options
 * of the Python library that no runner here honours (reported, never silently ignored).
 */

/** Old name → current name (the Python library and Starlake's templates still accept the old). */
export const LEGACY_OPTIONS: ReadonlyMap<string, string> = new Map([
  ["load_dependencies", "run_dependencies_first"],
]);

/**
 * Options the Python library reads for features slo does not run: profiles of the cloud SDKs,
 * Dataproc cluster settings beyond those of the dataproc environment, Cloud Run through gcloud. Written in a dag config they are reported as not supported.
 */
export const UNSUPPORTED_OPTIONS: ReadonlySet<string> = new Set([
  "aws_profile",
  "cluster_config_name",
  "dataproc_cluster_metadata",
  // Cloud Run through gcloud: slo uses the provider's operator, whose failure fails the task
  "use_gcloud",
  "retry_on_failure",
]);
