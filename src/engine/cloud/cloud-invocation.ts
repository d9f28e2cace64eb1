import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Invocation } from "../attempt-process.js";
import type { CloudJob } from "./cloud-job.js";

/** The attempt's program, beside this file once built (dist/engine/cloud/cloud-attempt.js). */
const ENTRY = fileURLToPath(new URL("./cloud-attempt.js", import.meta.url));

/**
 * The environment of a run's cloud attempts: the engine's own, where the cloud clients find
 * their endpoint, region and credentials. The Starlake variables go to the cloud job, not here.
 */
export function cloudEnvironment(
  base: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * The command of a cloud attempt whose log is `<base>.log`: this Node running cloud-attempt.js on
 * the job, written beside the log (readable by its owner alone: it holds the Starlake variables).
 * An attempt whose record does not commit leaves its file, rewritten by the next attempt of that
 * number.
 */
export function cloudInvocation(
  job: CloudJob,
  base: string,
  env: Readonly<Record<string, string>>,
): Invocation {
  if (!existsSync(ENTRY))
    throw new Error(`${ENTRY} is missing: cloud attempts run the built engine (npm run build)`);
  const file = `${base}.job.json`;
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(file, `${JSON.stringify(job)}\n`, { mode: 0o600 });
  return { file: process.execPath, args: [ENTRY, file], cwd: dirname(base), env };
}
