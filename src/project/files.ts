import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import type { Diagnostic } from "../pipeline/diagnostic.js";

/** Larger project files are refused: a project file is text written by people, not data. */
export const MAX_PROJECT_FILE_BYTES = 8 * 1024 * 1024;

/** A project file that must not be read: caught where the project is read, reported as its error. */
export class UnreadableFile extends Error {
  readonly diagnostic: Diagnostic;
  constructor(rel: string, why: string) {
    super(`${rel}: ${why}`);
    this.name = "UnreadableFile";
    this.diagnostic = { code: "unreadable_file", severity: "error", file: rel, message: why };
  }
}

/** Sorted entries of a folder (empty when it does not exist): directory order is never relied on. */
export function listDir(dir: string): { name: string; isDir: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .map((e) => ({ name: e.name, isDir: e.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/**
 * Files in the given sub-folders of a folder, at any depth, as sorted paths relative to the
 * folder: what Starlake's recursive listing adds to a domain or transform folder's own files.
 * The caller has listed the folder already, so a folder without sub-folders costs nothing. Links
 * to folders are not followed (nor does Starlake's walk follow them).
 */
export function nestedFiles(dir: string, subfolders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string, depth: number) => {
    for (const e of listDir(join(dir, rel))) {
      const path = `${rel}/${e.name}`;
      if (!e.isDir) out.push(path);
      else if (depth < MAX_DEPTH) walk(path, depth + 1);
    }
  };
  for (const sub of subfolders) walk(sub, 1);
  return out.sort();
}

/** A project's folders are a few levels deep; deeper is not worth walking. */
const MAX_DEPTH = 32;

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Text of a project file, or undefined when it does not exist. Only a regular file inside the
 * project is read, and only up to a bound: a FIFO or a device would hang the reader, and a link
 * to a file elsewhere (a key, a password file) must never be read, let alone quoted in a message.
 */
export function readText(root: string, rel: string): string | undefined {
  const path = join(root, rel);
  const refuse = (why: string): never => {
    throw new UnreadableFile(rel, why);
  };
  const outside = (real: string) =>
    !isInside(resolved(root), real) && !isInside(resolved(root, true), real);
  try {
    const fd = openProjectFile(path);
    // A linked folder on the way (metadata/load -> elsewhere) leads out as surely as a linked file.
    if (outside(join(resolved(dirname(path)), basename(path)))) {
      if (fd !== "link") closeSync(fd);
      refuse(LEADS_OUT);
    }
    if (fd !== "link") return readRegularFile(fd, refuse);
    const target = realpathSync.native(path);
    if (outside(target)) refuse(LEADS_OUT);
    const linked = openProjectFile(target);
    return linked === "link"
      ? refuse("a symbolic link that keeps changing")
      : readRegularFile(linked, refuse);
  } catch (e) {
    if (e instanceof UnreadableFile) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") refuse("a loop of symbolic links; expected a file");
    if (code !== "ENOENT" && code !== "ENOTDIR")
      return refuse(`cannot read (${code ?? String(e)})`);
    // A link whose target is missing is a mistake worth naming; a missing file is just absent.
    if (isLink(path)) refuse("a symbolic link to nothing; expected a file");
    return undefined;
  }
}

/**
 * Whether a folder, links resolved, is inside the project (then so is a file in it that is not
 * itself a link). Remembered as briefly as `resolved` remembers folders.
 */
function folderInside(root: string, folder: string): boolean {
  const now = Date.now();
  const hit = insideFolders.get(folder);
  if (hit !== undefined && hit.root === root && now - hit.at < 1000) return hit.inside;
  if (insideFolders.size > 256) insideFolders.clear();
  const real = resolved(folder);
  const inside =
    real === resolved(root) ||
    isInside(resolved(root), real) ||
    real === resolved(root, true) ||
    isInside(resolved(root, true), real);
  insideFolders.set(folder, { root, inside, at: now });
  return inside;
}

const insideFolders = new Map<string, { root: string; inside: boolean; at: number }>();

/** A change within this long of a file's last write could share its timestamps (racy-git). */
const SETTLE_NS = 3_000_000_000n;

/**
 * Who a project file is, for caches of what it parsed to (parse-cache.ts): its device, inode,
 * size and modification and change times, taken without opening it. Only a regular file inside
 * the project has one; anything else (absent, a link, a FIFO, too large) gets undefined and is
 * read, and refused, as readText does. `settled` is false for a file written in the last
 * seconds: a second write within the same clock tick would keep these times, so its parse is
 * not remembered. (A file whose modification time was put back changes its change time: it
 * gets another identity.)
 */
export function fileIdentity(
  root: string,
  rel: string,
): { identity: string; settled: boolean } | undefined {
  const path = join(root, rel);
  try {
    const stat = lstatSync(path, { bigint: true });
    if (!stat.isFile() || stat.size > BigInt(MAX_PROJECT_FILE_BYTES)) return undefined;
    if (!folderInside(root, dirname(path))) return undefined;
    const now = BigInt(Date.now()) * 1_000_000n;
    return {
      identity: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`,
      settled: now - stat.mtimeNs > SETTLE_NS,
    };
  } catch {
    return undefined;
  }
}

const LEADS_OUT =
  "leads, through a symbolic link, outside the project; expected a file inside the project folder";

/** An open descriptor, or "link" when the last part of the path is a symbolic link. */
function openProjectFile(path: string): number | "link" {
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOOP" && isLink(path)) return "link";
    throw e;
  }
}

function readRegularFile(fd: number, refuse: (why: string) => never): string {
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) refuse(`not a regular file (${kindOf(stat)}); expected a text file`);
    if (stat.size > MAX_PROJECT_FILE_BYTES) refuse(tooLarge(stat.size));
    const buffer = Buffer.alloc(stat.size);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.toString("utf8", 0, length);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(bytes: number): string {
  return `too large (${bytes} bytes or more); expected a project file of at most ${MAX_PROJECT_FILE_BYTES} bytes`;
}

function kindOf(stat: import("node:fs").Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}

/**
 * Folders resolved lately: a project's files sit in few folders, and resolving every file's full
 * path took as long as reading it. Entries live a second, so a long `slo serve` sees changes.
 */
const recent = new Map<string, { real: string; at: number }>();

function resolved(folder: string, fresh = false): string {
  const now = Date.now();
  const hit = recent.get(folder);
  if (!fresh && hit !== undefined && now - hit.at < 1000) return hit.real;
  if (recent.size > 256) recent.clear();
  const real = realpathSync.native(folder);
  recent.set(folder, { real, at: now });
  return real;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep);
}
