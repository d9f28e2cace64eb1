import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LocatedStarlake,
  locateStarlake,
  type MissingStarlake,
} from "../../src/starlake/locate-starlake.js";

let dir: string;
let bin: string; // holds an executable starlake
let other: string; // holds an executable sl-custom and a starlake that is not executable
let empty: string;

function script(path: string, mode: number): void {
  writeFileSync(path, "#!/bin/sh\nexit 0\n");
  chmodSync(path, mode);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "slo-locate-"));
  bin = join(dir, "bin");
  other = join(dir, "other");
  empty = join(dir, "empty");
  for (const d of [bin, other, empty]) mkdirSync(d);
  script(join(bin, "starlake"), 0o755);
  script(join(other, "sl-custom"), 0o755);
  script(join(other, "starlake"), 0o644);
  mkdirSync(join(empty, "starlake")); // a folder named starlake is not an executable
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problem(f: () => LocatedStarlake | MissingStarlake): string {
  const found = f();
  if (!("missing" in found)) throw new Error(`expected nothing found, got ${found.path}`);
  return found.missing;
}
const path = (found: LocatedStarlake | MissingStarlake) => ("path" in found ? found.path : found);

describe("locateStarlake", () => {
  it("takes --starlake first, then SL_STARLAKE_PATH, then starlake on PATH", () => {
    const flag = join(other, "sl-custom");
    expect(locateStarlake({ flag, variable: join(bin, "starlake"), searchPath: bin })).toEqual({
      path: flag,
      via: "--starlake",
    });
    expect(locateStarlake({ variable: flag, searchPath: bin })).toEqual({
      path: flag,
      via: "SL_STARLAKE_PATH",
    });
    expect(locateStarlake({ searchPath: [empty, other, bin].join(delimiter) })).toEqual({
      path: join(bin, "starlake"),
      via: "PATH",
    });
    // empty strings count as not given
    expect(locateStarlake({ flag: "", variable: "", searchPath: bin })).toMatchObject({
      via: "PATH",
    });
  });

  it("resolves relative paths against cwd and bare names on PATH", () => {
    expect(path(locateStarlake({ flag: "other/sl-custom", cwd: dir }))).toBe(
      join(other, "sl-custom"),
    );
    expect(locateStarlake({ variable: "sl-custom", searchPath: other })).toEqual({
      path: join(other, "sl-custom"),
      via: "SL_STARLAKE_PATH",
    });
  });

  it("never replaces an explicit name by another executable", () => {
    const m = problem(() => locateStarlake({ flag: join(dir, "missing"), searchPath: bin }));
    expect(m).toBe(
      `starlake not found: --starlake "${join(dir, "missing")}" is not an executable file (${join(dir, "missing")}); install Starlake, or name its executable with --starlake or SL_STARLAKE_PATH`,
    );
    expect(problem(() => locateStarlake({ variable: join(other, "starlake") }))).toMatch(
      /starlake not found: SL_STARLAKE_PATH ".*other\/starlake" is not an executable file/,
    );
    expect(problem(() => locateStarlake({ variable: "sl-custom", searchPath: bin }))).toMatch(
      /SL_STARLAKE_PATH "sl-custom" no sl-custom on PATH \(1 folder searched\)/,
    );
  });

  it("says what it tried when nothing is found, in one line", () => {
    const m = problem(() => locateStarlake({ searchPath: [empty, other].join(delimiter) }));
    expect(m).toBe(
      "starlake not found: no --starlake, SL_STARLAKE_PATH unset, and no starlake on PATH (2 folders searched); install Starlake, or name its executable with --starlake or SL_STARLAKE_PATH",
    );
    expect(m).not.toContain("\n");
    expect(problem(() => locateStarlake({ searchPath: "" }))).toContain(
      "no starlake on PATH (PATH is empty)",
    );
  });
});
