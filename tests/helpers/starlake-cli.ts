import { execFileSync, spawn } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll } from "vitest";
import { requiredStarlake } from "./real-starlake.js";
import { sharedFolder } from "./shared.js";

/** Starlake's own sample projects (read-only), in the shared folder beside the repository. */
export const SAMPLES = join(sharedFolder(), "starlake-samples");

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) execFileSync("rm", ["-rf", dir], { timeout: 60_000 });
});

/** A writable copy of a project in a fresh temporary folder (the samples are read-only). */
export function copyProject(source: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "slo-real-")), "project");
  copies.push(resolve(dir, ".."));
  cpSync(source, dir, { recursive: true });
  makeWritable(dir);
  return dir;
}

function makeWritable(path: string): void {
  const mode = statSync(path).mode;
  chmodSync(path, mode | 0o200);
  if (statSync(path).isDirectory())
    for (const name of readdirSync(path)) makeWritable(join(path, name));
}

export interface StarlakeResult {
  readonly code: number | null;
  /** stdout and stderr together, in the order they came. */
  readonly output: string;
}

/** Runs real Starlake in a project (SL_ROOT is the project), with a time limit. */
export function runStarlake(
  project: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 600_000,
): Promise<StarlakeResult> {
  return new Promise((done, fail) => {
    const child = spawn(requiredStarlake(), args, {
      cwd: project,
      env: { ...process.env, SL_ROOT: project, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, output }));
  });
}

/**
 * A project made by real `starlake bootstrap` from a template its jar ships (`sample-project` is
 * StarBake, written by the Starlake team), in a fresh temporary folder: real input that needs no
 * network. Throws with Starlake's output when it fails.
 */
export async function bootstrapProject(template: string): Promise<string> {
  const parent = mkdtempSync(join(tmpdir(), "slo-bootstrap-"));
  copies.push(parent);
  const dir = join(parent, "project");
  const r = await runStarlake(parent, [
    "bootstrap",
    "--template",
    template,
    "--project-location",
    dir,
  ]);
  if (r.code !== 0 || !statSync(join(dir, "metadata")).isDirectory())
    throw new Error(`starlake bootstrap --template ${template} failed:\n${r.output.slice(-3000)}`);
  return dir;
}
