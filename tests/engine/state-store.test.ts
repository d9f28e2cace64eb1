import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { lastUnfinishedInvocation } from "../../src/engine/invocation.js";
import { executeRun } from "../../src/engine/run-executor.js";
import { Slots } from "../../src/engine/slots.js";
import { STATE_VERSION } from "../../src/engine/state-schema.js";
import { StateStore } from "../../src/engine/state-store.js";
import { ConfigError } from "../../src/errors.js";
import { runCli } from "../helpers/cli.js";
import { EngineWorkspace, testPipeline } from "../helpers/engine.js";

const FIXTURE = "tests/fixtures/engine-state/v1.sqlite";
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slo-state-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const version = (file: string) => {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
  } finally {
    db.close();
  }
};

describe("engine state: schema version", () => {
  it("a new state is stamped with the current version", () => {
    const store = new StateStore(join(dir, "state.db"));
    store.close();
    expect(version(join(dir, "state.db"))).toBe(STATE_VERSION);
  });

  it("the state written before versions existed (fixture) opens, migrates, and its runs read as before", () => {
    const file = join(dir, "state.db");
    copyFileSync(FIXTURE, file);
    expect(version(file)).toBe(0);
    const store = new StateStore(file);
    try {
      expect(version(file)).toBe(STATE_VERSION);
      expect(store.runs().map((r) => [r.pipeline, r.state])).toEqual([
        ["left", "running"],
        ["bad", "failed"],
        ["ok", "success"],
      ]);
      expect(store.datasetEvents().map((e) => e.uri)).toEqual(["ds_a", "ds_b"]);
      expect(store.getCursor("cron:ok")).toBe("2026-03-02T06:00:00.000Z");
      const ok = store.runs().find((r) => r.pipeline === "ok")?.id ?? "";
      expect(store.attempts(ok).map((a) => [a.taskId, a.state, a.exitCode, a.launcher])).toEqual([
        ["a", "done", 0, null],
        ["b", "done", 0, null],
      ]);
      expect(store.runPlan(ok)?.pipeline.environment.env).toEqual({ GREETING: "hello" });
    } finally {
      store.close();
    }
    // opened again: nothing to migrate, nothing changes
    new StateStore(file).close();
    expect(version(file)).toBe(STATE_VERSION);
  });

  it("every stored version's fixture opens at the current version with its runs", () => {
    for (const fixture of ["v1.sqlite", "v2.sqlite"]) {
      const file = join(dir, fixture);
      copyFileSync(join("tests/fixtures/engine-state", fixture), file);
      const store = new StateStore(file);
      try {
        expect(version(file), fixture).toBe(STATE_VERSION);
        expect(
          store
            .runs()
            .map((r) => r.state)
            .sort(),
          fixture,
        ).toEqual(["failed", "running", "success"]);
        expect(
          store.unfinishedRuns().map((r) => r.pipeline),
          fixture,
        ).toEqual(["left"]);
        // runs from before invocations were recorded belong to none; none is left to resume
        expect(
          store.runs().map((r) => r.invocation),
          fixture,
        ).toEqual([null, null, null]);
        expect(lastUnfinishedInvocation(store), fixture).toBeUndefined();
      } finally {
        store.close();
      }
    }
  });

  it("the fixture's interrupted run resumes: its attempt without a trace never ran, so it runs (numbered 2)", async () => {
    const file = join(dir, "state.db");
    copyFileSync(FIXTURE, file);
    const store = new StateStore(file);
    try {
      const left = store.unfinishedRuns()[0]?.id ?? "";
      // the folder its commands ran in was a temporary one
      const root = String(store.runPlan(left)?.pipeline.environment.settings.slRoot);
      mkdirSync(root, { recursive: true });
      onTestFinished(() => rmSync(root, { recursive: true, force: true }));
      // its executable, recorded with the run, is /bin/true
      const state = await executeRun(store, left, {
        baseEnv: { PATH: process.env.PATH },
        logsDir: join(dir, "logs"),
        slots: new Slots(2),
      });
      expect(state).toBe("success");
      expect(store.attempts(left).map((a) => [a.taskId, a.attempt, a.state, a.exitCode])).toEqual([
        ["a", 1, "unstarted", null],
        ["a", 2, "done", 0],
        ["b", 1, "done", 0],
      ]);
    } finally {
      store.close();
    }
  });

  it("a state of a newer version, or an SQLite file that is not ours, is refused without a write", async () => {
    const newer = join(dir, "newer.db");
    copyFileSync(FIXTURE, newer);
    const db = new DatabaseSync(newer);
    db.exec(`PRAGMA user_version = ${STATE_VERSION + 1}`);
    db.close();
    const before = readFileSync(newer);
    const r = await runCli(["runs", "--state", newer]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `error[bad_input]: ${newer}: engine state of schema version ${STATE_VERSION + 1}, written by a newer slo; this one reads versions up to ${STATE_VERSION} (upgrade slo, or use --state for another file)`,
    );
    expect(readFileSync(newer).equals(before)).toBe(true);
    const foreign = join(dir, "foreign.db");
    const other = new DatabaseSync(foreign);
    other.exec("CREATE TABLE invoices(id INTEGER)");
    other.close();
    const f = await runCli(["runs", "--state", foreign]);
    expect(f.code).toBe(2);
    expect(f.stderr.trim()).toMatch(/foreign\.db: not an slo engine state \(.*tables invoices\)/);
  });
});

