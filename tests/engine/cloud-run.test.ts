import { execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envDag } from "../helpers/cloud-projects.js";
import { baseProject, fixture } from "../helpers/fixture.js";
import { type FakeGoogle, startFakeGoogle } from "../support/fake-google/server.js";

// `slo run` (the built CLI) runs Cloud Run pipelines through @google-cloud/run against the fake
// Cloud Run v2 API on 127.0.0.1 (no emulator exists): one execution per attempt with the argv and
// variables as overrides, a failed execution failing its task.

const BIN = resolve("dist/cli/bin.js");
const JOB = "projects/my-project/locations/europe-west4/jobs";
let fake: FakeGoogle;

beforeAll(async () => {
  fake = await startFakeGoogle({ checksBeforeDone: 1 });
  fake.failWhenever(({ request }) =>
    String(request.name).endsWith("/jobs/failing-job") ? "the container exited with 1" : undefined,
  );
});
afterAll(async () => fake?.stop());

function project(job: string, extra: Record<string, string> = {}, slEnv?: string): string {
  const options = {
    cloud_run_job_name: job,
    cloud_run_project_id: "my-project",
    cloud_run_job_region: "europe-west4",
    cloud_run_async: "true",
    cloud_run_async_poke_interval: "1",
    retry_delay_in_seconds: "0",
    ...extra,
  };
  return fixture(
    baseProject({
      "metadata/dags/load_all.sl.yml": envDag(
        "load",
        "cloud_run",
        "load_{{domain}}.py",
        options,
        slEnv,
      ),
    }),
  );
}

/** `slo run` as a child, asynchronously: the fake answers from this process. */
function slo(
  dir: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, "run", dir, ...args],
      {
        encoding: "utf8",
        timeout: 120_000,
        env: { PATH: process.env.PATH ?? "", HOME: dir, SLO_GOOGLE_API_ENDPOINT: fake.endpoint },
      },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function attemptLog(dir: string, task: string, n: number): string {
  const logs = join(dir, ".slo", "logs");
  const run = readdirSync(logs).find((d) => d.startsWith("load_shop__")) ?? "";
  return readFileSync(join(logs, run, `${task}.${n}.log`), "utf8");
}

const tasksOf = (stdout: string) =>
  Object.fromEntries(
    (
      JSON.parse(stdout) as {
        runs: { tasks: { taskId: string; state: string; note?: string | null }[] }[];
      }
    ).runs[0]?.tasks.map((t) => [t.taskId, [t.state, t.note ?? ""]]) ?? [],
  );

const runJobsOf = (job: string) =>
  fake.requestsOf("RunJob").filter((r) => r.name === `${JOB}/${job}`) as {
    name: string;
    overrides: { containerOverrides: { args: string[]; env?: unknown }[] };
  }[];

describe("the engine runs Cloud Run job executions", () => {
  it("runs one execution per task with the argv and variables as overrides", async () => {
    const dir = project("starlake-job");
    const r = await slo(dir, [
      "--pipeline",
      "load_shop",
      "--date",
      "2024-03-05T02:00:00Z",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const seen = runJobsOf("starlake-job");
    expect(seen).toHaveLength(2);
    for (const table of ["orders", "customers"])
      expect(seen).toContainEqual({
        name: `${JOB}/starlake-job`,
        overrides: {
          containerOverrides: [
            {
              args: [
                "load",
                "--scheduledDate",
                "2024-03-05T02:00:00+0000",
                "--domains",
                "shop",
                "--tables",
                table,
                "--options",
                "SL_ROOT=/srv/p",
              ],
              env: [{ name: "SL_ROOT", value: "/srv/p" }],
            },
          ],
        },
      });
    expect(tasksOf(r.stdout)).toMatchObject({
      load_shop_orders: ["success", ""],
      load_shop_customers: ["success", ""],
    });
    // the execution's name (Cloud Run's id) and the attempt's own, in the attempt's log
    expect(attemptLog(dir, "load_shop_orders", 1)).toMatch(
      new RegExp(
        `started Cloud Run execution ${JOB}/starlake-job/executions/starlake-job-[0-9a-f]{5} \\(attempt load_shop_orders-[0-9a-f]{12}-1\\)`,
      ),
    );
  }, 120_000);

  it("fails a task whose execution fails, retries it as a new execution; no variables, no env override", async () => {
    const dir = project("failing-job", { cloud_run_async: "false" }, "{}");
    const r = await slo(dir, ["--pipeline", "load_shop", "--retries", "1", "--json"]);
    expect(r.code).toBe(1);
    expect(tasksOf(r.stdout)).toMatchObject({
      load_shop_orders: ["failed", "exit code 1"],
      load_shop_customers: ["failed", "exit code 1"],
    });
    const seen = runJobsOf("failing-job");
    expect(seen).toHaveLength(4); // two tasks, each tried twice
    for (const s of seen) expect(s.overrides.containerOverrides[0]).not.toHaveProperty("env");
    const log = attemptLog(dir, "load_shop_orders", 2);
    expect(log).toMatch(/Cloud Run execution \S+ failed: the container exited with 1/);
    const first = /started Cloud Run execution (\S+)/.exec(attemptLog(dir, "load_shop_orders", 1));
    const second = /started Cloud Run execution (\S+)/.exec(log);
    expect(first?.[1]).toBeTruthy();
    expect(second?.[1]).not.toBe(first?.[1]);
  }, 120_000);

  it("a stopped run cancels its executions; no credentials ever reach the test endpoint", async () => {
    fake.checksBeforeDone = 1_000_000; // executions that do not end by themselves
    try {
      const dir = project("long-job");
      const child = spawn(process.execPath, [BIN, "run", dir, "--pipeline", "load_shop"], {
        env: { PATH: process.env.PATH ?? "", HOME: dir, SLO_GOOGLE_API_ENDPOINT: fake.endpoint },
        stdio: "ignore",
        timeout: 120_000,
      });
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      const polled = () =>
        fake.calls.filter(
          (c) =>
            c.method.endsWith("/GetExecution") && String(c.request.name).includes("/long-job/"),
        ).length >= 2;
      for (let i = 0; i < 600 && !polled(); i++) await new Promise((r) => setTimeout(r, 100));
      child.kill("SIGTERM");
      expect(await exited).toBe(130);
      const started = runJobsOf("long-job");
      expect(started).toHaveLength(2);
      const cancelled = fake.requestsOf("CancelExecution").map((r) => String(r.name));
      const names = ["load_shop_orders", "load_shop_customers"].map(
        (t) => /started Cloud Run execution (\S+)/.exec(attemptLog(dir, t, 1))?.[1],
      );
      expect(cancelled.filter((n) => n.includes("/long-job/")).sort()).toEqual([...names].sort());
      expect(attemptLog(dir, "load_shop_orders", 1)).toContain("cancelled Cloud Run execution");
    } finally {
      fake.checksBeforeDone = 1;
    }
    // plaintext and anonymous: not a single call carried an authorization header
    expect(fake.calls.length).toBeGreaterThan(0);
    expect(fake.calls.filter((c) => c.metadata && "authorization" in c.metadata)).toEqual([]);
  }, 120_000);
});
