import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The package as a user gets it: a fresh clone installs with `npm ci` and stays clean, and the
 * tarball of `npm pack` installs into an empty prefix as a working `slo`. npm reads its cache
 * first (--prefer-offline), so a warm machine needs no network. The clone holds the last commit:
 * what is not committed is not tested here.
 */
const repo = resolve(".");
const version = JSON.parse(readFileSync("package.json", "utf8")).version as string;
const minute = 60_000;

// This Node first on PATH: `slo`'s `#!/usr/bin/env node` must find a Node 22.13+. npm's own
// variables from an outer `npm test` are dropped, so the children read only the user's config.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD"),
);
env.PATH = [dirname(process.execPath), env.PATH ?? ""].join(delimiter);

function run(cmd: string, args: readonly string[], cwd: string, path = env.PATH) {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, {
    cwd,
    env: { ...env, PATH: path },
    encoding: "utf8",
    timeout: 10 * minute,
    killSignal: "SIGKILL",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd} ${args.join(" ")}: ${r.error.message}`);
  return r;
}

/** Runs a command that must succeed; its output is in the failure message. */
function ok(cmd: string, args: readonly string[], cwd: string, path = env.PATH): string {
  const r = run(cmd, args, cwd, path);
  expect(r.status, `${cmd} ${args.join(" ")} in ${cwd}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

const npm = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

/** Every .js file below a folder. */
function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? scripts(join(dir, e.name))
      : e.name.endsWith(".js")
        ? [join(dir, e.name)]
        : [],
  );
}

/**
 * The packages a built module loads: its import declarations, `import("…")`, and what it asks
 * of `createRequire(…)`. Relative paths and Node's own modules are left out.
 */
function packagesLoadedBy(text: string): string[] {
  const found = [
    ...text.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s*"([^"]+)"/gm),
    ...text.matchAll(/^import\s*"([^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
    ...text.matchAll(/\bcreateRequire\([^)]*\)\(\s*"([^"]+)"/g),
  ].map((m) => m[1] as string);
  return found
    .filter((s) => !s.startsWith(".") && !isBuiltin(s))
    .map((s) =>
      s
        .split("/")
        .slice(0, s.startsWith("@") ? 2 : 1)
        .join("/"),
    );
}

