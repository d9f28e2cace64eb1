import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { badRelativeName } from "./owned-path.js";
import { fsProblem } from "./write-output.js";

/** The list of files `slo generate` wrote into a folder: only these may be replaced or removed. */
export const MANIFEST = ".slo-manifest.json";

const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface Manifest {
  readonly generator: "starlake-orchestration";
  readonly orchestrator: string;
  readonly files: readonly string[];
}

/**
 * The manifest of a folder, checked whole before anything is removed in its name: anyone can
 * write this file, so its shape is proven here and each path is checked again where it is used.
 */
export function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, MANIFEST);
  const text = readManifestText(path);
  if (text === undefined) return undefined;
  const bad = (why: string) =>
    new ConfigError(
      `${path}: not a manifest written by slo generate (${why}); expected the file slo writes, or no file`,
    );
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw bad("invalid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw bad("not a JSON object");
  const m = data as Record<string, unknown>;
  if (m.generator !== "starlake-orchestration")
    throw bad('"generator" is not starlake-orchestration');
  if (typeof m.orchestrator !== "string") throw bad('"orchestrator" is not a string');
  if (!Array.isArray(m.files)) throw bad('"files" is not a list');
  const index = m.files.findIndex((f) => typeof f !== "string");
  if (index >= 0) throw bad(`files[${index}] is not a string`);
  for (const [i, f] of (m.files as string[]).entries()) {
    const why = f === MANIFEST ? "the manifest itself" : badRelativeName(f);
    if (why !== undefined) throw bad(`files[${i}] ${JSON.stringify(f)} is ${why}`);
  }
  return { generator: "starlake-orchestration", orchestrator: m.orchestrator, files: m.files };
}

export function manifestText(orchestrator: string, files: readonly string[]): string {
  const manifest: Manifest = {
    generator: "starlake-orchestration",
    orchestrator,
    files: [...files].sort(),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function readManifestText(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw notAFile(path, "a symbolic link");
    throw new ConfigError(`${path}: cannot be read: ${fsProblem(e)}`, { cause: e });
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw notAFile(path, "not a regular file");
    if (s.size > MAX_MANIFEST_BYTES) throw notAFile(path, `${s.size} bytes`);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

function notAFile(path: string, what: string): ConfigError {
  return new ConfigError(
    `${path}: not a manifest written by slo generate (${what}); expected the file slo writes, or no file`,
  );
}
