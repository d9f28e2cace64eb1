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
 * files an earlier run wrote that this run does not produce are removed: nothing else is. When
 * `selected` names the pipelines of a partial run, `clean` removes only the stale files all of
 * whose owners are among them: the other pipelines' files, and files of unknown owners, stay.
 * Every check is made before the first change, so bad input leaves the folder as it was.
 */
export function writeGenerated(
  dir: string,
  orchestrator: string,
  files: readonly GeneratedFile[],
  clean: boolean,
  selected?: readonly string[],
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
  const before = previous?.owners ?? new Map<string, readonly string[]>();
  const mayGo = (p: string) => selected === undefined || ownedBy(before.get(p), selected);
  // What --clean lets go leaves the manifest even when it is not removed (a link or a folder
  // now stands at its place): it is not ours any more.
  const leaving = new Set(clean ? stale.filter(mayGo) : []);
  const removed = [...leaving].filter((p) => removeOwned(join(dir, p)));
  const kept = stale.filter((p) => !leaving.has(p));
  // A file this run produced holds what it says now; a file left behind keeps what it held.
  const owners = new Map<string, readonly string[]>();
  for (const p of kept) {
    const was = before.get(p);
    if (was !== undefined) owners.set(p, was);
  }
  for (const f of files) if (f.pipelines !== undefined) owners.set(f.path, f.pipelines);
  writeOutputFile(join(dir, MANIFEST), manifestText(orchestrator, [...produced, ...kept], owners));
  return { written, unchanged, removed };
}

/** Whether a stale file belongs only to the selected pipelines; unknown owners never do. */
function ownedBy(owners: readonly string[] | undefined, selected: readonly string[]): boolean {
  if (owners === undefined || owners.length === 0) return false;
  const chosen = new Set(selected);
  return owners.every((id) => chosen.has(id));
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
