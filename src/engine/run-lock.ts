import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { describeHolder, HolderLock, takeLock } from "./holder-lock.js";

/** A run that another process (or another part of this one) is running: refused, exit 2. */
export class RunHeldError extends ConfigError {}

/**
 * Makes this process the one that runs `runId`: two engines on one run would start its tasks
 * twice. The lock is `<logs>/<run>/run.lock` (see HolderLock); the state file is named in the
 * refusal because that is what the user gave.
 */
export function lockRun(statePath: string, logsDir: string, runId: string): HolderLock {
  const file = join(logsDir, runId, "run.lock");
  const lock = takeLock(file);
  if (lock instanceof HolderLock) return lock;
  throw new RunHeldError(
    `${statePath}: run ${runId} is being run by ${describeHolder(lock)}; wait for it to end, or stop it first (lock ${file})`,
  );
}
