import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonEnv } from "./python-env.js";

/** One backend's Python runtime, its pytest folder, and the environment that runs them. */
export interface PythonRuntime {
  readonly name: string;
  readonly env: "airflow" | "dagster";
  /** The orchestrator's home variable, pointed at a temporary folder. */
  readonly homeVariable: string;
  /** The runtime's folders, and its tests' (`tests/python/<backend>`) last. */
  readonly folders: readonly string[];
}

/**
 * A backend's Python runtime under its pytest unit tests and real ruff, in its cached
 * environment. Nothing is written into the repository: no bytecode, no pytest or ruff cache.
 */
export function describePythonRuntime(runtime: PythonRuntime): void {
  let venv = "";
  let home = "";
  beforeAll(() => {
    venv = pythonEnv(runtime.env);
    home = mkdtempSync(join(tmpdir(), `slo-${runtime.env}-runtime-`));
  }, 900_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const run = (program: string, args: readonly string[]) => {
    const r = spawnSync(join(venv, "bin", program), args, {
      encoding: "utf8",
      timeout: 300_000,
      killSignal: "SIGKILL",
      env: { ...process.env, [runtime.homeVariable]: home, PYTHONDONTWRITEBYTECODE: "1" },
    });
    if (r.error) throw r.error;
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  };

  describe(`the ${runtime.name} runtime in Python`, () => {
    it("passes its pytest unit tests", () => {
      const tests = runtime.folders.at(-1) as string;
      const r = run("python", ["-m", "pytest", "-q", "-p", "no:cacheprovider", tests]);
      expect(r.status, r.output).toBe(0);
      expect(r.output).toMatch(/\b\d+ passed\b/);
      // pytest's summary: nothing failed, errored or skipped
      expect(r.output).not.toMatch(/\b\d+ (failed|errors?|skipped)\b/);
    });

    it("is formatted and lint-clean with real ruff (the generated files' rules)", () => {
      const rules = ["--line-length", "88", "--no-cache"];
      const format = run("ruff", ["format", "--check", ...rules, ...runtime.folders]);
      expect(format.status, format.output).toBe(0);
      const lint = ["--extend-select", "E,W,I", "--ignore", "E501"];
      const check = run("ruff", ["check", ...rules, ...lint, ...runtime.folders]);
      expect(check.status, check.output).toBe(0);
    });
  });
}
