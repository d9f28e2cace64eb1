import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DAGSTER_RUNTIME_FILES } from "../../../src/backends/dagster/generated/runtime.js";
import { renderDagsterDefinitions } from "../../../src/backends/dagster/render-definitions.js";
import { formatPython, lintPython } from "../../../src/backends/python/format.js";
import { SHARED_RUNTIME } from "../../../src/backends/python/generated/runtime.js";
import { pyString } from "../../../src/backends/python/literal.js";
import { runtimeUnits } from "../../../src/backends/python/runtime-units.js";
import { PipelineBuilder } from "../../../src/builder/pipeline-builder.js";
import { UNMATCHED_PYTHON } from "../../../src/starlake/file-pattern.js";

const FOLDERS: Array<[string, Readonly<Record<string, string>>]> = [
  ["src/backends/dagster/runtime", DAGSTER_RUNTIME_FILES],
  ["src/backends/python/runtime", SHARED_RUNTIME],
];
const python = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".py"));

describe("the Python runtime of Dagster definitions (src/backends/dagster/runtime)", () => {
  it("is inlined as it is on disk (scripts/inline-python.mjs --check)", () => {
    execFileSync(process.execPath, ["scripts/inline-python.mjs", "--check"], {
      stdio: "pipe",
      timeout: 30_000,
    });
    for (const [dir, inlined] of FOLDERS) {
      const files = python(dir).filter((f) => !f.startsWith("_"));
      expect(Object.keys(inlined).sort()).toEqual(files.sort());
      for (const f of files) expect(inlined[f]).toBe(readFileSync(join(dir, f), "utf8"));
    }
  });

  it("and its tests are formatted and lint-clean with the generated files' ruff rules", () => {
    for (const dir of [...FOLDERS.map(([d]) => d), "tests/python/dagster"])
      for (const f of python(dir)) {
        const text = readFileSync(join(dir, f), "utf8");
        expect(formatPython(text), `${dir}/${f}`).toBe(text);
        expect(lintPython(text), `${dir}/${f}`).toEqual([]);
      }
  });

  it("skips the file names the engine skips (the class of file-pattern.ts)", () => {
    expect(SHARED_RUNTIME["return_load_files.py"]).toContain(
      `_SL_UNMATCHED = re.compile(\n    ${pyString(UNMATCHED_PYTHON)}\n)`,
    );
  });

  it("goes into every definitions file whole but the cloud runners, each definition once", () => {
    // every step runs through one op function that reaches the whole runtime, the load helper
    // included (a load's recovery is data): a file holds all of it, but for the runners of the
    // cloud environments (cloud.py, fargate.py, cloud_run.py, dataproc.py), which only the files
    // of pipelines in those environments hold (tests/golden/dagster-cloud)
    const b = new PipelineBuilder({ id: "p", schedule: "0 2 * * *" });
    b.start()
      .before(b.transform({ name: "d.t" }))
      .before(b.end());
    const text = renderDagsterDefinitions([b.build()], "x");
    const cloud = ["cloud.py", "fargate.py", "cloud_run.py", "dataproc.py"];
    const files = Object.fromEntries(
      Object.entries({ ...DAGSTER_RUNTIME_FILES, ...SHARED_RUNTIME }).filter(
        ([file]) => !cloud.includes(file),
      ),
    );
    for (const file of cloud) expect(Object.keys(DAGSTER_RUNTIME_FILES)).toContain(file);
    expect(text).not.toMatch(/^import boto3|^from google|^def _run_fargate/m);
    const names = runtimeUnits(files).map((u) => u.name);
    expect(names).toContain("_command");
    expect(names).toContain("sl_return_load_files");
    for (const name of names) {
      const defined = new RegExp(`^(def ${name}\\(|${name} = )`, "gm");
      expect(text.match(defined)?.length, name).toBe(1);
    }
    expect(lintPython(text)).toEqual([]);
  });
});
