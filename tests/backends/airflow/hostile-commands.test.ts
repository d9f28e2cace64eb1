import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sensorCommand } from "../../../src/backends/airflow/bash-command.js";
import { jinjaSafe, shellWord } from "../../../src/backends/airflow/jinja-safe.js";
import { PipelineBuilder } from "../../../src/builder/pipeline-builder.js";
import type { Task } from "../../../src/pipeline/pipeline.js";

const work = mkdtempSync(join(tmpdir(), "slo-sensor-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A pre-load check in sensor mode, built without compile (so nothing validated its env). */
function sensorTask(): Task {
  const b = new PipelineBuilder({ id: "p" });
  b.preload({
    domain: "d",
    tables: ["t"],
    strategy: "imported",
    sensor: { pokeInterval: 1, timeout: 2, softFail: false },
  });
  return b.build().tasks.find((t) => t.kind === "preload") as Task;
}

/** A sensor command as Airflow renders it on a worker whose project is `root`. */
function onWorker(command: string, root: string, starlake: string): string {
  return command
    .replace("{{ sl_quote(sl_root()) }}", shellWord(root))
    .replace("{{ sl_quote(sl_starlake()) }}", shellWord(starlake));
}

/** Runs a sensor's bash command with a starlake that exits `code`; bash's exit code. */
function runSensor(env: Record<string, string>, code: number): number {
  const starlake = join(work, "starlake");
  writeFileSync(starlake, `#!/bin/sh\nexit ${code}\n`);
  chmodSync(starlake, 0o755);
  try {
    execFileSync("bash", ["-c", onWorker(sensorCommand(sensorTask(), env, work), work, starlake)], {
      stdio: "ignore",
      timeout: 10_000,
    });
    return 0;
  } catch (e) {
    return (e as { status: number }).status;
  }
}

describe("the pre-load sensor's bash command (issue 16)", () => {
  it("never runs a key of sl_env_var as shell, and fails (exit 2) instead of poking forever", () => {
    const pwned = join(work, "pwned");
    for (const key of [
      `a$(touch ${pwned})b`,
      `a\`touch ${pwned}\`b`,
      'q"uote',
      "s'ingle",
      "new\nline",
    ]) {
      expect(runSensor({ [key]: "v" }, 0), JSON.stringify(key)).toBe(2);
      expect(existsSync(pwned), JSON.stringify(key)).toBe(false);
    }
  });

  it("passes starlake's verdict through: 0 ready, 1 not yet; a missing SL_ROOT is an error", () => {
    const env = { SL_ROOT: work, SL_X: `it's "$(touch ${join(work, "pwned")})"` };
    expect(runSensor(env, 0)).toBe(0);
    expect(runSensor(env, 1)).toBe(1);
    expect(existsSync(join(work, "pwned"))).toBe(false);
    const missing = onWorker(
      sensorCommand(sensorTask(), {}, work),
      join(work, "no-such-folder"),
      "starlake",
    );
    expect(() =>
      execFileSync("bash", ["-c", missing], { stdio: "ignore", timeout: 10_000 }),
    ).toThrow(expect.objectContaining({ status: 2 }));
  });
});

describe("the worker's project folder (issue 17)", () => {
  it("is where the sensor runs and what its commands are told, whatever its name holds", () => {
    const odd = join(work, `it's $(touch pwned-root) "x" \`touch pwned-root\``);
    mkdirSync(odd);
    const starlake = join(work, "starlake-pwd");
    const seen = join(work, "seen");
    writeFileSync(starlake, `#!/bin/sh\npwd > '${seen}'\nprintf '%s\\n' "$@" >> '${seen}'\n`);
    chmodSync(starlake, 0o755);
    // generated where the project was /gen/p: the worker's folder replaces it, in env and argv
    const env = { SL_ROOT: "/gen/p", SL_DATASETS: "/gen/p/datasets" };
    const command = onWorker(sensorCommand(sensorTask(), env, "/gen/p"), odd, starlake);
    expect(command).not.toContain("/gen/p");
    execFileSync("bash", ["-c", command], { stdio: "ignore", timeout: 10_000 });
    const [cwd, ...argv] = readFileSync(seen, "utf8").trimEnd().split("\n");
    expect(cwd).toBe(odd);
    expect(argv.at(-1)).toBe(
      `SL_ROOT=${odd},SL_DATASETS=${odd}/datasets,SL_RUN_MODE=main,SL_LOG_LEVEL=info`,
    );
    for (const at of [work, odd, process.cwd()])
      expect(existsSync(join(at, "pwned-root")), at).toBe(false);
  });
});

describe("a sensor with a not-ready sentinel", () => {
  it("exports the run's sentinel scope itself (a sensor gets no operator env)", () => {
    const b = new PipelineBuilder({ id: "p" });
    b.preload({
      domain: "d",
      tables: ["t"],
      strategy: "ack",
      sentinel: "/s/d/__SL_SENTINEL_SCOPE__.notready",
      sensor: { pokeInterval: 1, timeout: 2, softFail: false },
    });
    const task = b.build().tasks.find((t) => t.kind === "preload") as Task;
    const command = sensorCommand(task, { SL_ROOT: "/r" }, "/r");
    expect(command).toContain(
      `export SL_ROOT="$SL_ROOT" SL_SENTINEL_SCOPE="{{ sl_sentinel_scope(dag_run) }}" || exit 2;`,
    );
    expect(command).toContain(`--notReadySentinel /s/d/"$SL_SENTINEL_SCOPE".notready`);
  });
});

describe("jinjaSafe", () => {
  it("leaves plain text alone and wraps what Jinja or Airflow would change", () => {
    expect(jinjaSafe("/srv/p")).toBe("/srv/p");
    expect(jinjaSafe("a\rb")).toBe('{{ "a\\rb" }}');
    expect(jinjaSafe("run.sh")).toBe('{{ "run.sh" }}');
    expect(jinjaSafe("run.bash")).toBe('{{ "run.bash" }}');
    expect(jinjaSafe("run.sh ")).toBe("run.sh ");
    expect(jinjaSafe('{{ x }} "q" \\')).toBe('{{ "{{ x }} \\"q\\" \\\\" }}');
  });
});

describe("the project path in generated headers", () => {
  it("stays one line and a valid, lint-clean docstring, whatever it holds", async () => {
    const { renderDagsterDefinitions } = await import(
      "../../../src/backends/dagster/render-definitions.js"
    );
    const { renderAirflowDag } = await import("../../../src/backends/airflow/render-dag.js");
    const { lintPython } = await import("../../../src/backends/python/format.js");
    const source = 'C:\\data\\d"x"\r\n\u2028{{ y }}';
    expect(lintPython(renderDagsterDefinitions([], source))).toEqual([]);
    const p = new PipelineBuilder({ id: "p" });
    p.start().before(p.end());
    expect(lintPython(renderAirflowDag(p.build(), source))).toEqual([]);
  });
});
