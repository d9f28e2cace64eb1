import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { inflateRawSync } from "node:zlib";

/**
 * The shared folder (real Starlake, its samples): `../shared` next to the repository in CI, and
 * `../../shared` from a worktree under `wt/`. Tests run with the repository root as cwd.
 */
export function sharedFolder(): string {
  const candidates = [resolve("../shared"), resolve("../../shared")];
  const found = candidates.find((c) => existsSync(resolve(c, "starlake")));
  if (found === undefined)
    throw new Error(`no shared folder with starlake/ at ${candidates.join(" or ")}`);
  return found;
}

/** One file of a zip (jar) archive, read through its central directory. */
export function zipEntry(archive: string, name: string): Buffer {
  const zip = readFileSync(archive);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${archive}: not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString("utf8", at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${archive}: ${name} uses compression method ${method}`);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${archive}: no ${name}`);
}
