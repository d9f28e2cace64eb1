import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { dagster } from "../../src/backends/dagster/dagster-orchestrator.js";
import { assetLineage } from "../../src/compile/asset-lineage.js";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { RECORDER, type Recorded } from "./airflow.js";
import { pythonEnv } from "./python-env.js";

export interface JobRun {
  success: boolean;
  steps: Record<string, string>;
  attempts: Record<string, number>;
  materialized: Array<{ key: string; metadata: Record<string, unknown> }>;
  /** The steps' captured stdout and stderr, with SLO_COMPUTE_LOGS=1 (else empty). */
  logs: string;
  /** The run's log messages that start with `slo:` (what the runtime says it did), with their step. */
  messages: Array<[string, string]>;
  records: Recorded[];
}

/** Generated Dagster definitions of a project in a scratch folder, run by real Dagster 1.13. */
export class DagsterWorkspace {
  readonly work = mkdtempSync(join(tmpdir(), "slo-dagster-"));
  readonly root = join(this.work, "root");
  readonly file = join(this.work, "definitions.py");
  readonly venv = pythonEnv("dagster");
  private runs = 0;
  pipelines: readonly Pipeline[] = [];
  /** The project's lineage by dataset URI, when set up from a project. */
  lineage: ReadonlyMap<string, readonly string[]> = new Map();

  /** Plans the project (SL_ROOT in the scratch folder, the recorder as starlake) and writes the module. */
  async setUp(
    project: string,
    env: Record<string, string> = {},
    vars: Record<string, string> = {},
  ): Promise<void> {
    mkdirSync(this.root, { recursive: true });
    const plan = await planProject(project, {
      vars: { SL_ROOT: this.root, ...vars },
      env: { SL_STARLAKE_PATH: RECORDER, ...env },
    });
    if (plan.pipelines.length === 0)
      throw new Error(`no pipelines: ${JSON.stringify(plan.diagnostics)}`);
    this.pipelines = plan.pipelines;
    if (plan.project) this.lineage = assetLineage(plan.project);
    const [file] = dagster.render(this.pipelines, { source: project, lineage: this.lineage });
    writeFileSync(this.file, file?.content ?? "");
  }

  /**
   * Writes the module of pipelines planned elsewhere: their slRoot and starlake become the
   * workspace's, unless `asPlanned` keeps them (to compare with another runner's records).
   */
  setUpPipelines(pipelines: readonly Pipeline[], asPlanned = false): void {
    mkdirSync(this.root, { recursive: true });
    this.pipelines = asPlanned
      ? pipelines
      : pipelines.map((p) => ({
          ...p,
          environment: {
            kind: "shell",
            env: p.environment.env,
            slRoot: this.root,
            starlakePath: RECORDER,
            includeEnvVars: [],
          },
        }));
    const [file] = dagster.render(this.pipelines, { source: "test" });
    writeFileSync(this.file, file?.content ?? "");
  }

  /** Takes a module `slo generate` wrote elsewhere. */
  writeModule(content: string): void {
    mkdirSync(this.root, { recursive: true });
    writeFileSync(this.file, content);
  }

  pipeline(id: string): Pipeline {
    const p = this.pipelines.find((x) => x.id === id);
    if (!p) throw new Error(`no pipeline ${id}`);
    return p;
  }

  /** `dagster definitions validate -f definitions.py`: its exit code and output. */
  validate(): { code: number; output: string } {
    try {
      const output = execFileSync(
        join(this.venv, "bin/dagster"),
        ["definitions", "validate", "-f", this.file],
        {
          cwd: this.work,
          env: this.env(),
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          timeout: 300_000,
        },
      );
      return { code: 0, output };
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      return { code: err.status, output: `${err.stdout}${err.stderr}` };
    }
  }

  /** What the loaded definitions hold (tests/integration/dagster/inspect_defs.py). */
  inspect(): {
    assets: Record<
      string,
      {
        group: string;
        deps: string[];
        executable: boolean;
        partitions: { cron: string; timezone: string; fmt: string } | null;
        automation: string | null;
      }
    >;
    jobs: Record<
      string,
      Record<
        string,
        {
          upstream: string[];
          op: string;
          retries: number;
          retry_delay: number | null;
          pool: string | null;
          tags: Record<string, string>;
        }
      >
    >;
    /** Per job, the executor's op limits per tag; null for Dagster's default executor. */
    limits: Record<string, Array<{ key: string; value: string; limit: number }> | null>;
    schedules: Record<string, { job: string; cron: string; timezone: string; status: string }>;
    sensors: Record<
      string,
      { kind: string; job: string | null; target: string[] | null; status: string }
    >;
  } {
    return this.python("tests/integration/dagster/inspect_defs.py", [this.file]);
  }

  /** Runs a job in process with the recorder; `exits` as SLO_FAKE_EXITS; `extraEnv` for the job. */
  runJob(
    job: string,
    tags: Record<string, string> = {},
    exits: Record<string, number | number[]> = {},
    extraEnv: Record<string, string> = {},
  ): JobRun {
    const record = join(this.work, `record-${++this.runs}.jsonl`);
    const result = this.python<Omit<JobRun, "records">>(
      "tests/integration/dagster/run_job.py",
      [this.file, job, JSON.stringify(tags)],
      { SLO_RECORD: record, SLO_FAKE_EXITS: JSON.stringify(exits), ...extraEnv },
    );
    const records = existsSync(record)
      ? readFileSync(record, "utf8")
          .trim()
          .split("\n")
          .filter((l) => l.length > 0)
          .map((l) => JSON.parse(l) as Recorded)
      : [];
    return { ...result, records };
  }

  /** Real Ruff on the generated module; throws on any finding. */
  ruff(args: readonly string[]): void {
    execFileSync(join(this.venv, "bin/ruff"), [...args, this.file], {
      stdio: "pipe",
      timeout: 60_000,
    });
  }

  python<T>(script: string, args: string[], env: Record<string, string> = {}): T {
    const out = execFileSync(join(this.venv, "bin/python"), [resolve(script), ...args], {
      cwd: this.work,
      env: { ...this.env(), ...env },
      encoding: "utf8",
      maxBuffer: 1 << 26,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 900_000, // a job may run the real Starlake CLI, a JVM per command
    });
    const line = out.split("\n").find((l) => l.startsWith("SLO_RESULT "));
    if (line === undefined) throw new Error(`no result from ${script}: ${out.slice(-2000)}`);
    return JSON.parse(line.slice(11)) as T;
  }

  private env(): NodeJS.ProcessEnv {
    // a worker's SL_ROOT and SL_STARLAKE_PATH win over the files' defaults: none from the caller
    const { DAGSTER_HOME: _, SL_ROOT: _r, SL_STARLAKE_PATH: _s, ...rest } = process.env;
    return { ...rest, PYTHONDONTWRITEBYTECODE: "1" };
  }

  tearDown(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}
