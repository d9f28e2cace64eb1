import type { Pipeline } from "../pipeline/pipeline.js";

/**
 * A pipeline as an earlier release stored it with a run: before the environment became a typed
 * union it was `{ kind, env, settings: { slRoot, starlakePath, includeEnvVars } }`. Read into
 * today's shape so a run recorded then resumes now.
 */
export function storedPipeline(value: unknown): Pipeline {
  const p = value as Pipeline & { environment: { settings?: Record<string, unknown> } };
  const e = p.environment as unknown as Record<string, unknown>;
  if (e.slRoot !== undefined || e.settings === undefined) return p;
  const settings = e.settings as Record<string, unknown>;
  const { settings: _, ...rest } = e;
  const slRoot = String(settings.slRoot ?? ".");
  // runs were only ever stored for the shell, the engine's one environment
  const environment = {
    ...rest,
    kind: "shell",
    slRoot,
    starlakePath: String(settings.starlakePath ?? "starlake"),
    includeEnvVars: String(settings.includeEnvVars ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  };
  return { ...p, environment } as unknown as Pipeline;
}
