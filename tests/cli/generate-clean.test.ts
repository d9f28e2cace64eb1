import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fixture } from "../helpers/fixture.js";

const minimal = "examples/minimal";
// where the project lives on the workers: no machine-path warning, so stderr says only problems
const onWorkers = ["--var", "SL_ROOT=/srv/minimal"];
const ids = ["minimal_load", "minimal_plant_count", "minimal_thirsty_plants"];

describe("slo generate --clean", () => {
  it("with --pipeline, leaves the other pipelines' files in place", async () => {
    const out = fixture({});
    const all = await runCli([
      ...["generate", minimal, "--orchestrator", "airflow", "--out", out],
      ...onWorkers,
    ]);
    expect(all.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([".slo-manifest.json", ...ids.map((i) => `${i}.py`)]);

    const one = await runCli([
      ...["generate", minimal, "--orchestrator", "airflow", "--out", out],
      ...["--pipeline", "minimal_load", "--clean"],
      ...onWorkers,
    ]);
    expect(one.stderr).toBe("");
    expect(one.stdout).toBe(`${out}: 0 written, 1 unchanged, 0 removed\n`);
    for (const id of ids) expect(existsSync(join(out, `${id}.py`))).toBe(true);
  });

  it("removes the selected pipeline's stale files, and every stale file without --pipeline", async () => {
    const out = fixture({});
    const gen = ["generate", minimal, "--orchestrator", "airflow", "--out", out];
    expect((await runCli(gen)).code).toBe(0);
    // A pipeline that has since left the project: its file is listed in the manifest.
    const manifest = join(out, ".slo-manifest.json");
    // And a file minimal_load wrote once and writes no more.
    writeFileSync(join(out, "gone.py"), "# old\n");
    writeFileSync(join(out, "minimal_load_v1.py"), "# old\n");
    writeFileSync(
      manifest,
      JSON.stringify({
        generator: "starlake-orchestration",
        orchestrator: "airflow",
        files: ["gone.py", "minimal_load_v1.py", ...ids.map((i) => `${i}.py`)],
        owners: { "gone.py": ["gone"], "minimal_load_v1.py": ["minimal_load"] },
      }),
    );
    const partial = await runCli([...gen, "--pipeline", "minimal_load", "--clean"]);
    expect(partial.stdout).toBe(`${out}: 0 written, 1 unchanged, 1 removed\n`);
    expect(existsSync(join(out, "minimal_load_v1.py"))).toBe(false);
    expect(existsSync(join(out, "gone.py"))).toBe(true);
    const whole = await runCli([...gen, "--clean"]);
    expect(whole.stdout).toBe(`${out}: 0 written, 3 unchanged, 1 removed\n`);
    expect(existsSync(join(out, "gone.py"))).toBe(false);
  });
});
