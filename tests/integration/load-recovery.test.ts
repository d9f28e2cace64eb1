import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import { runPipelines } from "../../src/engine/engine.js";
import { Slots } from "../../src/engine/slots.js";
import { StateStore } from "../../src/engine/state-store.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { AirflowWorkspace, RECORDER, type Recorded } from "../helpers/airflow.js";
import { DagsterWorkspace } from "../helpers/dagster.js";

/**
 * A retried load must not lose its file. The recorder plays Starlake's `load`
 * (SLO_FAKE_LOAD_FILES): it moves the table's file from the pending area to `ingesting/` and,
 * when it fails, leaves it there, so a retry that nobody helps finds nothing and succeeds. Every
 * runner returns the file before each attempt: the same scenarios on the engine, in real Airflow
 * 3.3 (dag.test) and in real Dagster 1.13 (in process).
 */
const PIPELINE = "bakery_load_kitchen_batches"; // a pre-load check, then one load retried once
const FILE = "batches_2024-03-05.csv";
const FAKE = { SLO_FAKE_LOAD_FILES: "1" };
/** retry_delay 1 s instead of the dag config's default 300 s. */
const OPTIONS = { retry_delay: "1" };

interface Outcome {
  ok: boolean;
  /** The files each `load` found in the pending area, in call order. */
  loads: string[][];
  /** What the runner said it did (its `slo:` lines), in order. */
  said: string[];
}

interface Runner {
  readonly name: string;
  /** SL_ROOT of the planned pipelines: the datasets are in its `datasets/`. */
  root(): string;
  setUp(): Promise<void>;
  run(exits: Record<string, number[]>): Promise<Outcome>;
  tearDown(): void;
}

const loadsOf = (records: readonly Recorded[]) =>
  records.filter((r) => r.argv[0] === "load").map((r) => (r as { files?: string[] }).files ?? []);
