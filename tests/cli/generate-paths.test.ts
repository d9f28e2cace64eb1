import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { baseProject, fixture } from "../helpers/fixture.js";

/**
 * Issue 17: where the project and Starlake live on the workers. The runs themselves are in
 * tests/integration/portable-output.test.ts; here, what `slo generate` writes and says.
 */
const project = () =>
  fixture(
    baseProject({
      "metadata/dags/load_all.sl.yml": [
        "version: 1",
        "dag:",
        '  template: "load/airflow__scheduled_table__shell.py.j2"',
        '  filename: "load_{{domain}}.py"',
        "  options:",
        '    sl_env_var: \'{"SL_ROOT": "{{SL_ROOT}}", "SL_DATASETS": "{{SL_ROOT}}/datasets"}\'',
        '    SL_STARLAKE_PATH: "{{SL_ROOT}}/bin/starlake"',
        "    pre_load_strategy: imported",
        "",
      ].join("\n"),
    }),
  );

/** The exported variables a test sets, put back afterwards. */
const saved = { SL_ROOT: process.env.SL_ROOT, SL_STARLAKE_PATH: process.env.SL_STARLAKE_PATH };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function generate(root: string, target: string, ...args: string[]) {
  delete process.env.SL_ROOT;
  const out = join(root, `out-${target}`);
  const r = await runCli(["generate", root, "--orchestrator", target, "--out", out, ...args]);
  const files = existsSync(out)
    ? readdirSync(out)
        .filter((f) => f.endsWith(".py"))
        .map((f) => readFileSync(join(out, f), "utf8"))
    : [];
  return { ...r, files };
}

describe("slo generate and the paths of this machine", () => {
  for (const target of ["airflow", "dagster"]) {
    it(`${target}: one warning for all files when they default to the project folder`, async () => {
      const root = project();
      const r = await generate(root, target);
      expect(r.code).toBe(0);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^warning: ${r.files.length} of ${r.files.length} generated files hold ${root}, a path of this machine.*--var SL_ROOT=.*--sl-root-relative`,
        ),
      );
      // the project folder appears only as the default: every other place reads the worker's
      for (const text of r.files) {
        const count = text.split(root).length - 1;
        expect(count).toBe(target === "airflow" ? 1 : 3); // the dagster module: one per pipeline
      }
    });

    it(`${target}: SL_ROOT from --var or the environment is the workers' default, no warning`, async () => {
      const root = project();
      const byVar = await generate(root, target, "--var", "SL_ROOT=/opt/team/p");
      process.env.SL_ROOT = "/opt/team/p";
      const out = join(root, `out-${target}`);
      const byEnv = await runCli(["generate", root, "--orchestrator", target, "--out", out]);
      expect([byVar.code, byEnv.code]).toEqual([0, 0]);
      expect([byVar.stderr, byEnv.stderr]).toEqual(["", ""]);
      expect(byEnv.stdout).toMatch(/0 written, \d+ unchanged/); // the same files both ways
      for (const text of byVar.files) {
        expect(text).not.toContain(root);
        expect(text).toMatch(/(SL_ROOT_DEFAULT = |"root": )"\/opt\/team\/p"/);
        expect(text.split("/opt/team/p").length - 1).toBe(target === "airflow" ? 1 : 3);
      }
    });

    it(`${target}: --sl-root-relative writes no path of this machine`, async () => {
      const root = project();
      const r = await generate(root, target, "--sl-root-relative", "..");
      expect(r.stderr).toBe("");
      for (const text of r.files) {
        expect(text).not.toContain(root);
        expect(text).not.toContain(process.cwd());
      }
    });

    it(`${target}: the generating machine's SL_STARLAKE_PATH stays there`, async () => {
      const root = project();
      process.env.SL_STARLAKE_PATH = "/home/me/starlake/starlake";
      const r = await generate(root, target, "--sl-root-relative", "..");
      expect(r.code).toBe(0);
      const all = r.files.join("\n");
      expect(all).not.toContain("/home/me/starlake");
      // the dag config's executable, under the project, follows the worker's project folder
      expect(all).toContain(
        target === "airflow"
          ? 'SL_STARLAKE_DEFAULT = (None, "/bin/starlake")'
          : '"starlake": (("root",), "/bin/starlake")',
      );
      expect(all).toContain(
        target === "airflow" ? 'SL_STARLAKE_DEFAULT = ("starlake",)' : '"starlake": "starlake"',
      );
    });
  }

  it("refuses a relative SL_ROOT and an absolute --sl-root-relative, writing nothing", async () => {
    const root = project();
    for (const [args, message] of [
      [
        ["--var", "SL_ROOT=p"],
        /^error\[bad_input\]: SL_ROOT="p" \(--var\): expected an absolute path, .*--sl-root-relative$/,
      ],
      [
        ["--sl-root-relative", "/srv/p"],
        /^error\[bad_input\]: --sl-root-relative "\/srv\/p": expected a relative path/,
      ],
    ] as const) {
      const r = await generate(root, "airflow", ...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(message);
      expect(r.files).toEqual([]);
    }
    process.env.SL_ROOT = "relative/p";
    const out = join(root, "out-env");
    const r = await runCli(["generate", root, "--orchestrator", "airflow", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SL_ROOT="relative\/p" \(environment\): expected an absolute path/);
    expect(existsSync(out)).toBe(false);
  });
});
