import type { PreloadGate } from "../pipeline/pipeline.js";

/** The token of a `--notReadySentinel` path that each run replaces by its own scope. */
export const SENTINEL_SCOPE_TOKEN = "__SL_SENTINEL_SCOPE__";

/** What a pre-load check found: files to load, nothing to load, or a real error. */
export type PreloadOutcome = "ready" | "not_ready" | "error";

/**
 * Reads a pre-load check's exit (spec §5.1). Without a sentinel Starlake exits 1 for "nothing to
 * load"; with `--notReadySentinel` it exits 0 and leaves the marker, so any non-zero exit is an
 * error. Every runner decides with this rule (the Airflow backend writes it in bash).
 */
export function preloadOutcome(
  gate: PreloadGate,
  exitCode: number,
  markerFound: boolean,
): PreloadOutcome {
  if (gate.sentinel !== undefined) {
    if (exitCode !== 0) return "error";
    return markerFound ? "not_ready" : "ready";
  }
  if (exitCode === 0) return "ready";
  return exitCode === 1 ? "not_ready" : "error";
}
