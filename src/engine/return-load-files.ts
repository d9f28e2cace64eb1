import { linkSync, lstatSync, mkdirSync, readdirSync, renameSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { LoadRecovery } from "../pipeline/pipeline.js";
import { filePatternMatcher } from "../starlake/file-pattern.js";

/** What returning a table's files did: lines for the attempt's log; `failed` when a file could not be returned. */
export interface ReturnReport {
  readonly lines: readonly string[];
  readonly failed: boolean;
}

/**
 * Moves the files a failed load of a table left in Starlake's ingesting folder back to the
 * pending folder, where the next load looks (see LoadRecovery). Only regular files whose name
 * fully matches the table's pattern move; a file of the same name in the pending folder is never
 * replaced (the one left behind stays, and the report says so); symlinks are never followed,
 * neither a file nor either domain folder. A file that cannot be moved fails the report: the load
 * would find nothing and succeed having loaded nothing. The Python runtimes of Airflow and
 * Dagster do the same (backends/python/runtime/return_load_files.py).
 */
export function returnLoadFiles(r: LoadRecovery): ReturnReport {
  const lines: string[] = [];
  let names: string[];
  try {
    names = matchingNames(r, lines);
    if (names.length > 0 && !isFolderOrAbsent(r.pending)) {
      // the files stay where the load does not look: it would succeed having loaded nothing
      lines.push(`slo: ${r.pending} is a symlink or not a folder: nothing returned to it`);
      return { lines, failed: true };
    }
  } catch (e) {
    lines.push(`slo: could not look for files to return in ${r.ingesting}: ${reason(e)}`);
    return { lines, failed: true };
  }
  let failed = false;
  for (const name of names) {
    const source = join(r.ingesting, name);
    const target = join(r.pending, name);
    try {
      if (!lstatSync(source).isFile()) {
        lines.push(
          `slo: left ${name} in ${r.ingesting}: not a regular file (symlinks are not followed)`,
        );
        continue;
      }
      mkdirSync(r.pending, { recursive: true });
      if (moveNoReplace(source, target))
        lines.push(
          `slo: returned ${name} from ${r.ingesting} to ${r.pending} (a failed load left it there)`,
        );
      else
        lines.push(
          `slo: left ${name} in ${r.ingesting}: ${r.pending} already has a file of that name`,
        );
    } catch (e) {
      failed = true;
      lines.push(`slo: could not return ${name} from ${r.ingesting} to ${r.pending}: ${reason(e)}`);
    }
  }
  return { lines, failed };
}

/** Names in the ingesting folder matching the pattern, sorted; none when the folder is absent or a symlink. */
function matchingNames(r: LoadRecovery, lines: string[]): string[] {
  if (!isFolderOrAbsent(r.ingesting)) {
    lines.push(`slo: ${r.ingesting} is a symlink or not a folder: nothing returned from it`);
    return [];
  }
  let names: string[];
  try {
    names = readdirSync(r.ingesting);
  } catch (e) {
    if (absent(e)) return [];
    throw e;
  }
  const matches = filePatternMatcher(r.pattern);
  return names.filter(matches).sort();
}

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String((e as Error).message);

function isFolderOrAbsent(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch (e) {
    if (absent(e)) return true;
    throw e;
  }
}

/** No such path: missing, or a file where a parent folder should be (making it fails later, said per file). */
const absent = (e: unknown) =>
  ["ENOENT", "ENOTDIR"].includes((e as NodeJS.ErrnoException).code ?? "");

/**
 * Moves `source` to `target` unless `target` exists: a hard link fails on an existing name (no
 * check-then-move race), then the old name goes. Where hard links are refused (some file
 * systems), a rename after a check. False when `target` exists.
 */
function moveNoReplace(source: string, target: string): boolean {
  try {
    linkSync(source, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw e;
    if (existsNoFollow(target)) return false;
    renameSync(source, target);
    return true;
  }
  unlinkSync(source);
  return true;
}

function existsNoFollow(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
