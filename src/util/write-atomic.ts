import { randomBytes } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * Writes through a temporary file and a rename, so a reader never sees half a file. The temporary
 * file has a random name and is created exclusively (a link planted under its name makes the
 * write fail, never redirects it), and the rename replaces whatever is at `path` (a symbolic link
 * there is replaced, its target left alone).
 */
export function writeFileAtomic(path: string, content: string): void {
  makeFolder(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", 0o666);
  let open = true;
  try {
    const bytes = Buffer.from(content, "utf8");
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    open = false;
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    if (open) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mode loops without end on file systems that
 * answer "no such file" to every mkdir (/proc), and a file in the way is named as such.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    let stat: Stats;
    try {
      stat = statSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file further up, which the climb reaches and names.
      if ((code === "ENOENT" || code === "ENOTDIR") && dirname(d) !== d) {
        missing.push(d);
        continue;
      }
      throw e;
    }
    if (stat.isDirectory()) break;
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${d}'`), {
      code: "ENOTDIR",
      path: d,
    });
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Made meanwhile by someone else: fine if it is a folder.
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(d).isDirectory()) throw e;
    }
  }
}
