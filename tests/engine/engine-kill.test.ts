// The kill property of the CLI, beside engine-crash.test.ts (which kills the engine in process
// form at fixed moments): `kill -9` of `slo run`, `slo run --resume` and `slo serve` at random
// moments, the launchers killed with it in some trials, on the 14-task pipeline.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EngineWorkspace } from "../helpers/engine.js";
import { mulberry32 as random } from "../helpers/seeded-random.js";

const SEED = Number(process.env.SLO_KILL_SEED ?? 20261206);
/** Trials are started while the budget lasts (at least MIN_TRIALS, at most MAX_TRIALS). */
const BUDGET_MS = Number(process.env.SLO_KILL_BUDGET_MS ?? 110_000);
const MIN_TRIALS = 6;
const MAX_TRIALS = 40;
// SLO_KILL_BIN: another build of slo to try the property on (an older one fails it)
const BIN = resolve(process.env.SLO_KILL_BIN ?? "dist/cli/bin.js");
const PROJECT = resolve("examples/bakery");
const PIPELINE = "bakery_insights_with_deps"; // 12 commands, a fan-in and a chain

let ws: EngineWorkspace | undefined;
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  ws?.close();
});

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

class Slo {
  readonly exit: Promise<Exit>;
  constructor(
    readonly child: ChildProcess,
    readonly stderr: { text: string },
  ) {
    this.exit = new Promise((done) =>
      child.once("exit", (code, signal) => done({ code, signal, stderr: stderr.text })),
    );
  }

  /** kill -9 of slo; with `launchers`, of its bash launchers too (its direct children). */
  kill(launchers: boolean): void {
    const pids = launchers
      ? execFileSync("sh", ["-c", `pgrep -P ${this.child.pid} || true`], {
          encoding: "utf8",
          timeout: 10_000,
        })
          .split("\n")
          .filter((l) => l.length > 0)
          .map(Number)
      : [];
    this.child.kill("SIGKILL");
    for (const pid of pids)
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
  }
}

function slo(args: string[], env: NodeJS.ProcessEnv): Slo {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 120_000,
  });
  started.push(child);
  const stderr = { text: "" };
  child.stderr?.on("data", (d) => {
    stderr.text += String(d);
  });
  return new Slo(child, stderr);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("embedded engine: kill -9 at random moments of slo run, --resume and serve (property)", () => {
  it("never an internal error, never a success run twice, no dataset event lost", async () => {
    const rand = random(SEED);
    const begin = Date.now();
    let trials = 0;
    const seen = { interrupted: 0, serve: 0, launchers: 0 };
    for (; trials < MAX_TRIALS; trials++) {
      if (trials >= MIN_TRIALS && Date.now() - begin > BUDGET_MS) break;
      // the first trial is the issue's: 0.4 s commands, 2 at once, killed 2.5 s after the start
      const first = trials === 0;
      const trial = {
        seed: SEED,
        trial: trials,
        sleep: first ? 0.4 : Number((0.1 + rand() * 0.3).toFixed(2)),
        killAt: first ? 2500 : Math.round(rand() * 3000),
        // most kills are timed from the moment the run exists, others from the start of slo
        fromRun: !first && rand() < 0.75,
        resumeKills: first ? 0 : Math.floor(rand() * 3),
        serve: !first && rand() < 0.35,
        launchers: !first && rand() < 0.25,
        moments: Array.from({ length: 3 }, () => Math.round(200 + rand() * 2500)),
      };
      // SLO_KILL_TRIAL=n replays only trial n of the seed (the draws before it are the same)
      if (process.env.SLO_KILL_TRIAL !== undefined && Number(process.env.SLO_KILL_TRIAL) !== trials)
        continue;
      const outcome = await killTrial(trial);
      if (outcome.interrupted) seen.interrupted++;
      if (trial.serve) seen.serve++;
      if (trial.launchers) seen.launchers++;
    }
    console.log(`kill property: seed ${SEED}, ${trials} trials`, seen);
    if (process.env.SLO_KILL_TRIAL !== undefined) return;
    // the property was exercised: most kills left a run to finish, each kind of trial was drawn
    expect(seen.interrupted, `seed ${SEED}`).toBeGreaterThanOrEqual(Math.ceil(trials / 2));
    expect(seen.serve, `seed ${SEED}`).toBeGreaterThan(0);
    expect(seen.launchers, `seed ${SEED}`).toBeGreaterThan(0);
  }, 300_000);
});

interface Trial {
  readonly seed: number;
  readonly trial: number;
  readonly sleep: number;
  readonly killAt: number;
  readonly fromRun: boolean;
  readonly resumeKills: number;
  readonly serve: boolean;
  readonly launchers: boolean;
  readonly moments: readonly number[];
}

