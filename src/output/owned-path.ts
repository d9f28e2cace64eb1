import { lstatSync } from "node:fs";
import { isAbsolute, join } from "node:path";

/**
 * Why a relative path may not be written or removed inside the output folder, or undefined when
 * it may: it stays below the folder by its text (no absolute path, no `..`) and by the disk (no
 * folder on the way is a symbolic link, which could lead anywhere).
 */
export function unsafeRelativePath(dir: string, rel: string): string | undefined {
  const named = badRelativeName(rel);
  if (named !== undefined) return named;
  let at = dir;
  const parts = rel.split(/[\\/]/);
  for (const part of parts.slice(0, -1)) {
    at = join(at, part);
    try {
      const s = lstatSync(at);
      if (s.isSymbolicLink()) return `a path through the symbolic link ${at}`;
      if (!s.isDirectory()) return `a path through ${at}, which is not a folder`;
    } catch {
      return undefined; // not made yet: what is made below is ours
    }
  }
  return undefined;
}

/** Why a path, by its text alone, does not name a file below a folder; undefined when it does. */
export function badRelativeName(rel: string): string | undefined {
  if (rel === "" || rel.length > 1024 || rel.includes("\0")) return "not a file name";
  if (isAbsolute(rel) || /^[A-Za-z]:/.test(rel) || rel.startsWith("\\")) return "an absolute path";
  const parts = rel.split(/[\\/]/);
  if (parts.some((p) => p === ".." || p === "." || p === ""))
    return "a path that leaves the folder";
  return undefined;
}
