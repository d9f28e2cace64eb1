// slo cancel / mark / retry, slo run --task / --retries / --resume (no run), and what a failed
// task prints: slo (dist/) runs as a child where a holder is needed, in-process otherwise.
import { type ChildProcess, spawn } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requestControl, settleControl } from "../../src/engine/control-store.js";
import { StateStore } from "../../src/engine/state-store.js";
import { runCli } from "../helpers/cli.js";
import { STAND_IN } from "../helpers/engine.js";

const BIN = resolve("dist/cli/bin.js");
let dir: string;
let project: string;
let state: string;
const children: ChildProcess[] = [];
const pids: number[] = [];
const saved = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slo-controls-"));
  project = join(dir, "minimal");
  state = join(dir, "state.db");
  cpSync("examples/minimal", project, { recursive: true });
  process.env.SLO_RECORD = join(dir, "record.jsonl");
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `slo run` of the load pipeline as a child (at most 120 s), with the stand-in told `plan`. */
function holder(plan: Record<string, unknown>): {
  child: ChildProcess;
  exit: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    [BIN, "run", project, "--pipeline", "minimal_load", "--starlake", STAND_IN, "--state", state],
    {
      env: { ...process.env, STANDIN_PLAN: JSON.stringify(plan) },
      stdio: "ignore",
      timeout: 120_000,
    },
  );
  children.push(child);
  return { child, exit: new Promise((done) => child.once("exit", (code) => done(code))) };
}

/** The pid a grandchild wrote, once written (at most 20 s). */
async function grandchildPid(file: string): Promise<number> {
  for (let i = 0; i < 800; i++) {
    if (existsSync(file) && readFileSync(file, "utf8").endsWith("\n")) {
      const pid = Number(readFileSync(file, "utf8"));
      pids.push(pid);
      return pid;
    }
    await pause(25);
  }
  throw new Error(`no pid in ${file}`);
}

function onlyRun(): { id: string; state: string; tasks: Record<string, string> } {
  const store = new StateStore(state);
  try {
    const run = store.runs(1)[0];
    if (run === undefined) throw new Error("no run");
    const tasks = Object.fromEntries(store.tasks(run.id).map((t) => [t.taskId, t.state]));
    return { id: run.id, state: run.state, tasks };
  } finally {
    store.close();
  }
}

