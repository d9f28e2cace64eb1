import { lstatSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "../errors.js";
import { writeFileAtomic } from "../util/write-atomic.js";

/** Writes a file the user asked for (`--out`, `-o`): a path that cannot be written is bad input. */
export function writeOutputFile(path: string, content: string): void {
  if (kindAt(path) === "folder") {
    throw new ConfigError(`${path}: is a folder; expected the path of a file to write`);
  }
  const blocker = fileInTheWay(path);
  if (blocker !== undefined) {
    throw new ConfigError(`${path}: cannot write: ${blocker} is a file, not a folder`);
  }
  try {
    writeFileAtomic(path, content);
  } catch (e) {
    throw new ConfigError(`${path}: cannot write: ${fsProblem(e)}`, { cause: e });
  }
}

/** What is at a path, without following a link there. */
export function kindAt(path: string): "none" | "folder" | "file" | "link" | "other" {
  try {
    const s = lstatSync(path);
    if (s.isSymbolicLink()) return "link";
    return s.isDirectory() ? "folder" : s.isFile() ? "file" : "other";
  } catch (e) {
    if (isMissing(e)) return "none";
    throw new ConfigError(`${path}: cannot be read: ${fsProblem(e)}`, { cause: e });
  }
}

/** The nearest existing ancestor of a path that does not exist, when it is not a folder. */
export function fileInTheWay(path: string): string | undefined {
  for (let at = dirname(path); ; at = dirname(at)) {
    try {
      return statSync(at).isDirectory() ? undefined : at;
    } catch (e) {
      if (!isMissing(e) || dirname(at) === at) return undefined;
    }
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder, and none can be made there",
  ENOTDIR: "a file where a folder is expected",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EISDIR: "is a folder",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
  EEXIST: "something is already there",
  EBUSY: "busy",
  EXDEV: "on another device",
};

/** One phrase for a file-system error: which path, what went wrong, in words. */
export function fsProblem(e: unknown): string {
  const at = (e as NodeJS.ErrnoException)?.path;
  return at ? `${at}: ${fsReason(e)}` : fsReason(e);
}

/** What went wrong, in words, without the path. */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err?.code && REASONS[err.code]) || err?.message || String(e);
}
