import { createRequire } from "node:module";
import { ConfigError } from "../../errors.js";
import type { Diagnostic } from "../../pipeline/diagnostic.js";
import type { Pipeline } from "../../pipeline/pipeline.js";

/**
 * The npm package of each cloud environment's API client: optional dependencies of slo, loaded
 * only by runs that use the environment, so that a user of the shell alone installs none.
 */
export const CLOUD_PACKAGES = {
  fargate: "@aws-sdk/client-ecs",
  cloud_run: "@google-cloud/run",
  dataproc: "@google-cloud/dataproc",
} as const;

/** Whether an npm package can be loaded from slo (tests pass their own: a seam). */
export type PackageResolver = (name: string) => boolean;

const ownRequire = createRequire(import.meta.url);

export const installedPackage: PackageResolver = (name) => {
  try {
    ownRequire.resolve(name);
    return true;
  } catch {
    return false;
  }
};

/**
 * Bad input before anything runs: a pipeline in a cloud environment whose client package is not
 * installed. One located line (the dag config's template) naming the package and how to get it.
 */
export function checkCloudPackages(
  pipelines: readonly Pipeline[],
  resolve: PackageResolver = installedPackage,
): void {
  const diagnostics: Diagnostic[] = [];
  const told = new Set<string>();
  for (const p of pipelines) {
    const kind = p.environment.kind;
    if (!(kind in CLOUD_PACKAGES)) continue;
    const name = CLOUD_PACKAGES[kind as keyof typeof CLOUD_PACKAGES];
    if (told.has(name) || resolve(name)) continue;
    told.add(name);
    const config = p.source
      ? `dag config ${p.source.config} (pipeline ${p.id})`
      : `pipeline ${p.id}`;
    diagnostics.push({
      code: "missing_package",
      severity: "error",
      message: `${config}: execution environment ${kind} needs the npm package ${name}, which is not installed: npm install ${name}`,
      ...p.environment.at,
    });
  }
  if (diagnostics.length > 0) throw new ConfigError(diagnostics);
}

/**
 * A dependency of a client package, loaded from that package's own place in node_modules (it may
 * carry its own version): the Google clients' gRPC and authentication libraries, which slo does
 * not depend on itself.
 */
export function requireBeside(client: string, dependency: string): unknown {
  return createRequire(ownRequire.resolve(client))(dependency);
}
