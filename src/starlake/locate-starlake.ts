import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";

/** Where the Starlake executable may be named, strongest first. */
export interface StarlakeSearch {
  /** `--starlake PATH` on the command line. */
  readonly flag?: string | undefined;
  /** `SL_STARLAKE_PATH`: a dag config option or the environment variable of that name. */
  readonly variable?: string | undefined;
  /** The `PATH` to search for `starlake` when neither is given. */
  readonly searchPath?: string | undefined;
  /** Relative paths are the caller's: resolved against this folder (default: the process's). */
  readonly cwd?: string;
}

export interface LocatedStarlake {
  /** Absolute path of an executable file. */
  readonly path: string;
  readonly via: "--starlake" | "SL_STARLAKE_PATH" | "PATH";
}

/** When no executable is found: one line saying what was tried, for a ConfigError. */
export interface MissingStarlake {
  readonly missing: string;
}

/**
 * The Starlake executable: `--starlake`, else `SL_STARLAKE_PATH`, else `starlake` on `PATH`. A
 * name given explicitly is used or refused, never silently replaced by another one; a bare name
 * (`starlake`, `sl-1.5`) is looked up on `PATH`.
 * @example locateStarlake({ variable: process.env.SL_STARLAKE_PATH, searchPath: process.env.PATH })
 */
export function locateStarlake(search: StarlakeSearch): LocatedStarlake | MissingStarlake {
  const cwd = search.cwd ?? process.cwd();
  const dirs = (search.searchPath ?? "").split(delimiter).filter((d) => d !== "");
  const named: Array<[LocatedStarlake["via"], string | undefined]> = [
    ["--starlake", search.flag],
    ["SL_STARLAKE_PATH", search.variable],
  ];
  for (const [via, value] of named) {
    if (value === undefined || value === "") continue;
    const found = find(value, cwd, dirs);
    if (found.path !== undefined) return { path: found.path, via };
    return {
      missing: `starlake not found: ${via} ${JSON.stringify(value)} ${found.tried}; ${HINT}`,
    };
  }
  const found = find("starlake", cwd, dirs);
  if (found.path !== undefined) return { path: found.path, via: "PATH" };
  return {
    missing: `starlake not found: no --starlake, SL_STARLAKE_PATH unset, and ${found.tried}; ${HINT}`,
  };
}

const HINT = "install Starlake, or name its executable with --starlake or SL_STARLAKE_PATH";

function find(
  name: string,
  cwd: string,
  dirs: readonly string[],
): { path: string } | { path?: undefined; tried: string } {
  if (isAbsolute(name) || name.includes("/")) {
    const path = resolve(cwd, name);
    return isExecutableFile(path) ? { path } : { tried: `is not an executable file (${path})` };
  }
  for (const dir of dirs) {
    const path = resolve(cwd, join(dir, name));
    if (isExecutableFile(path)) return { path };
  }
  return {
    tried:
      dirs.length === 0
        ? `no ${name} on PATH (PATH is empty)`
        : `no ${name} on PATH (${dirs.length} folder${dirs.length === 1 ? "" : "s"} searched)`,
  };
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
