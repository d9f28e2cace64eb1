import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError, SloError } from "../errors.js";

/** SQLite's primary result codes we explain (the low byte of an extended code). */
const WHY: Readonly<Record<number, string>> = {
  5: "it is locked by another process that does not let go",
  8: "it is read-only",
  10: "a disk I/O error",
  11: "it is corrupt",
  13: "the disk is full (or the file reached its size limit)",
  14: "it cannot be opened",
  23: "access denied",
  26: "it is not an SQLite database",
};

/** Whether `e` comes from SQLite (node:sqlite throws these). */
export function isSqliteError(e: unknown): e is Error & { errcode: number; errstr: string } {
  return (e as { code?: unknown } | null)?.code === "ERR_SQLITE_ERROR";
}

/**
 * The engine state at `path` could not be opened, read or written: one line naming the file and
 * why, as bad input (exit 2), the cause kept. Errors that are not SQLite's are returned as they are.
 */
export function stateFailure(path: string, e: unknown, doing = "use"): unknown {
  if (e instanceof SloError || !isSqliteError(e)) return e;
  const hints = fileHints(path, e.errcode & 0xff);
  const why = hints.length > 0 ? hints.join("; ") : (WHY[e.errcode & 0xff] ?? e.errstr);
  return new ConfigError(
    `${path}: cannot ${doing} the engine state: ${why} (SQLite: ${e.message})`,
    { cause: e },
  );
}

/** What the file system says about a state file SQLite could not open or write. */
function fileHints(path: string, code: number): string[] {
  if (code !== 14 && code !== 8 && code !== 23 && code !== 10) return [];
  try {
    if (statSync(path).isDirectory()) return ["it is a directory"];
  } catch {
    // no file yet: its folder is what matters
  }
  for (const [target, what] of [
    [path, "the file is not writable"],
    [dirname(path), "its folder is not writable (SQLite writes a journal beside it)"],
  ] as const) {
    try {
      accessSync(target, constants.W_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM") return [what];
      if (code === "EROFS") return ["it is on a read-only file system"];
    }
  }
  return [];
}
