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
  /**
   * The pipelines each file holds, so `--pipeline X --clean` removes X's stale files and no
   * other's. A file missing here (a manifest from before owners were kept) has unknown owners.
   */
  readonly owners: ReadonlyMap<string, readonly string[]>;
}

const MAX_OWNER_ID = 1024;

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
  const owners = readOwners(m.owners, new Set(m.files as string[]), bad);
  return {
    generator: "starlake-orchestration",
    orchestrator: m.orchestrator,
    files: m.files,
    owners,
  };
}

/** `"owners"`: optional; each key a listed file, each value a list of pipeline ids. */
function readOwners(
  data: unknown,
  files: ReadonlySet<string>,
  bad: (why: string) => ConfigError,
): Map<string, readonly string[]> {
  const owners = new Map<string, readonly string[]>();
  if (data === undefined) return owners;
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw bad('"owners" is not a JSON object');
  for (const [file, ids] of Object.entries(data)) {
    const at = `owners[${JSON.stringify(file)}]`;
    if (!files.has(file)) throw bad(`${at} names a file missing from "files"`);
    if (!Array.isArray(ids)) throw bad(`${at} is not a list`);
    const index = ids.findIndex(
      (id) => typeof id !== "string" || id === "" || id.length > MAX_OWNER_ID,
    );
    if (index >= 0) throw bad(`${at}[${index}] is not a pipeline id`);
    owners.set(file, ids as string[]);
  }
  return owners;
}

/** The manifest's text: sorted, so that the same files give the same bytes. */
export function manifestText(
  orchestrator: string,
  files: readonly string[],
  owners: ReadonlyMap<string, readonly string[]> = new Map(),
): string {
  const sorted = [...files].sort();
  const known = sorted.filter((f) => owners.has(f));
  const manifest = {
    generator: "starlake-orchestration",
    orchestrator,
    files: sorted,
    // fromEntries defines own properties: a file named __proto__ stays a plain key.
    owners: Object.fromEntries(known.map((f) => [f, [...new Set(owners.get(f))].sort()])),
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