describe("slo cancel", () => {
  it("cancels a run slo run holds: its process groups stop, slo run exits 1, the run is cancelled", async () => {
    const pidFile = join(dir, "sleeper.pid");
    const run = holder({ plants: { shell: `sleep 120 & echo $! > ${pidFile}; wait` } });
    const sleeper = await grandchildPid(pidFile);
    const r = await runCli(["cancel", onlyRun().id, "--project", project, "--state", state]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^run minimal_load__\S+: cancelled \(by pid \d+, which runs it\)\n$/);
    expect(r.code).toBe(0);
    expect(await run.exit).toBe(1);
    expect(alive(sleeper)).toBe(false);
    expect(onlyRun().state).toBe("cancelled");
  }, 60_000);

  it("cancels a run whose slo run was killed (-9): the attempt its launcher still runs is stopped", async () => {
    const pidFile = join(dir, "sleeper.pid");
    const run = holder({ plants: { shell: `sleep 120 & echo $! > ${pidFile}; wait` } });
    const sleeper = await grandchildPid(pidFile);
    run.child.kill("SIGKILL");
    await run.exit;
    expect(alive(sleeper)).toBe(true); // the attempt outlives its engine
    const runs = await runCli(["runs", project, "--state", state]);
    expect(runs.stdout).toMatch(
      /interrupted: the slo run of \S+ has 1 run\(s\) to finish and 0 pipeline\(s\) not started \(none\); resume them all with slo run \S+ --resume --state \S+\n$/,
    );
    const r = await runCli(["cancel", onlyRun().id, "--project", project, "--state", state]);
    expect(r.stdout).toMatch(/^run minimal_load__\S+: cancelled\n$/);
    expect(alive(sleeper)).toBe(false);
    expect(onlyRun()).toMatchObject({
      state: "cancelled",
      tasks: { load_garden_plants: "failed" },
    });
    // the invocation's only run has ended (cancelled: exit 1), nothing runs again
    const again = await runCli(["run", project, "--resume", "--state", state]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^run minimal_load__\S+ \(minimal_load\): cancelled$/m);
    expect(again.stderr).not.toContain("load_garden_plants: failed"); // no log tail for a cancel
    const after = await runCli(["run", project, "--resume", "--state", state]);
    expect(after.stderr).toMatch(/holds no interrupted slo run to resume/);
  }, 60_000);

  it("a cancel its holder applied just before it was killed (-9) is finished by --resume, or by slo cancel", async () => {
    for (const finisher of ["resume", "cancel"]) {
      state = join(dir, `state-${finisher}.db`);
      const pidFile = join(dir, `sleeper-${finisher}.pid`);
      const run = holder({ plants: { shell: `sleep 120 & echo $! > ${pidFile}; wait` } });
      const sleeper = await grandchildPid(pidFile);
      run.child.kill("SIGKILL");
      await run.exit;
      // what the holder's turn had committed: the cancel applied, the attempt not yet stopped
      const id = onlyRun().id;
      const store = new StateStore(state);
      try {
        store.transaction(() => {
          const request = requestControl(store, id, null, "cancel");
          settleControl(store, request, "cancelled (by pid 1, which runs it)");
          for (const t of store.tasks(id))
            if (t.state === "running" || t.state === "queued")
              store.updateTask(id, t.taskId, {
                state: t.state === "running" ? "failed" : "skipped",
                note: "cancelled",
              });
        });
      } finally {
        store.close();
      }
      expect(alive(sleeper)).toBe(true);
      const args =
        finisher === "resume"
          ? ["run", project, "--resume", id, "--state", state]
          : ["cancel", id, "--state", state];
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(finisher === "resume" ? 1 : 0);
      expect(alive(sleeper), finisher).toBe(false);
      expect(onlyRun().state, finisher).toBe("cancelled");
      const after = new StateStore(state);
      try {
        expect(
          after.attempts(id).every((a) => a.state !== "running"),
          finisher,
        ).toBe(true);
      } finally {
        after.close();
      }
      rmSync(join(dir, "logs"), { recursive: true, force: true }); // the next one's run has the same id
    }
  }, 90_000);

  it("names what is wrong: no state, no run, no such task, no --success/--failed", async () => {
    const none = await runCli(["cancel", "r", "--project", project]);
    expect(none).toMatchObject({ code: 2, stdout: "" });
    expect(none.stderr).toBe(
      `error[bad_input]: no engine state at ${join(project, ".slo", "state.db")}: nothing has run yet\n`,
    );
    process.env.STANDIN_PLAN = "{}";
    expect((await runCli(["run", project, "--starlake", STAND_IN, "--state", state])).code).toBe(0);
    const run = onlyRun().id;
    const noRun = await runCli(["cancel", "nope", "--state", state]);
    expect(noRun.stderr).toBe(`error[bad_input]: no run nope in ${state}; see slo runs\n`);
    const noTask = await runCli(["retry", run, "nope", "--state", state]);
    expect(noTask.stderr).toBe(`error[bad_input]: run ${run}: the run has no task nope\n`);
    const noFlag = await runCli(["mark", run, "end", "--state", state]);
    expect(noFlag.stderr).toBe(
      `error[bad_input]: slo mark ${run} end: expected --success or --failed\n`,
    );
    expect([noRun.code, noTask.code, noFlag.code]).toEqual([2, 2, 2]);
  }, 60_000);
});

describe("slo run --resume with no run named", () => {
  it("after Ctrl-C, says what is left, then finishes the run and starts the pipelines not started", async () => {
    const pidFile = join(dir, "sleeper.pid");
    let stderr = "";
    const child = spawn(
      process.execPath,
      [BIN, "run", project, "--starlake", STAND_IN, "--state", state],
      {
        env: {
          ...process.env,
          STANDIN_PLAN: JSON.stringify({
            plants: { shell: `sleep 120 & echo $! > ${pidFile}; wait` },
          }),
        },
        stdio: ["ignore", "ignore", "pipe"],
        timeout: 120_000,
      },
    );
    children.push(child);
    child.stderr?.on("data", (d) => {
      stderr += String(d);
    });
    const exit = new Promise((done) => child.once("exit", (code) => done(code)));
    await grandchildPid(pidFile);
    child.kill("SIGINT");
    expect(await exit).toBe(130);
    expect(stderr).toContain(
      `interrupted: 1 run to finish, 2 pipelines not started; resume them all with slo run ${project} --resume --state ${state}\n`,
    );
    process.env.STANDIN_PLAN = "{}";
    const r = await runCli(["run", project, "--resume", "--starlake", STAND_IN, "--state", state]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^run \S+ \(\S+\): success$/gm)).toHaveLength(3);
    const store = new StateStore(state);
    try {
      expect(store.runs().map((x) => x.state)).toEqual(["success", "success", "success"]);
    } finally {
      store.close();
    }
  }, 60_000);
});

