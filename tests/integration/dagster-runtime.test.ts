import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonEnv } from "../helpers/python-env.js";

/**
 * The Python runtime of the generated Dagster definitions (src/backends/dagster/runtime) and the
 * load helper it shares with Airflow (src/backends/python/runtime), under their pytest unit tests
 * (tests/python/dagster) and real ruff, in the cached Dagster 1.13 environment. Nothing is
 * written into the repository: no bytecode, no pytest or ruff cache.
 */
const FOLDERS = [
  "src/backends/dagster/runtime",
  "src/backends/python/runtime",
  "tests/python/dagster",
];
let venv = "";
let home = "";
beforeAll(() => {
  venv = pythonEnv("dagster");
  home = mkdtempSync(join(tmpdir(), "slo-dagster-runtime-"));
}, 900_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

function run(program: string, args: readonly string[]) {
  const r = spawnSync(join(venv, "bin", program), args, {
    encoding: "utf8",
    timeout: 300_000,
    killSignal: "SIGKILL",
    env: { ...process.env, DAGSTER_HOME: home, PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe("the Dagster runtime in Python", () => {
  it("passes its pytest unit tests", () => {
    const r = run("python", [
      "-m",
      "pytest",
      "-q",
      "-p",
      "no:cacheprovider",
      "tests/python/dagster",
    ]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/\b\d+ passed\b/);
    // pytest's summary: nothing failed, errored or skipped
    expect(r.output).not.toMatch(/\b\d+ (failed|errors?|skipped)\b/);
  });

  it("is formatted and lint-clean with real ruff (the generated files' rules)", () => {
    const rules = ["--line-length", "88", "--no-cache"];
    const format = run("ruff", ["format", "--check", ...rules, ...FOLDERS]);
    expect(format.status, format.output).toBe(0);
    const lint = ["--extend-select", "E,W,I", "--ignore", "E501"];
    const check = run("ruff", ["check", ...rules, ...lint, ...FOLDERS]);
    expect(check.status, check.output).toBe(0);
  });
});
