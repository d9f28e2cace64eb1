/**
 * Option names that are not options of ours: legacy names (ignored, with a warning), and options
 * of the Python library that no runner here honours (reported, never silently ignored).
 */

/**
 * Old name → current name. Starlake 1.5's generator and the Python library read only the current
 * one (a real `dag-generate` of a project that sets the old one ignores it): so do we, saying so.
 */
export const LEGACY_OPTIONS: ReadonlyMap<string, string> = new Map([
  ["load_dependencies", "run_dependencies_first"],
]);

/**
 * Options the Python libraries read for features slo does not run: profiles of the cloud SDKs,
 * Dataproc cluster settings beyond those of the dataproc environment, Cloud Run through gcloud,
 * the Snowflake orchestrator's own. Written in a dag config they are reported as not supported.
 */
export const UNSUPPORTED_OPTIONS: ReadonlySet<string> = new Set([
  "aws_profile",
  "cluster_config_name",
  "dataproc_cluster_metadata",
  // Cloud Run through gcloud: slo uses the provider's operator, whose failure fails the task
  "use_gcloud",
  "retry_on_failure",
  // Starlake's native Snowflake orchestrator (Snowflake tasks), which slo does not render
  "stage_location",
  "warehouse",
  "packages",
  "sl_incoming_file_stage",
  "allow_overlapping_execution",
]);