describe("slo retry and slo mark on a run slo run holds", () => {
  it("retry runs a task waiting 300 s for its retry now; mark failed fails its pipeline", async () => {
    const run = holder({ plants: { failFirst: 1 }, waterings: { sleep: 120 } });
    for (let i = 0; i < 800; i++) {
      const store = new StateStore(state);
      const waiting =
        store.runs(1)[0] && store.tasks(store.runs(1)[0]?.id ?? "").some((t) => t.failures === 1);
      store.close();
      if (waiting) break;
      await pause(25);
    }
    const id = onlyRun().id;
    const retried = await runCli(["retry", id, "load_garden_plants", "--state", state]);
    expect(retried.stdout).toMatch(/: queued to run now \(by pid \d+, which runs it\)\n$/);
    const marked = await runCli([
      "mark",
      id,
      "load_garden_waterings",
      "--failed",
      "--state",
      state,
    ]);
    expect(marked.stdout).toMatch(/: marked failed \(by pid \d+, which runs it\)\n$/);
    expect(await run.exit).toBe(1);
    expect(onlyRun().tasks).toEqual({
      start: "success",
      load_garden_plants: "success",
      load_garden_waterings: "failed",
      end: "upstream_failed",
    });
  }, 60_000);
});

describe("slo run --task, --retries, and a failed task's log", () => {
  it("--task runs one task of one pipeline, its upstreams taken as done", async () => {
    process.env.STANDIN_PLAN = "{}";
    const r = await runCli([
      "run",
      project,
      "--pipeline",
      "minimal_load",
      "--task",
      "load_garden_waterings",
      "--starlake",
      STAND_IN,
      "--state",
      state,
    ]);
    expect(r.code).toBe(0);
    const keys = readFileSync(join(dir, "record.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).key);
    expect(keys).toEqual(["waterings", "waterings"]); // its start and its end, nothing else
    expect(onlyRun().tasks).toEqual({ load_garden_waterings: "success" });
    const alone = await runCli(["run", project, "--task", "x", "--state", state]);
    expect(alone.stderr).toBe(
      "error[bad_input]: --task x: name the task's pipeline with one --pipeline (and no --resume)\n",
    );
    const missing = await runCli(["run", project, "--pipeline", "minimal_load", "--task", "x"]);
    expect(missing.stderr).toBe(
      'error[bad_input]: --task "x": pipeline minimal_load has no such task; its tasks: start, load_garden_plants, load_garden_waterings, end\n',
    );
    const bad = await runCli(["run", project, "--retries", "-1"]);
    expect(bad.stderr).toBe(
      "error[bad_input]: --retries -1: expected a count of retries (0 or more)\n",
    );
  }, 60_000);

  it("--retries 0 fails at once; the failure prints its log's last lines (controls shown as ?) and the slo logs command", async () => {
    const starlake = join(dir, "starlake");
    writeFileSync(
      starlake,
      `#!/bin/sh\nfor i in $(seq 1 15); do echo "line $i"; done\nprintf 'boom \\033[31mred\\n'\nexit 3\n`,
    );
    chmodSync(starlake, 0o755);
    const r = await runCli([
      "run",
      project,
      "--pipeline",
      "minimal_load",
      "--retries",
      "0",
      "--starlake",
      starlake,
      "--state",
      state,
    ]);
    expect(r.code).toBe(1);
    const run = onlyRun().id;
    const log = join(dir, "logs", run, "load_garden_plants.1.log");
    const block = [
      `${run} load_garden_plants: failed (exit code 3); the last lines of ${log}:`,
      ...Array.from({ length: 9 }, (_, i) => `  | line ${i + 7}`),
      "  | boom ?[31mred",
      `  all of it: slo logs ${run} load_garden_plants --project ${project} --state ${state}`,
    ].join("\n");
    // said once, under the task's line as it fails (not again after the summary)
    expect(r.stderr).toContain(`load_garden_plants: failed (exit code 3)\n${block}\n`);
    expect(r.stderr.split(block)).toHaveLength(2);
    // with --json (no progress lines), after the runs
    const json = await runCli([
      "run",
      project,
      "--pipeline",
      "minimal_load",
      "--retries",
      "0",
      "--starlake",
      starlake,
      "--state",
      state,
      "--json",
    ]);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(
      /^\S+ load_garden_plants: failed \(exit code 3\); the last lines of /,
    );
    expect(json.stderr).toContain("  | boom ?[31mred\n  all of it: slo logs ");
  }, 60_000);
});