/**
 * One trial: `slo run` killed at `killAt`, then `--resume` (or `slo serve`) killed `resumeKills`
 * times at `moments`, then finished; every exit is checked, then the commands and events.
 */
async function killTrial(t: Trial): Promise<{ interrupted: boolean }> {
  ws?.close();
  const w = new EngineWorkspace();
  ws = w;
  const label = JSON.stringify(t);
  const record = join(w.dir, "commands");
  const standIn = join(w.dir, "starlake");
  writeFileSync(
    standIn,
    `#!/bin/sh\necho "start $*" >>"$KILL_RECORD"\nsleep ${t.sleep}\necho "end $*" >>"$KILL_RECORD"\n`,
  );
  chmodSync(standIn, 0o755);
  // retries: an attempt whose launcher was killed with the engine is lost, then retried
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KILL_RECORD: record,
    retries: t.launchers ? "4" : "0",
    retry_delay: "0",
  };
  delete env.SLO_DEBUG;
  const common = ["--starlake", standIn, "--state", w.store.path, "--concurrency", "2"];
  const exits: Exit[] = [];
  const run = slo(
    ["run", PROJECT, "--pipeline", PIPELINE, "--date", "2026-03-02T06:00:00Z", ...common],
    env,
  );
  if (t.fromRun)
    for (let i = 0; i < 600 && w.store.runs(1).length === 0 && run.child.exitCode === null; i++)
      await pause(25);
  await pause(t.killAt);
  run.kill(t.launchers);
  exits.push(await run.exit);
  const runId = w.store.runs(1).at(0)?.id;
  if (runId === undefined) return { interrupted: false }; // killed before the run existed
  const interrupted = w.store.run(runId)?.state === "running";
  const again = () =>
    t.serve
      ? slo(["serve", PROJECT, "--pipeline", PIPELINE, ...common], env)
      : slo(["run", PROJECT, ...common, "--resume", runId], env);
  for (let k = 0; k < t.resumeKills; k++) {
    const resumed = again();
    await pause(t.moments[k] ?? 500);
    resumed.kill(t.launchers);
    exits.push(await resumed.exit);
  }
  const last = again();
  if (t.serve) {
    for (let i = 0; i < 1200 && w.store.run(runId)?.state === "running"; i++) await pause(50);
    // Ctrl-C stops serve cleanly once it has said it started (its handler is set by then); a
    // SIGINT before that is Node's default, death by the signal, which is not what is tested here
    for (let i = 0; i < 600 && !last.stderr.text.includes("slo serve:"); i++) {
      if (last.child.exitCode !== null) break;
      await pause(50);
    }
    last.child.kill("SIGINT");
  }
  const end = await last.exit;
  exits.push(end);
  for (const e of exits) {
    expect(e.code, `${label}: ${e.stderr}`).not.toBe(70);
    expect(e.stderr, label).not.toMatch(/internal error/);
  }
  expect(end.code, `${label}: ${end.stderr}`).toBe(0);
  checkRun(w, runId, record, t.launchers, label);
  return { interrupted };
}

/** Every command succeeded once (or only after lost attempts); every dataset event is there once. */
function checkRun(
  w: EngineWorkspace,
  runId: string,
  record: string,
  launchers: boolean,
  label: string,
) {
  expect(w.store.run(runId)?.state, label).toBe("success");
  const plan = w.store.runPlan(runId)?.pipeline;
  const lines = readFileSync(record, "utf8").split("\n");
  for (const task of plan?.tasks ?? []) {
    if (task.command === undefined) continue;
    // the table or transform names the command (the line has the whole argv)
    const at = task.command.findIndex((a) => a === "--tables" || a === "--name");
    const key = ` ${task.command[at]} ${task.command[at + 1]} `;
    const ends = lines.filter((l) => l.startsWith("end ") && `${l} `.includes(key)).length;
    const attempts = w.store.attempts(runId, task.id);
    const lost = attempts.filter((a) => a.state === "lost").length;
    expect(attempts.at(-1)?.exitCode, `${label} ${task.id}`).toBe(0);
    // an attempt whose launcher died may have run to its end: it is the only one that may repeat
    expect(ends, `${label} ${task.id}`).toBeGreaterThanOrEqual(1);
    expect(ends, `${label} ${task.id}`).toBeLessThanOrEqual(launchers ? lost + 1 : 1);
    if (!launchers) expect(lost, `${label} ${task.id}`).toBe(0);
  }
  const produced = (plan?.tasks ?? []).filter((t) => t.produces !== undefined);
  const events = w.store.datasetEvents().filter((e) => e.runId === runId);
  expect(events.map((e) => e.taskId).sort(), label).toEqual(produced.map((t) => t.id).sort());
}
