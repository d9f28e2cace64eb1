import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * Starlake's sample projects (read-only, outside the repository): $SLO_STARLAKE_SAMPLES, else
 * `shared/starlake-samples` next to the repository or to its worktree folder.
 */
export function samplesFolder(): string {
  const candidates = [
    process.env.SLO_STARLAKE_SAMPLES,
    join(repo, "../shared/starlake-samples"),
    join(repo, "../../shared/starlake-samples"),
  ].filter((p): p is string => p !== undefined && p !== "");
  const found = candidates.find((p) => existsSync(join(p, "starbake/metadata")));
  if (found === undefined)
    throw new Error(
      `Starlake's samples not found (looked in ${candidates.join(", ")}); set SLO_STARLAKE_SAMPLES`,
    );
  return found;
}

/** A fresh copy of a sample in a temporary folder: nothing is ever written into the original. */
export function copySample(name: string): string {
  const dest = mkdtempSync(join(tmpdir(), `slo-sample-${name}-`));
  made.push(dest);
  cpSync(join(samplesFolder(), name), dest, { recursive: true });
  return dest;
}

/**
 * A copy of github:starlake-ai/StarBake made by scripts/copy-starbake.sh, or undefined when the
 * machine has neither $STARBAKE_GIT (a clone) nor $STARBAKE_CLONE=1 (allowed to clone from GitHub).
 * CI has no GitHub: there the StarBake test is skipped.
 */
export function copyStarBake(): string | undefined {
  if (!process.env.STARBAKE_GIT && process.env.STARBAKE_CLONE !== "1") return undefined;
  const dest = mkdtempSync(join(tmpdir(), "slo-starbake-"));
  made.push(dest);
  execFileSync("bash", [join(repo, "scripts/copy-starbake.sh"), dest], {
    timeout: 120_000,
    stdio: ["ignore", "ignore", "pipe"],
  });
  return dest;
}
