import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipelines } from "../../src/engine/engine.js";
import { runValues } from "../../src/engine/run-values.js";
import { Slots } from "../../src/engine/slots.js";
import { StateStore } from "../../src/engine/state-store.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { AirflowWorkspace, expectedArgv, type Recorded } from "../helpers/airflow.js";
import { DagsterWorkspace } from "../helpers/dagster.js";
import { shellExampleNames } from "../helpers/examples.js";

/**
 * Conformance: every pipeline of every example runs on the engine, in real Airflow (dag.test) and
 * in real Dagster (in process) with the recording stand-in. The three must run the same set of
 * Starlake command lines, each in an order that respects the pipeline's edges. A difference is a
 * bug in a runner.
 */
const examples = shellExampleNames();

const DATE = "2024-03-05T02:00:00Z";

describe.each(examples)(
  "the %s example runs the same on the engine, Airflow and Dagster",
  (name) => {
    let af: AirflowWorkspace;
    let dg: DagsterWorkspace;
    beforeAll(async () => {
      af = new AirflowWorkspace();
      dg = new DagsterWorkspace();
      await af.setUp(join("examples", name));
      // the very pipelines Airflow got (same SL_ROOT), so the command lines compare as they are
      dg.setUpPipelines(af.pipelines, true);
    }, 900_000);
    afterAll(() => {
      af.tearDown();
      dg.tearDown();
    });

    async function engineRecords(p: Pipeline): Promise<Recorded[]> {
      const record = join(af.work, `engine-${p.id}.jsonl`);
      const store = new StateStore(join(af.work, `engine-${p.id}.db`));
      try {
        const [outcome] = await runPipelines(
          store,
          { pipelines: [p], date: new Date(DATE) },
          {
            baseEnv: { PATH: process.env.PATH, SLO_RECORD: record },
            logsDir: join(af.work, "engine-logs"),
            slots: new Slots(2),
          },
        );
        expect(outcome?.state, p.id).toBe("success");
        return readFileSync(record, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Recorded);
      } finally {
        store.close();
        rmSync(record, { force: true });
      }
    }

    /** The index of each task's command in a runner's record; every edge must go forwards. */
    function checkOrder(p: Pipeline, records: readonly Recorded[], runner: string) {
      const values = runValues(p, new Date(DATE));
      const at = new Map<string, number>();
      for (const t of p.tasks) {
        if (t.command === undefined) continue;
        const [argv] = expectedArgv(p, [t.id], values);
        const i = records.findIndex((r) => JSON.stringify(r.argv) === JSON.stringify(argv));
        expect(i, `${runner} ran ${p.id}.${t.id}`).toBeGreaterThanOrEqual(0);
        at.set(t.id, i);
      }
      for (const e of p.edges) {
        const [from, to] = [at.get(e.from), at.get(e.to)];
        if (from !== undefined && to !== undefined)
          expect(from, `${runner}: ${p.id} ${e.from} before ${e.to}`).toBeLessThan(to);
      }
    }

    it("same command lines, each runner in an order that respects the edges", async () => {
      const sorted = (records: readonly Recorded[]) =>
        records.map((r) => JSON.stringify(r.argv)).sort();
      for (const p of af.pipelines) {
        const engine = await engineRecords(p);
        const airflow = af.runDag(p.id, DATE.replace("Z", "+00:00"));
        expect(airflow.state, `airflow ${p.id}`).toBe("success");
        const dagster = dg.runJob(p.id, { sl_scheduled_date: DATE.replace("Z", "+0000") });
        expect(dagster.success, `dagster ${p.id}`).toBe(true);
        expect(sorted(airflow.records), `airflow ${p.id}`).toEqual(sorted(engine));
        expect(sorted(dagster.records), `dagster ${p.id}`).toEqual(sorted(engine));
        checkOrder(p, engine, "engine");
        checkOrder(p, airflow.records, "airflow");
        checkOrder(p, dagster.records, "dagster");
        // and the same working folder and Starlake variables
        for (const r of [...engine, ...airflow.records, ...dagster.records])
          expect(r.env).toMatchObject(p.environment.env);
      }
    }, 900_000); // every pipeline through three runners: about 10 s each
  },
);
