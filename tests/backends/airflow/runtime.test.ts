import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AIRFLOW_RUNTIME } from "../../../src/backends/airflow/generated/runtime.js";
import { renderAirflowDag } from "../../../src/backends/airflow/render-dag.js";
import { formatPython, lintPython } from "../../../src/backends/python/format.js";
import { PipelineBuilder } from "../../../src/builder/pipeline-builder.js";

const RUNTIME = "src/backends/airflow/runtime";
const python = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".py"));

describe("the Python runtime of Airflow DAG files (src/backends/airflow/runtime)", () => {
  it("is inlined as it is on disk (scripts/inline-python.mjs --check)", () => {
    execFileSync(process.execPath, ["scripts/inline-python.mjs", "--check"], {
      stdio: "pipe",
      timeout: 30_000,
    });
    const inlined = python(RUNTIME).filter((f) => !f.startsWith("_"));
    expect(Object.keys(AIRFLOW_RUNTIME).sort()).toEqual(inlined.sort());
    for (const f of inlined)
      expect(AIRFLOW_RUNTIME[f]).toBe(readFileSync(join(RUNTIME, f), "utf8"));
  });

  it("and its tests are formatted and lint-clean with the generated files' ruff rules", () => {
    for (const dir of [RUNTIME, "tests/python/airflow"])
      for (const f of python(dir)) {
        const text = readFileSync(join(dir, f), "utf8");
        expect(formatPython(text), `${dir}/${f}`).toBe(text);
        expect(lintPython(text), `${dir}/${f}`).toEqual([]);
      }
  });

  it("goes into a file only as far as the file uses it", () => {
    const plain = new PipelineBuilder({ id: "p", schedule: "0 2 * * *" });
    plain
      .start()
      .before(plain.load({ domain: "d", table: "t" }))
      .before(plain.end());
    const small = renderAirflowDag(plain.build(), "x");
    for (const name of [
      "sl_root",
      "sl_starlake",
      "sl_scheduled_date",
      "sl_stamp_outlets",
      "sl_link",
    ])
      expect(small).toContain(`def ${name}(`);
    for (const name of ["sl_ready", "sl_aligned", "sl_sentinel_scope", "sl_before_load"])
      expect(small).not.toContain(`def ${name}(`);
    expect(small).not.toContain("class StarlakePreloadSensor");
    expect(small).not.toMatch(/^import (re|shlex|errno|stat)$/m);

    const gated = new PipelineBuilder({ id: "p" });
    const check = gated.preload({
      domain: "d",
      tables: ["t"],
      strategy: "ack",
      sentinel: "/s/__SL_SENTINEL_SCOPE__.notready",
      sensor: { pokeInterval: 1, timeout: 2, softFail: false },
    });
    if (check === undefined) throw new Error("a pre-load check with a strategy");
    gated.start().before(check).before(gated.end());
    const big = renderAirflowDag(gated.build(), "x");
    expect(big).toContain("class StarlakePreloadSensor(BashSensor):");
    expect(big).toContain("def sl_sentinel_scope(");
    expect(big).toMatch(/^import re$/m);
    expect(big).toMatch(/^import shlex$/m);
    expect(big).toContain("from airflow.sdk.exceptions import AirflowFailException");
    for (const text of [small, big]) expect(lintPython(text)).toEqual([]);
  });
});

describe("sl_link calls", () => {
  it("come in flow order: each after the calls that reach its upstreams", () => {
    const b = new PipelineBuilder({ id: "p" });
    // start -> z -> y -> x -> d.a -> end: each name sorts before the one upstream of it
    b.start()
      .before(b.load({ domain: "d", table: "z" }))
      .before(b.load({ domain: "d", table: "y" }))
      .before(b.load({ domain: "d", table: "x" }))
      .before(b.transform({ name: "d.a" }))
      .before(b.end());
    const lines = renderAirflowDag(b.build(), "x")
      .split("\n")
      .filter((l) => l.trimStart().startsWith("sl_link("));
    expect(lines.map((l) => l.trim())).toEqual([
      "sl_link([t_start], [t_load_d_z])",
      "sl_link([t_load_d_z], [t_load_d_y])",
      "sl_link([t_load_d_y], [t_load_d_x])",
      "sl_link([t_load_d_x], [t_d_a])",
      "sl_link([t_d_a], [t_end])",
    ]);
  });
});
