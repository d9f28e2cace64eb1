import { readFileSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { GeneratedFile } from "../backends/orchestrator.js";
import { ConfigError } from "../errors.js";
import { makeFolder } from "../util/write-atomic.js";
import { MANIFEST, manifestText, readManifest } from "./manifest.js";
import { unsafeRelativePath } from "./owned-path.js";
import { fileInTheWay, fsProblem, fsReason, kindAt, writeOutputFile } from "./write-output.js";

export { MANIFEST } from "./manifest.js";

export interface WriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
}

/**
 * Writes generated files: unchanged files are not touched (Airflow re-parses on change only), a
 * file the folder already has but slo did not write is never overwritten, and with `clean` the
 * files an earlier run wrote that this run does not produce are removed: nothing else is. Every
 * check is made before the first change, so bad input leaves the folder as it was.
 */
export function writeGenerated(
  dir: string,
  orchestrator: string,
  files: readonly GeneratedFile[],
  clean: boolean,
): WriteResult {
  const kind = kindAt(dir);
  if (kind !== "none" && kind !== "folder" && !(kind === "link" && isFolder(dir))) {
    throw new ConfigError(`${dir}: not a folder; expected a folder to generate into`);
  }
  const blocker = kind === "none" ? fileInTheWay(dir) : undefined;
  if (blocker !== undefined) {
    throw new ConfigError(
      `${dir}: cannot be made: ${blocker} is a file, not a folder; expected a folder to generate into`,
    );
  }
  const previous = readManifest(dir);
  const owned = new Set(previous?.files ?? []);
  const problems: string[] = [];
  for (const p of [...files.map((f) => f.path), ...owned]) {
    const why = unsafeRelativePath(dir, p);
    if (why !== undefined) problems.push(`${join(dir, p)}: ${why}; expected a file inside ${dir}`);
  }
  for (const f of files) {
    const at = kindAt(join(dir, f.path));
    // A link at an owned name is replaced by the rename, its target left alone.
    if (at === "none" || ((at === "file" || at === "link") && owned.has(f.path))) continue;
    if (at === "file" && readFileSync(join(dir, f.path), "utf8") === f.content) continue;
    const what =
      at === "folder" ? "is a folder" : at === "other" ? "is not a regular file" : "exists";
    problems.push(
      `${join(dir, f.path)}: ${what} and was not written by slo generate; expected a free name (move it away, or generate into another folder)`,
    );
  }
  if (problems.length > 0) {
    // One line each: a diagnostic's message is kept on one line, so each problem is its own.
    throw new ConfigError(
      [...new Set(problems)].map((message) => ({
        code: "bad_input",
        severity: "error" as const,
        message,
      })),
    );
  }
  try {
    makeFolder(dir);
  } catch (e) {
    throw new ConfigError(`${dir}: cannot make this folder (${fsReason(e)})`, { cause: e });
  }
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const f of files) {
    const path = join(dir, f.path);
    if (kindAt(path) === "file" && readFileSync(path, "utf8") === f.content) unchanged.push(f.path);
    else {
      writeOutputFile(path, f.content);
      written.push(f.path);
    }
  }
  const produced = new Set(files.map((f) => f.path));
  const stale = [...owned].filter((p) => !produced.has(p)).sort();
  const removed = clean ? stale.filter((p) => removeOwned(join(dir, p))) : [];
  const keep = clean ? [...produced] : [...new Set([...produced, ...stale])];
  writeOutputFile(join(dir, MANIFEST), manifestText(orchestrator, keep));
  return { written, unchanged, removed };
}

/** Removes a file slo wrote; anything else now at its place (a link, a folder) is left alone. */
function removeOwned(path: string): boolean {
  if (kindAt(path) !== "file") return false;
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    throw new ConfigError(`${path}: cannot remove: ${fsProblem(e)}`, { cause: e });
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
