import { basename } from "node:path";
import type { AttemptProcess } from "./attempt-process.js";
import { AttemptStarter } from "./attempt-starter.js";
import type { AttemptRow } from "./state-store.js";

/** How long a trace of an attempt may take to reach the journal once nothing can start it any more. */
const GRACE_MS = 1000;
/**
 * How long a launcher that was handed an attempt may stay alive without saying anything of it.
 * A live launcher reads its request at once and either starts it or declines it (its engine is
 * gone); past this, its pid is taken to be another process's.
 */
const LAUNCHER_MS = 10_000;
const POLL_MS = 25;

/**
 * What became of an attempt an earlier engine recorded as running, from the journal and the
 * processes: `running` (taken over, its pid or exit code known), `unstarted` (its launcher
 * declined it, or nothing could start it any more and it left no trace: it never ran, so it may
 * start again), or `lost` (its launcher still holds it and says nothing: it may have run).
 */
export async function findAttempt(
  starter: AttemptStarter,
  row: AttemptRow,
  deadline: number | undefined,
): Promise<AttemptProcess | "unstarted" | "lost"> {
  const name = basename(row.base);
  const since = Date.now();
  let quietSince: number | undefined;
  for (;;) {
    const journaled = starter.journaled(name);
    if (row.pid !== null || journaled.pid !== undefined || journaled.exit !== undefined) {
      const attempt = starter.adopt(row.base, row.pid ?? journaled.pid ?? null, deadline);
      if (attempt !== undefined) return attempt;
    }
    if (journaled.declined) return "unstarted";
    // its launcher may still start it (it reads the request, then looks whether we are alive)
    const holding = AttemptStarter.launcherAlive(row.launcher);
    if (holding && Date.now() - since >= LAUNCHER_MS) return "lost";
    if (!holding) {
      // a job forked just before its launcher died still journals its pid: give it a moment
      quietSince ??= Date.now();
      if (Date.now() - quietSince >= GRACE_MS) return "unstarted";
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
