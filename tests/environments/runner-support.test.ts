import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { dagster } from "../../src/backends/dagster/dagster-orchestrator.js";
import { planProject } from "../../src/compile/plan-project.js";
import { checkRunnable } from "../../src/engine/engine.js";
import { registerEnvironment } from "../../src/environments/registry.js";
import { ConfigError } from "../../src/errors.js";
import { formatDiagnostic } from "../../src/pipeline/diagnostic.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { runCli } from "../helpers/cli.js";
import { envDag, envProject } from "../helpers/cloud-projects.js";
import { baseProject, fixture } from "../helpers/fixture.js";

type Env = "shell" | "cloud_run" | "dataproc" | "fargate" | "k8s_test";

registerEnvironment({
  name: "k8s_test",
  optionKeys: ["k8s_namespace"],
  settings: (o) => ({ settings: { namespace: o.k8s_namespace ?? "default" }, diagnostics: [] }),
});

/** What each runner honours today: every other pair must be a located error naming all three. */
const SUPPORTED: Readonly<Record<string, readonly Env[]>> = {
  engine: ["shell", "cloud_run", "dataproc", "fargate"],
  airflow: ["shell", "cloud_run", "dataproc", "fargate"],
  dagster: ["shell", "cloud_run", "dataproc", "fargate"],
};

const RUNNERS: Readonly<Record<string, (ps: readonly Pipeline[]) => unknown>> = {
  // the engine checks that SL_ROOT is a folder of this machine: give it one
  engine: (ps) =>
    checkRunnable(
      ps.map((p) => ({ ...p, environment: { ...p.environment, slRoot: tmpdir() } })),
      { baseEnv: { PATH: "" }, starlake: "/bin/true" },
    ),
  airflow: (ps) => airflow.render(ps, { source: "t" }),
  dagster: (ps) => dagster.render(ps, { source: "t" }),
};

async function pipelinesIn(env: Env): Promise<readonly Pipeline[]> {
  const files =
    env === "k8s_test"
      ? baseProject({
          "metadata/dags/load_all.sl.yml": envDag("load", "shell", "load_{{domain}}.py").replace(
            "__shell.py.j2",
            "__k8s_test.py.j2",
          ),
          "metadata/dags/transform_each.sl.yml": envDag(
            "transform",
            "shell",
            "t_{{domain}}_{{table}}.py",
          ).replace("__shell.py.j2", "__k8s_test.py.j2"),
        })
      : envProject(env);
  const r = await planProject(fixture(files), { vars: { SL_ROOT: "/srv/p" }, env: {} });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.pipelines;
}

function failure(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.diagnostics).toHaveLength(1);
    return formatDiagnostic(e.diagnostics[0] as never);
  }
}

describe("every (runner, execution environment) pair: honoured, or a located error", () => {
  const envs: Env[] = ["shell", "cloud_run", "dataproc", "fargate", "k8s_test"];
  for (const runner of Object.keys(RUNNERS))
    for (const env of envs) {
      const supported = SUPPORTED[runner]?.includes(env);
      it(`${runner} × ${env}: ${supported ? "runs it" : "refuses it"}`, async () => {
        const pipelines = await pipelinesIn(env);
        const load = pipelines.filter((p) => p.id === "load_shop");
        const message = failure(() => RUNNERS[runner]?.(load));
        if (supported) {
          expect(message).toBeUndefined();
          return;
        }
        // the dag config's template line, the config, the environment and the runner
        expect(message).toBe(
          `metadata/dags/load_all.sl.yml:3:13: error[unsupported_environment]: dag config load_all (pipeline load_shop): execution environment ${env} is not supported by the ${runner} runner; it supports ${SUPPORTED[runner]?.join(", ")}`,
        );
      });
    }
});

/** The cloud project with a pre-load check on its loads. */
function withPreloadCheck(env: "fargate" | "dataproc"): Record<string, string> {
  const files = envProject(env);
  files["metadata/dags/load_all.sl.yml"] =
    `${files["metadata/dags/load_all.sl.yml"]?.trimEnd()}\n    pre_load_strategy: imported\n`;
  return files;
}

describe("Airflow and Dagster refuse what a cloud environment cannot do yet", () => {
  for (const runner of ["airflow", "dagster"] as const)
    it(`${runner}: a pre-load check in a cloud environment is a located error naming it`, async () => {
      const r = await planProject(fixture(withPreloadCheck("fargate")), {
        vars: { SL_ROOT: "/srv/p" },
        env: {},
      });
      const load = r.pipelines.filter((p) => p.id === "load_shop");
      expect(failure(() => RUNNERS[runner]?.(load))).toBe(
        `metadata/dags/load_all.sl.yml:3:13: error[unsupported_environment]: dag config load_all (pipeline load_shop): execution environment fargate with a pre-load check (pre_load_strategy) is not supported by the ${runner} runner; it supports shell, cloud_run, dataproc, fargate`,
      );
    });
});

describe("the CLI says it in one line, exit 2, and writes nothing", () => {
  it("generate for Dagster refuses a Dataproc pre-load check", async () => {
    const checked = fixture(withPreloadCheck("dataproc"));
    const out = join(checked, "out");
    const generate = await runCli(["generate", checked, "--orchestrator", "dagster", "--out", out]);
    expect(generate.code).toBe(2);
    const lines = generate.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(
      /^metadata\/dags\/load_all\.sl\.yml:3:13: error\[unsupported_environment\]: dag config load_all \(pipeline load_shop\): execution environment dataproc with a pre-load check \(pre_load_strategy\) is not supported by the dagster runner; it supports shell, cloud_run, dataproc, fargate$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("run on the engine refuses a pre-load check in a cloud environment", async () => {
    // the check tells "nothing to load" by Starlake's exit code and a local marker file
    const real = await runCli([
      "run",
      fixture(withPreloadCheck("dataproc")),
      "--pipeline",
      "load_shop",
    ]);
    expect(real.code).toBe(2);
    expect(real.stderr.trim().split("\n").at(-1)).toBe(
      "metadata/dags/load_all.sl.yml:3:13: error[unsupported_environment]: dag config load_all (pipeline load_shop): execution environment dataproc with a pre-load check (pre_load_strategy) is not supported by the engine runner; it supports shell, cloud_run, dataproc, fargate",
    );
  });
});