const saidIn = (text: string) =>
  text.split("\n").flatMap((l) => {
    const at = l.indexOf("slo: ");
    return at < 0
      ? []
      : [
          l
            .slice(at)
            .replace(/\s+\[airflow\.task.*$/, "")
            .trimEnd(),
        ];
  });

class EngineRunner implements Runner {
  readonly name = "the engine";
  private readonly work = mkdtempSync(join(tmpdir(), "slo-recovery-"));
  pipeline: Pipeline | undefined;
  private runs = 0;

  root(): string {
    return join(this.work, "root");
  }

  async setUp(): Promise<void> {
    mkdirSync(this.root(), { recursive: true });
    const plan = await planProject("examples/bakery", {
      vars: { SL_ROOT: this.root() },
      env: { SL_STARLAKE_PATH: RECORDER, ...OPTIONS },
    });
    this.pipeline = plan.pipelines.find((p) => p.id === PIPELINE);
  }

  async run(exits: Record<string, number[]>, pipeline = this.pipeline): Promise<Outcome> {
    const n = ++this.runs;
    const record = join(this.work, `record-${n}.jsonl`);
    const logs = join(this.work, `logs-${n}`);
    const store = new StateStore(join(this.work, `state-${n}.db`));
    try {
      const [outcome] = await runPipelines(
        store,
        { pipelines: [pipeline as Pipeline], date: new Date("2024-03-05T02:00:00Z") },
        {
          baseEnv: {
            PATH: process.env.PATH,
            SLO_RECORD: record,
            SLO_FAKE_EXITS: JSON.stringify(exits),
            ...FAKE,
          },
          logsDir: logs,
          slots: new Slots(2),
        },
      );
      const folder = join(logs, outcome?.runId ?? "");
      const said = readdirSync(folder)
        .filter((f) => f.startsWith("load_") && f.endsWith(".log"))
        .sort()
        .flatMap((f) => saidIn(readFileSync(join(folder, f), "utf8")));
      return { ok: outcome?.state === "success", loads: loadsOf(recorded(record)), said };
    } finally {
      store.close();
    }
  }

  tearDown(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}

class AirflowRunner implements Runner {
  readonly name = "Airflow";
  private readonly af = new AirflowWorkspace();
  root = () => this.af.root;
  setUp = () => this.af.setUp("examples/bakery", OPTIONS);
  async run(exits: Record<string, number[]>): Promise<Outcome> {
    const r = this.af.runDag(PIPELINE, "2024-03-05T02:00:00+00:00", exits, FAKE);
    return { ok: r.state === "success", loads: loadsOf(r.records), said: saidIn(r.output) };
  }
  tearDown = () => this.af.tearDown();
}

class DagsterRunner implements Runner {
  readonly name = "Dagster";
  private readonly dg = new DagsterWorkspace();
  root = () => this.dg.root;
  setUp = () => this.dg.setUp("examples/bakery", OPTIONS);
  async run(exits: Record<string, number[]>): Promise<Outcome> {
    const tags = { sl_scheduled_date: "2024-03-05T02:00:00+0000" };
    const r = this.dg.runJob(PIPELINE, tags, exits, FAKE);
    return { ok: r.success, loads: loadsOf(r.records), said: r.messages.map(([, m]) => m) };
  }
  tearDown = () => this.dg.tearDown();
}

function recorded(path: string): Recorded[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Recorded);
}

describe.each([
  ["the engine", () => new EngineRunner()],
  ["Airflow", () => new AirflowRunner()],
  ["Dagster", () => new DagsterRunner()],
] as const)("on %s, a retried load keeps its file", (_, make) => {
  const runner: Runner = make();
  const area = (name: string) => join(runner.root(), "datasets", name, "kitchen");
  const files = (name: string) => (existsSync(area(name)) ? readdirSync(area(name)).sort() : []);
  beforeAll(() => runner.setUp(), 900_000);
  afterAll(() => runner.tearDown());

  function waiting(): void {
    rmSync(join(runner.root(), "datasets"), { recursive: true, force: true });
    mkdirSync(area("stage"), { recursive: true });
    writeFileSync(join(area("stage"), FILE), "batch_id;product_id;baked_on;units\n");
  }

  it("attempt 1 fails and leaves the file in ingesting; it is returned before attempt 2, which loads it", async () => {
    waiting();
    const r = await runner.run({ load: [1, 0] });
    expect(r.ok).toBe(true);
    expect(r.loads).toEqual([[FILE], [FILE]]);
    const ingesting = area("ingesting");
    expect(r.said).toEqual([
      `slo: returned ${FILE} from ${ingesting} to ${area("stage")} (a failed load left it there)`,
    ]);
    expect(files("archive")).toEqual([FILE]);
    expect(files("ingesting")).toEqual([]);
  });

  it("a run after a failed run finds the file the failed run left behind", async () => {
    waiting();
    const failed = await runner.run({ load: [1, 1] });
    expect(failed.ok).toBe(false);
    expect(failed.loads).toEqual([[FILE], [FILE]]);
    expect(files("ingesting")).toEqual([FILE]);
    const next = await runner.run({});
    expect(next.ok).toBe(true);
    expect(next.loads).toEqual([[FILE]]);
    expect(files("archive")).toEqual([FILE]);
  });
});

describe("on the engine, beside the scenarios", () => {
  const engine = new EngineRunner();
  beforeAll(() => engine.setUp(), 60_000);
  afterAll(() => engine.tearDown());

  // another file system: the file can be neither linked nor renamed into the pending folder
  const shm = "/dev/shm";
  const otherDevice = existsSync(shm) && statSync(shm).dev !== statSync(tmpdir()).dev;
  it.runIf(otherDevice)(
    "a file that cannot be returned fails the attempt before Starlake starts, saying why",
    async () => {
      const ingesting = join(engine.root(), "datasets/ingesting/kitchen");
      mkdirSync(ingesting, { recursive: true });
      writeFileSync(join(ingesting, FILE), "x\n");
      const pending = mkdtempSync(join(shm, "slo-recovery-"));
      try {
        const p = engine.pipeline as Pipeline;
        const elsewhere = {
          ...p,
          tasks: p.tasks.map((t) => (t.recover ? { ...t, recover: { ...t.recover, pending } } : t)),
        };
        const r = await engine.run({}, elsewhere);
        expect(r.ok).toBe(false);
        expect(r.loads).toEqual([]); // Starlake never ran: it would have loaded nothing
        const line = `slo: could not return ${FILE} from ${ingesting} to ${pending}: EXDEV`;
        expect(r.said).toEqual([line, line]); // each attempt (one retry) says so in its log
        expect(readdirSync(ingesting)).toEqual([FILE]);
      } finally {
        rmSync(pending, { recursive: true, force: true });
        rmSync(join(engine.root(), "datasets"), { recursive: true, force: true });
      }
    },
  );

  it("the retry finds nothing and succeeds, the file stuck in ingesting: the loss this prevents", async () => {
    const stage = join(engine.root(), "datasets/stage/kitchen");
    mkdirSync(stage, { recursive: true });
    writeFileSync(join(stage, FILE), "x\n");
    const p = engine.pipeline as Pipeline;
    const bare = { ...p, tasks: p.tasks.map(({ recover: _, ...t }) => t) };
    const r = await engine.run({ load: [1, 0] }, bare);
    expect(r.ok).toBe(true);
    expect(r.loads).toEqual([[FILE], []]);
    expect(readdirSync(join(engine.root(), "datasets/ingesting/kitchen"))).toEqual([FILE]);
  });
});
