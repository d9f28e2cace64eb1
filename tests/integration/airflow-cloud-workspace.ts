import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { starlakeArgv } from "../../src/starlake/command-line.js";
import { type CLOUD_OPTIONS, envProject } from "../helpers/cloud-projects.js";
import { fixture } from "../helpers/fixture.js";
import { pythonEnv } from "../helpers/python-env.js";
import { type FakeGoogle, startFakeGoogle } from "../support/fake-google/server.js";
import {
  type FargateSetup,
  fargateSetup,
  type MotoServer,
  setTaskProgression,
  startMoto,
} from "../support/moto-server.js";

const run = promisify(execFile);
const venv = () => pythonEnv("airflow-cloud");

export interface Run {
  state: string;
  tasks: Record<string, string>;
  log: string;
}

/**
 * Real Airflow 3.3 with the Google and Amazon providers (the airflow-cloud environment, SQLite in
 * a scratch AIRFLOW_HOME) beside the local fake of Google's APIs, reached through its
 * sitecustomize, and moto's ECS, with one ECS cluster whose orders loads exit with 1. The fake
 * answers from this process: every child process here is asynchronous.
 */
export class AirflowCloud {
  private readonly work = mkdtempSync(join(tmpdir(), "slo-airflow-cloud-runs-"));
  private readonly home = join(this.work, "home");
  fake!: FakeGoogle;
  moto!: MotoServer;
  ecs!: FargateSetup;
  /** The text a request must contain for the fake to fail the job it starts. */
  failing: string | undefined;

  async start(): Promise<void> {
    [this.fake, this.moto] = await Promise.all([startFakeGoogle(), startMoto()]);
    this.fake.failWhenever(({ request }) =>
      this.failing !== undefined && JSON.stringify(request).includes(this.failing)
        ? `container exited with 1 (${this.failing})`
        : undefined,
    );
    this.ecs = await fargateSetup(this.moto, {
      exitCode: 1,
      exitWhen: "--domains shop --tables orders",
    });
    await setTaskProgression(this.moto, "immediate");
    mkdirSync(this.home, { recursive: true });
    await run(join(venv(), "bin/airflow"), ["db", "migrate"], {
      env: this.env(),
      timeout: 300_000,
    });
  }

  async stop(): Promise<void> {
    await Promise.all([this.fake?.stop(), this.moto?.stop()]);
    rmSync(this.work, { recursive: true, force: true });
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const { SL_ROOT: _r, SL_STARLAKE_PATH: _s, ...rest } = process.env;
    return {
      ...rest,
      AIRFLOW_HOME: this.home,
      AIRFLOW__CORE__LOAD_EXAMPLES: "False",
      PYTHONPATH: resolve("tests/support/fake-google/python"),
      SLO_FAKE_GOOGLE: this.fake.endpoint,
      ...this.moto.env,
      ...extra,
    };
  }

  /** Plans the cloud project with these options and writes its Airflow files into their own folder. */
  async generate(
    name: string,
    env: keyof typeof CLOUD_OPTIONS,
    options: Record<string, string>,
    slEnv?: string,
  ): Promise<{ dir: string; pipelines: readonly Pipeline[] }> {
    const plan = await planProject(fixture(envProject(env, options, slEnv)), {
      vars: { SL_ROOT: "/srv/p" },
      env: {},
    });
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const dir = join(this.work, name);
    mkdirSync(dir, { recursive: true });
    for (const f of airflow.render(plan.pipelines, { source: name }))
      writeFileSync(join(dir, f.path), f.content);
    return { dir, pipelines: plan.pipelines };
  }

  /** `dag.test()` of one DAG (tests/integration/airflow/run_dag.py), asynchronously. */
  async runDag(dir: string, dagId: string, logical: string): Promise<Run> {
    const out = join(dir, `${dagId}-${logical.slice(0, 10)}.json`);
    let log = "";
    try {
      const r = await run(
        join(venv(), "bin/python"),
        ["tests/integration/airflow/run_dag.py", dir, dagId, logical, out],
        {
          env: this.env({ AIRFLOW__CORE__DAGS_FOLDER: dir }),
          timeout: 600_000,
          maxBuffer: 64 << 20,
        },
      );
      log = r.stdout + r.stderr;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`${dagId}: ${String(e)}\n${`${err.stdout}${err.stderr}`.slice(-4000)}`);
    }
    const result = JSON.parse(readFileSync(out, "utf8")) as Omit<Run, "log">;
    return { ...result, log };
  }

  /** The requests of one method the fake received after its call number `n`. */
  since(n: number, method: string): Record<string, unknown>[] {
    return this.fake.calls
      .slice(n)
      .filter((c) => c.method.endsWith(`/${method}`))
      .map((c) => c.request);
  }
}

export function pipelineOf(pipelines: readonly Pipeline[], id: string): Pipeline {
  const p = pipelines.find((x) => x.id === id);
  if (!p) throw new Error(`no pipeline ${id}`);
  return p;
}

/** The argv every runner gives Starlake, without the executable (the image's entry point). */
export function cloudArgv(p: Pipeline, taskId: string, scheduled: string, start: string): string[] {
  const t = p.tasks.find((x) => x.id === taskId);
  if (!t) throw new Error(`no task ${taskId}`);
  return starlakeArgv(t, p.environment.env, {
    scheduledDate: scheduled,
    interval: { start, end: scheduled },
  });
}