describe("the npm package", () => {
  let tmp = "";
  let clone = "";
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "slo-package-"));
    clone = join(tmp, "clone");
    ok("git", ["clone", "--quiet", "--no-hardlinks", repo, clone], tmp);
  }, 5 * minute);
  afterAll(() => {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  const status = () => ok("git", ["status", "--porcelain", "--untracked-files=all"], clone);

  it(
    "npm ci installs a fresh clone from the lock file and leaves it clean",
    () => {
      ok("npm", ["ci", ...npm], clone);
      expect(status()).toBe("");
      // Node 24 comes from the lock file too: the scripts put node_modules/.bin first on PATH.
      const node = ok(join(clone, "node_modules/.bin/node"), ["--version"], clone);
      expect(node).toMatch(/^v24\./);
      ok("npm", ["install", ...npm], clone);
      expect(status(), "npm install must not rewrite the lock file").toBe("");
    },
    20 * minute,
  );

  it(
    "npm pack builds dist/ and ships only what a user runs",
    () => {
      ok("npm", ["pack", "--pack-destination", tmp, ...npm], clone);
      expect(status(), "prepack writes only ignored files").toBe("");
      const tarball = join(tmp, `starlake-orchestration-${version}.tgz`);
      const files = ok("tar", ["-tzf", tarball], tmp).split("\n").filter(Boolean);
      expect(files).toContain("package/dist/cli/bin.js");
      expect(files).toContain("package/dist/index.d.ts");
      expect(files).toContain("package/package.json");
      const wrong = files.filter((f) => !/^package\/(dist|schemas)\/|^package\/[^/]+$/.test(f));
      expect(wrong, "only dist/, schemas/ and top-level files").toEqual([]);
      expect(files.filter((f) => f.endsWith(".test.js"))).toEqual([]);
      // What the program loads at run time must be a dependency: a devDependency is not
      // installed, and a package present only as another's dependency may move or vanish. An
      // optional one (the cloud clients) may be missing: it is loaded only by a dynamic import(),
      // never by an import declaration, which would stop slo from starting without it.
      const manifest = JSON.parse(readFileSync(join(clone, "package.json"), "utf8"));
      const declared = Object.keys(manifest.dependencies);
      const optional = Object.keys(manifest.optionalDependencies ?? {});
      const dist = join(clone, "dist");
      const undeclared = scripts(dist).flatMap((file) =>
        packagesLoadedBy(readFileSync(file, "utf8"))
          .filter((name) => !declared.includes(name) && !optional.includes(name))
          .map((name) => `${relative(dist, file)}: ${name}`),
      );
      expect(undeclared, "packages loaded at run time but not in dependencies").toEqual([]);
      const staticOptional = scripts(dist).flatMap((file) =>
        packagesLoadedBy(readFileSync(file, "utf8").replace(/\bimport\(\s*"[^"]+"\s*\)/g, ""))
          .filter((name) => optional.includes(name))
          .map((name) => `${relative(dist, file)}: ${name}`),
      );
      expect(staticOptional, "optional packages loaded by an import declaration").toEqual([]);
      expect(optional.length).toBeGreaterThan(0);
      // The scan sees the loads that are not import declarations too.
      const format = readFileSync(join(dist, "backends/python/format.js"), "utf8");
      expect(packagesLoadedBy(format)).toContain("@astral-sh/ruff-wasm-nodejs");
    },
    20 * minute,
  );

  it(
    "npm install -g of the tarball gives a working slo",
    () => {
      const prefix = join(tmp, "prefix");
      const tarball = join(tmp, `starlake-orchestration-${version}.tgz`);
      ok("npm", ["install", "--global", "--prefix", prefix, tarball, ...npm], tmp);
      expect(readdirSync(join(prefix, "bin"))).toContain("slo");
      const slo = join(prefix, "bin", "slo");
      expect(ok(slo, ["--version"], tmp).trim()).toBe(version);
      const validated = ok(slo, ["validate", join(clone, "examples/minimal")], tmp);
      expect(validated).toMatch(/^ok: 3 pipeline\(s\)/);
      // The parts that load optional engines at run time: ruff (formatting), the SQL parser.
      const out = join(tmp, "dags");
      const gen = ["generate", join(clone, "examples/minimal"), "--orchestrator", "airflow"];
      ok(slo, [...gen, "--out", out], tmp);
      expect(readdirSync(out)).toContain("minimal_load.py");
      const bad = run(slo, ["plan", join(tmp, "no-such-project")], tmp);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    },
    20 * minute,
  );

  it(
    "the oldest Node that engines allows runs the installed slo, the engine included",
    () => {
      // The lower bound of `engines`, as a Node from the npm registry (the `node` package).
      const engines = JSON.parse(readFileSync("package.json", "utf8")).engines.node as string;
      const bound = /^>=(\d+)\.(\d+)$/.exec(engines);
      expect(bound, `engines.node ${engines}: expected >=MAJOR.MINOR`).not.toBeNull();
      const oldest = join(tmp, "oldest-node");
      ok("npm", ["install", "--prefix", oldest, `node@${bound?.[1]}.${bound?.[2]}.0`, ...npm], tmp);
      const path = [join(oldest, "node_modules", ".bin"), env.PATH].join(delimiter);
      expect(ok("node", ["--version"], tmp, path).trim()).toBe(`v${bound?.[1]}.${bound?.[2]}.0`);
      const slo = join(tmp, "prefix", "bin", "slo");
      const minimal = join(clone, "examples/minimal");
      const validated = run(slo, ["validate", minimal], tmp, path);
      expect(validated.status).toBe(0);
      expect(validated.stderr, "no warning from Node on stderr").toBe("");
      // The engine's state is node:sqlite, which this Node still calls experimental.
      const starlake = join(tmp, "starlake-ok");
      writeFileSync(starlake, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
      const state = join(tmp, "state", "state.db");
      const ran = run(
        slo,
        ["run", minimal, "--pipeline", "minimal_load", "--starlake", starlake, "--state", state],
        tmp,
        path,
      );
      expect(ran.status, ran.stderr).toBe(0);
      expect(ran.stderr).not.toMatch(/ExperimentalWarning/);
      expect(existsSync(state)).toBe(true);
      const bad = run(slo, ["plan", join(tmp, "no-such-project")], tmp, path);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    },
    20 * minute,
  );
});
