import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirflowWorkspace, expectedArgv } from "../helpers/airflow.js";

/** `--notReadySentinel`: "not ready" is a marker left by a successful preload, not an exit code. */
let af: AirflowWorkspace;
let sentinels = "";
beforeAll(async () => {
  af = new AirflowWorkspace();
  sentinels = join(af.root, "sentinels");
  await af.setUp("examples/bakery", { pre_load_not_ready_sentinel_path: sentinels });
}, 900_000);
afterAll(() => af.tearDown());

const DAG = "bakery_load_kitchen_batches";
const LOGICAL = "2024-03-05T02:00:00+00:00";
/** The recorded marker path has the run's scope where the IR has the scope token. */
const unscoped = (argv: string[]) =>
  argv.map((a) =>
    a.replace(
      /\/kitchen\/[A-Za-z0-9_.+:=-]+\.notready$/,
      "/kitchen/__SL_SENTINEL_SCOPE__.notready",
    ),
  );

describe("pre-load with a not-ready sentinel in real Airflow 3.3", () => {
  it("ready: the load runs, and the marker is scoped to the run", () => {
    const p = af.pipeline(DAG);
    const r = af.runDag(DAG, LOGICAL);
    expect(r.state).toBe("success");
    expect(r.records.map((x) => unscoped(x.argv))).toEqual(
      expectedArgv(p, ["check_kitchen_pending_files", "load_kitchen_batches"], {
        scheduledDate: "2024-03-05T02:00:00+0000",
      }),
    );
    expect(r.records[0]?.argv.at(-1)).toMatch(
      new RegExp(
        `^${sentinels}/kitchen/bakery_load_kitchen_batches__manual__[A-Za-z0-9_.+:=-]+\\.notready$`,
      ),
    );
  });

  it("not ready: Starlake leaves the marker and exits 0, the load is skipped, the marker is consumed", () => {
    const r = af.runDag(DAG, LOGICAL, {}, { SLO_FAKE_NOT_READY: "1" });
    expect(r.state).toBe("success");
    expect(r.tasks.load_kitchen_batches).toBe("skipped");
    expect(
      existsSync(join(sentinels, "kitchen")) ? readdirSync(join(sentinels, "kitchen")) : [],
    ).toEqual([]);
  });

  it("files with sentinels pass ruff", () => {
    af.ruff(["format", "--isolated", "--check"]);
    af.ruff(["check", "--isolated"]);
  });

  it("with a sentinel, exit 1 is a real error and fails the run", () => {
    const r = af.runDag(DAG, LOGICAL, { preload: 1 });
    expect(r.state).toBe("failed");
    expect(r.tasks.check_kitchen_pending_files).toBe("failed");
  });
});
