import { execFileSync } from "node:child_process";
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { airflow } from "../../src/backends/airflow/airflow-orchestrator.js";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline, Task } from "../../src/pipeline/pipeline.js";
import { type RunValues, starlakeArgv } from "../../src/starlake/command-line.js";
import { pythonEnv } from "./python-env.js";

/** The recording `starlake` stand-in: appends {argv, cwd, env} to $SLO_RECORD, exits as $SLO_FAKE_EXITS says. */
export const RECORDER = resolve("tests/integration/bin/starlake-recorder");

export interface Recorded {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface AirflowRun {
  state: string;
  tasks: Record<string, string>;
  asset_events: Array<{ uri: string; task: string; extra: Record<string, unknown> }>;
  records: Recorded[];
  /** What `dag.test()` printed: the task logs, as Airflow shows them when it runs a DAG in process. */
  output: string;
}

/** A scratch Airflow 3.3 (SQLite, temporary AIRFLOW_HOME) holding the DAG files generated from a project. */
export class AirflowWorkspace {
  readonly work = mkdtempSync(join(tmpdir(), "slo-airflow-"));
  readonly root = join(this.work, "root");
  readonly dags = join(this.work, "dags");
  private readonly home = join(this.work, "airflow-home");
  private readonly venv = pythonEnv("airflow");
  private runs = 0;
  pipelines: readonly Pipeline[] = [];

  /** Plans the project (SL_ROOT in the scratch folder, the recorder as starlake), writes the files, migrates the database. */
  async setUp(
    project: string,
    env: Record<string, string> = {},
    vars: Record<string, string> = {},
  ): Promise<void> {
    mkdirSync(this.root, { recursive: true });
    mkdirSync(this.dags, { recursive: true });
    const plan = await planProject(project, {
      vars: { SL_ROOT: this.root, ...vars },
      env: { SL_STARLAKE_PATH: RECORDER, ...env },
    });
    if (plan.pipelines.length === 0)
      throw new Error(`no pipelines: ${JSON.stringify(plan.diagnostics)}`);
    this.pipelines = plan.pipelines;
    for (const f of airflow.render(this.pipelines, { source: project }))
      writeFileSync(join(this.dags, f.path), f.content);
    this.migrate();
  }

  /** Takes the DAG files `slo generate` wrote elsewhere (copied into the dags folder); migrates the database. */
  setUpFiles(generated: string): void {
    mkdirSync(this.root, { recursive: true });
    cpSync(generated, this.dags, { recursive: true });
    this.migrate();
  }

  private migrate(): void {
    execFileSync(join(this.venv, "bin/airflow"), ["db", "migrate"], {
      env: this.env(),
      stdio: "ignore",
      timeout: 300_000,
    });
  }

  tearDown(): void {
    rmSync(this.work, { recursive: true, force: true });
  }

  pipeline(id: string): Pipeline {
    const p = this.pipelines.find((x) => x.id === id);
    if (!p) throw new Error(`no pipeline ${id}`);
    return p;
  }

  /** `dag.test()` of one DAG at a logical date; exit codes of the stand-in keyed by verb or verb:domain. */
  runDag(
    dagId: string,
    logicalDate: string,
    exits: Record<string, number | number[]> = {},
    extraEnv: Record<string, string> = {},
  ): AirflowRun {
    const n = ++this.runs;
    const record = join(this.work, `record-${n}.jsonl`);
    const out = join(this.work, `run-${n}.json`);
    const log = join(this.work, `run-${n}.log`);
    const fd = openSync(log, "w");
    try {
      execFileSync(
        join(this.venv, "bin/python"),
        ["tests/integration/airflow/run_dag.py", this.dags, dagId, logicalDate, out],
        {
          env: this.env({ SLO_RECORD: record, SLO_FAKE_EXITS: JSON.stringify(exits), ...extraEnv }),
          stdio: ["ignore", fd, fd],
          timeout: 900_000, // a DAG may run the real Starlake CLI, a JVM per command
        },
      );
    } catch (e) {
      throw new Error(`${dagId}: ${String(e)}\n${readFileSync(log, "utf8").slice(-3000)}`);
    } finally {
      closeSync(fd);
    }
    const output = readFileSync(log, "utf8");
    rmSync(log, { force: true });
    const result = JSON.parse(readFileSync(out, "utf8")) as Omit<AirflowRun, "records" | "output">;
    const records: Recorded[] = existsSync(record)
      ? readFileSync(record, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Recorded)
      : [];
    return { ...result, records, output };
  }

  /** What Airflow sees when it loads the folder (tests/integration/airflow/inspect_dags.py). */
  inspect<T>(): T {
    const out = join(this.work, "view.json");
    execFileSync(
      join(this.venv, "bin/python"),
      ["tests/integration/airflow/inspect_dags.py", this.dags, out],
      {
        env: this.env(),
        stdio: "ignore",
        timeout: 300_000,
      },
    );
    return JSON.parse(readFileSync(out, "utf8")) as T;
  }

  /** Runs a Python file in the Airflow environment (the dags folder's settings); its stdout. */
  python(script: string, args: readonly string[]): string {
    return execFileSync(join(this.venv, "bin/python"), [script, ...args], {
      env: this.env(),
      encoding: "utf8",
      timeout: 300_000,
    });
  }

  ruff(args: readonly string[]): void {
    execFileSync(join(this.venv, "bin/ruff"), [...args, this.dags], {
      stdio: "pipe",
      timeout: 60_000,
    });
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    // a worker's SL_ROOT and SL_STARLAKE_PATH win over the files' defaults: none from the caller
    const { SL_ROOT: _r, SL_STARLAKE_PATH: _s, ...rest } = process.env;
    return {
      ...rest,
      AIRFLOW_HOME: this.home,
      AIRFLOW__CORE__DAGS_FOLDER: this.dags,
      AIRFLOW__CORE__LOAD_EXAMPLES: "False",
      ...extra,
    };
  }
}

/** The argv the IR says each task runs with: the same function the engine uses. */
export function expectedArgv(p: Pipeline, taskIds: readonly string[], run: RunValues): string[][] {
  return taskIds.map((id) =>
    starlakeArgv(p.tasks.find((t) => t.id === id) as Task, p.environment.env, run),
  );
}
