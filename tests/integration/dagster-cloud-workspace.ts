import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { renderDagsterDefinitions } from "../../src/backends/dagster/render-definitions.js";
import { planProject } from "../../src/compile/plan-project.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { type CloudName, envProject } from "../helpers/cloud-projects.js";
import { fixture } from "../helpers/fixture.js";

/** What run_job.py prints of a run: its outcome, each step's last status and attempts. */
export interface CloudRun {
  success: boolean;
  steps: Record<string, string>;
  attempts: Record<string, number>;
  materialized: Array<{ key: string; metadata: Record<string, unknown> }>;
  messages: Array<[string, string]>;
}

const run = promisify(execFile);

let venv: string | undefined;

/** The cached `dagster-cloud` environment: Dagster 1.13 with dagster-aws, dagster-gcp and the Google and AWS clients. */
export function dagsterCloudEnv(): string {
  venv ??= execFileSync("bash", ["scripts/python-env.sh", "dagster-cloud"], {
    encoding: "utf8",
    timeout: 900_000,
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  return venv;
}

// Values from people we don't know: what the container must get verbatim, as data (no shell).
const WEIRD = "a'b\"c $(touch /tmp/slo-pwned) `id` {{not_a_var}} café \\ end\n";
/** Starlake variables with hostile values ({% raw %}: slo renders an option's Jinja first). */
export const HOSTILE_ENV = JSON.stringify({
  SL_ROOT: "s3://b/p",
  SL_WEIRD: WEIRD.replace("{{not_a_var}}", "{% raw %}{{not_a_var}}{% endraw %}"),
  SL_CR: "a\rb\r\nc",
});

/** `[{name, value}]` of a pipeline's Starlake variables in name order: a container's environment. */
export const envList = (env: Readonly<Record<string, string>>) =>
  Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name] }));

/** The generated definitions of the test project in one cloud environment, in a scratch folder. */
export class CloudWorkspace {
  readonly work = mkdtempSync(join(tmpdir(), "slo-dagster-cloud-"));
  readonly file = join(this.work, "definitions.py");
  pipelines: readonly Pipeline[] = [];

  /** Plans the project of tests/helpers/cloud-projects.ts in `env` with these options, and writes its module. */
  async setUp(
    env: CloudName,
    options: Readonly<Record<string, string>>,
    slEnv?: string,
  ): Promise<void> {
    const r = await planProject(fixture(envProject(env, options, slEnv)), {
      vars: { SL_ROOT: "/srv/p" },
      env: {},
    });
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) throw new Error(JSON.stringify(errors));
    this.pipelines = r.pipelines;
    writeFileSync(this.file, renderDagsterDefinitions(r.pipelines, `cloud ${env}`));
  }

  /** Writes the module of pipelines planned elsewhere (changed by a test: a timeout). */
  setUpPipelines(pipelines: readonly Pipeline[]): void {
    this.pipelines = pipelines;
    writeFileSync(this.file, renderDagsterDefinitions(pipelines, "cloud"));
  }

  pipeline(id: string): Pipeline {
    const p = this.pipelines.find((x) => x.id === id);
    if (p === undefined) throw new Error(`no pipeline ${id}`);
    return p;
  }

  /** `dagster definitions validate`: its exit code and everything it printed. */
  validate(env: Readonly<Record<string, string>> = {}): { code: number; output: string } {
    // both streams, also on success: Dagster and Python print their warnings on stderr
    const r = spawnSync(
      join(dagsterCloudEnv(), "bin/dagster"),
      ["definitions", "validate", "-f", this.file],
      {
        cwd: this.work,
        env: { ...this.env(), ...env },
        encoding: "utf8",
        timeout: 300_000,
        killSignal: "SIGKILL",
      },
    );
    if (r.error) throw r.error;
    return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
  }

  /** Real ruff on the module (`format --check`, `check`), isolated from any configuration: its output, empty when clean. */
  ruff(): string {
    const out: string[] = [];
    for (const args of [
      ["format", "--isolated", "--check"],
      ["check", "--isolated"],
    ]) {
      const r = spawnSync(join(dagsterCloudEnv(), "bin/ruff"), [...args, this.file], {
        encoding: "utf8",
        timeout: 60_000,
        killSignal: "SIGKILL",
      });
      if (r.status !== 0) out.push(`${r.stdout}${r.stderr}`);
    }
    return out.join("\n");
  }

  /** Imports the module as a code location does, every warning shown (load_defs.py): its stderr and job count. */
  load(): { warnings: string; jobs: number } {
    const r = spawnSync(
      join(dagsterCloudEnv(), "bin/python"),
      ["-W", "always", resolve("tests/integration/dagster/load_defs.py"), this.file],
      {
        cwd: this.work,
        env: this.env(),
        encoding: "utf8",
        timeout: 300_000,
        killSignal: "SIGKILL",
      },
    );
    if (r.error) throw r.error;
    const line = r.stdout.split("\n").find((l) => l.startsWith("SLO_RESULT "));
    if (r.status !== 0 || line === undefined)
      throw new Error(`load_defs.py: ${r.stdout}${r.stderr}`);
    return { warnings: r.stderr, jobs: (JSON.parse(line.slice(11)) as { jobs: number }).jobs };
  }

  /**
   * Runs a job in process (tests/integration/dagster/run_job.py) with `env` (the fake cloud's
   * endpoint). Asynchronous: a fake server inside this test process must be free to answer.
   */
  async runJob(
    job: string,
    tags: Record<string, string>,
    env: Readonly<Record<string, string>>,
  ): Promise<CloudRun> {
    const { stdout } = await run(
      join(dagsterCloudEnv(), "bin/python"),
      [resolve("tests/integration/dagster/run_job.py"), this.file, job, JSON.stringify(tags)],
      {
        cwd: this.work,
        env: { ...this.env(), ...env },
        encoding: "utf8",
        maxBuffer: 1 << 26,
        timeout: 300_000,
        killSignal: "SIGKILL",
      },
    );
    const line = stdout.split("\n").find((l) => l.startsWith("SLO_RESULT "));
    if (line === undefined) throw new Error(`no result from run_job.py: ${stdout.slice(-2000)}`);
    return JSON.parse(line.slice(11)) as CloudRun;
  }

  /** The process environment without any real cloud's: no credentials or endpoints leak in. */
  private env(): NodeJS.ProcessEnv {
    const kept = Object.entries(process.env).filter(
      ([k]) => !/^(AWS_|GOOGLE_|CLOUDSDK_|DAGSTER_HOME$|SL_ROOT$|SL_STARLAKE_PATH$)/.test(k),
    );
    return { ...Object.fromEntries(kept), PYTHONDONTWRITEBYTECODE: "1" };
  }

  tearDown(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}