describe("engine state: a file that cannot be used is bad input naming it", () => {
  const project = "examples/minimal";
  const run = (state: string) =>
    runCli(["run", project, "--starlake", "/bin/true", "--state", state]);

  it("a directory, a corrupt file, a file in a place that cannot be made", async () => {
    const cases: Array<[string, RegExp]> = [
      [dir, /cannot open the engine state: it is a directory/],
      [join(dir, "corrupt.db"), /cannot open the engine state: it is not an SQLite database/],
      [
        join(dir, "file", "state.db"),
        /cannot make its folder: .*a file where a folder is expected/,
      ],
    ];
    writeFileSync(join(dir, "corrupt.db"), "this is not a database, ".repeat(100));
    writeFileSync(join(dir, "file"), "a file where a folder should be");
    for (const [state, message] of cases) {
      const r = await run(state);
      expect(r.code, state).toBe(2);
      expect(r.stderr.trim().split("\n"), state).toHaveLength(1);
      expect(r.stderr, state).toContain(`${state}:`);
      expect(r.stderr, state).toMatch(message);
    }
  });

  it("a read-only file: refused before anything runs", async (context) => {
    const ro = join(dir, "ro");
    mkdirSync(ro);
    const file = join(ro, "state.db");
    copyFileSync(FIXTURE, file);
    let unmount = () => {};
    if (process.getuid?.() === 0) {
      // root writes through file modes: a read-only file system instead, if one can be mounted
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", ro], { timeout: 5000 });
        copyFileSync(FIXTURE, file);
        execFileSync("mount", ["-o", "remount,ro", ro], { timeout: 5000 });
        unmount = () => execFileSync("umount", [ro], { timeout: 5000 });
      } catch {
        context.skip(); // root without the right to mount: no way to make a file read-only
      }
    } else {
      chmodSync(file, 0o444);
      chmodSync(ro, 0o555);
    }
    try {
      const r = await run(file);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(
        new RegExp(
          `^error\\[bad_input\\]: ${file}: cannot open the engine state: (it is on a read-only file system|the file is not writable|its folder is not writable)`,
        ),
      );
    } finally {
      unmount();
      chmodSync(ro, 0o755);
    }
  });

  it("a full disk in the middle of a run (a size limit): bad input naming the file, the run left resumable", async () => {
    const ws = new EngineWorkspace();
    try {
      const pipeline = testPipeline({
        root: ws.dir,
        tasks: Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, produces: `d${i}` })),
      });
      const runId = ws.store.createRun(pipeline, new Date(), "manual", {});
      const pages = (ws.store.db.prepare("PRAGMA page_count").get() as { page_count: number })
        .page_count;
      ws.store.db.exec(`PRAGMA max_page_count = ${pages + 1}`); // 40 attempts need more
      const settings = {
        baseEnv: { PATH: process.env.PATH, SLO_RECORD: ws.record },
        logsDir: join(ws.dir, "logs"),
        slots: new Slots(4),
      };
      const error = await executeRun(ws.store, runId, settings).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^error\\[bad_input\\]: ${ws.store.path}: cannot write the engine state: the disk is full`,
        ),
      );
      expect(ws.store.run(runId)?.state).toBe("running");
      // given room again, the run (if it was created) resumes to the end
      ws.store.db.exec("PRAGMA max_page_count = 1000000");
      expect(await executeRun(ws.store, runId, settings)).toBe("success");
      const starts = ws.events().filter((e) => e.ev === "start");
      expect(starts.map((e) => e.key).sort()).toEqual(pipeline.tasks.map((t) => t.id).sort());
      expect(ws.store.datasetEvents()).toHaveLength(40);
    } finally {
      ws.close();
    }
  });
});
