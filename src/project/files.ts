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
import { join, relative, sep } from "node:path";
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
  let target: string;
  try {
    // Every file, not only links: a linked folder (metadata/load -> elsewhere) leads out too.
    target = realpathSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") return refuse(`cannot read (${code ?? String(e)})`);
    // A link whose target is missing is a mistake worth naming; a missing file is just absent.
    if (isDanglingLink(path)) refuse("a symbolic link to nothing; expected a file");
    return undefined;
  }
  if (!isInside(realpathSync(root), target)) {
    refuse(
      "leads, through a symbolic link, outside the project; expected a file inside the project folder",
    );
  }
  return readRegularFile(target, refuse);
}

function readRegularFile(path: string, refuse: (why: string) => never): string {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    return refuse(`cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) refuse(`not a regular file (${kindOf(stat)}); expected a text file`);
    if (stat.size > MAX_PROJECT_FILE_BYTES) refuse(tooLarge(stat.size));
    // One byte more than fstat said: a file that grows while it is read is noticed, not cut.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) refuse("changed while it was read; expected a file at rest");
    }
    return buffer.toString("utf8", 0, length);
  } catch (e) {
    if (e instanceof UnreadableFile) throw e;
    return refuse(`cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
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

function isDanglingLink(path: string): boolean {
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
