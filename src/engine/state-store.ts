import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { TaskState } from "./trigger.js";

export type RunState = "running" | "success" | "failed";

export interface RunRow {
  readonly id: string;
  readonly pipeline: string;
  /** ISO instant the run is for (its logical date). */
  readonly runDate: string;
  readonly state: RunState;
  readonly trigger: string;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

export interface TaskRow {
  readonly runId: string;
  readonly taskId: string;
  readonly state: TaskState;
  /** Processes started for this task (retries and sensor pokes included). */
  readonly attempts: number;
  /** Failed tries, counted against the task's retries. */
  readonly failures: number;
  /** Epoch ms before which a queued task must not start (retry delay, next poke). */
  readonly notBefore: number;
  /** Epoch ms of the first start (a sensor's timeout counts from it). */
  readonly firstStart: number | null;
  /** Why the task ended as it did ("nothing to load", "timed out after 30 s", exit code…). */
  readonly note: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface AttemptRow {
  readonly runId: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly state: "running" | "done" | "lost";
  readonly pid: number | null;
  readonly exitCode: number | null;
  readonly base: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

export interface DatasetEvent {
  readonly id: number;
  readonly uri: string;
  readonly runId: string;
  readonly taskId: string;
  readonly scheduledDate: string;
  readonly createdAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs(
  id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, run_date TEXT NOT NULL, state TEXT NOT NULL,
  trigger TEXT NOT NULL, plan TEXT NOT NULL, settings TEXT NOT NULL,
  created_at TEXT NOT NULL, finished_at TEXT);
CREATE TABLE IF NOT EXISTS tasks(
  run_id TEXT NOT NULL, task_id TEXT NOT NULL, state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER NOT NULL DEFAULT 0, first_start INTEGER, note TEXT,
  started_at TEXT, finished_at TEXT, PRIMARY KEY(run_id, task_id));
CREATE TABLE IF NOT EXISTS attempts(
  run_id TEXT NOT NULL, task_id TEXT NOT NULL, attempt INTEGER NOT NULL, state TEXT NOT NULL,
  pid INTEGER, exit_code INTEGER, base TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
  PRIMARY KEY(run_id, task_id, attempt));
CREATE TABLE IF NOT EXISTS dataset_events(
  id INTEGER PRIMARY KEY AUTOINCREMENT, uri TEXT NOT NULL, run_id TEXT NOT NULL,
  task_id TEXT NOT NULL, scheduled_date TEXT NOT NULL, created_at TEXT NOT NULL,
  UNIQUE(run_id, task_id));
CREATE TABLE IF NOT EXISTS scheduler(key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

type Row = Record<string, string | number | null>;

const camel = (row: Row): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      v,
    ]),
  );

/**
 * The engine's durable state in SQLite (WAL): runs with the plan they run, task states, every
 * process attempt, and dataset events. Each state change is one transaction, so a crash at any
 * moment leaves a state that `resume` can finish from.
 */
export class StateStore {
  readonly db: DatabaseSync;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
    this.db.exec(SCHEMA);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private readonly statements = new Map<string, StatementSync>();

  /** A prepared statement, prepared once (preparing costs more than running these small ones). */
  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private depth = 0;

  /** Runs `work` in one transaction (a nested call joins the outer one). */
  transaction<T>(work: () => T): T {
    if (this.depth > 0) return work();
    this.db.exec("BEGIN IMMEDIATE");
    this.depth++;
    try {
      const result = work();
      this.db.exec("COMMIT");
      return result;
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    } finally {
      this.depth--;
    }
  }

  createRun(
    pipeline: Pipeline,
    runDate: Date,
    trigger: string,
    settings: Readonly<Record<string, unknown>>,
  ): string {
    const stamp = runDate
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d+Z$/, "");
    return this.transaction(() => {
      let id = `${pipeline.id}__${stamp}`;
      for (let n = 2; this.run(id) !== undefined; n++) id = `${pipeline.id}__${stamp}_${n}`;
      const now = new Date().toISOString();
      this.sql(
        "INSERT INTO runs(id, pipeline, run_date, state, trigger, plan, settings, created_at) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
      ).run(
        id,
        pipeline.id,
        runDate.toISOString(),
        trigger,
        JSON.stringify(pipeline),
        JSON.stringify(settings),
        now,
      );
      const insert = this.sql("INSERT INTO tasks(run_id, task_id, state) VALUES (?, ?, 'queued')");
      for (const t of pipeline.tasks) insert.run(id, t.id);
      return id;
    });
  }

  run(id: string): RunRow | undefined {
    const row = this.sql(
      "SELECT id, pipeline, run_date, state, trigger, created_at, finished_at FROM runs WHERE id = ?",
    ).get(id) as Row | undefined;
    return row && (camel(row) as unknown as RunRow);
  }

  /** The plan and settings a run was created with (a resumed run runs exactly these). */
  runPlan(id: string): { pipeline: Pipeline; settings: Record<string, unknown> } | undefined {
    const row = this.sql("SELECT plan, settings FROM runs WHERE id = ?").get(id) as
      | { plan: string; settings: string }
      | undefined;
    return row && { pipeline: JSON.parse(row.plan), settings: JSON.parse(row.settings) };
  }

  runs(limit = 50): RunRow[] {
    return (
      this.sql(
        "SELECT id, pipeline, run_date, state, trigger, created_at, finished_at FROM runs ORDER BY created_at DESC, id DESC LIMIT ?",
      ).all(limit) as Row[]
    ).map((r) => camel(r) as unknown as RunRow);
  }

  unfinishedRuns(): RunRow[] {
    return (
      this.sql(
        "SELECT id, pipeline, run_date, state, trigger, created_at, finished_at FROM runs WHERE state = 'running' ORDER BY created_at",
      ).all() as Row[]
    ).map((r) => camel(r) as unknown as RunRow);
  }

  finishRun(id: string, state: RunState): void {
    this.sql("UPDATE runs SET state = ?, finished_at = ? WHERE id = ?").run(
      state,
      new Date().toISOString(),
      id,
    );
  }

  tasks(runId: string): TaskRow[] {
    return (
      this.sql("SELECT * FROM tasks WHERE run_id = ? ORDER BY rowid").all(runId) as Row[]
    ).map((r) => camel(r) as unknown as TaskRow);
  }

  updateTask(
    runId: string,
    taskId: string,
    change: Partial<Omit<TaskRow, "runId" | "taskId">>,
  ): void {
    const columns = Object.keys(change).map(
      (k) => `${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} = ?`,
    );
    if (columns.length === 0) return;
    this.sql(`UPDATE tasks SET ${columns.join(", ")} WHERE run_id = ? AND task_id = ?`).run(
      ...(Object.values(change) as Array<string | number | null>),
      runId,
      taskId,
    );
  }

  startAttempt(runId: string, taskId: string, attempt: number, base: string): void {
    this.sql(
      "INSERT INTO attempts(run_id, task_id, attempt, state, base, started_at) VALUES (?, ?, ?, 'running', ?, ?)",
    ).run(runId, taskId, attempt, base, new Date().toISOString());
  }

  setAttemptPid(runId: string, taskId: string, attempt: number, pid: number): void {
    this.sql("UPDATE attempts SET pid = ? WHERE run_id = ? AND task_id = ? AND attempt = ?").run(
      pid,
      runId,
      taskId,
      attempt,
    );
  }

  /** Records how an attempt ended, and its pid when only now known (a launcher reports it late). */
  endAttempt(
    runId: string,
    taskId: string,
    attempt: number,
    state: "done" | "lost",
    exitCode: number | null,
    pid?: number,
  ): void {
    this.sql(
      "UPDATE attempts SET state = ?, exit_code = ?, finished_at = ?, pid = COALESCE(?, pid) WHERE run_id = ? AND task_id = ? AND attempt = ?",
    ).run(state, exitCode, new Date().toISOString(), pid ?? null, runId, taskId, attempt);
  }

  attempts(runId: string, taskId?: string): AttemptRow[] {
    const rows = (
      taskId === undefined
        ? this.db
            .prepare(
              "SELECT * FROM attempts WHERE run_id = ? ORDER BY started_at, task_id, attempt",
            )
            .all(runId)
        : this.db
            .prepare("SELECT * FROM attempts WHERE run_id = ? AND task_id = ? ORDER BY attempt")
            .all(runId, taskId)
    ) as Row[];
    return rows.map((r) => camel(r) as unknown as AttemptRow);
  }

  /** Records that a task produced its dataset; once per task and run, whatever happens. */
  addDatasetEvent(uri: string, runId: string, taskId: string, scheduledDate: string): void {
    this.sql(
      "INSERT OR IGNORE INTO dataset_events(uri, run_id, task_id, scheduled_date, created_at) VALUES (?, ?, ?, ?, ?)",
    ).run(uri, runId, taskId, scheduledDate, new Date().toISOString());
  }

  datasetEvents(afterId = 0): DatasetEvent[] {
    return (
      this.sql("SELECT * FROM dataset_events WHERE id > ? ORDER BY id").all(afterId) as Row[]
    ).map((r) => camel(r) as unknown as DatasetEvent);
  }

  /** The newest event of a dataset, whatever run produced it. */
  latestDatasetEvent(uri: string): DatasetEvent | undefined {
    const row = this.sql("SELECT * FROM dataset_events WHERE uri = ? ORDER BY id DESC LIMIT 1").get(
      uri,
    ) as Row | undefined;
    return row && (camel(row) as unknown as DatasetEvent);
  }

  lastDatasetEventId(): number {
    const row = this.sql("SELECT MAX(id) AS id FROM dataset_events").get() as {
      id: number | null;
    };
    return row.id ?? 0;
  }

  /**
   * Makes this process the one scheduler of the state file, or says who already is: a lock row
   * with the owner's pid, taken in a transaction; a lock whose process is gone is taken over.
   */
  acquireSchedulerLock(): { ok: true } | { ok: false; pid: number; since: string } {
    return this.transaction(() => {
      const held = this.getCursor("lock");
      if (held !== undefined) {
        const owner = JSON.parse(held) as { pid: number; since: string };
        if (owner.pid !== process.pid && processAlive(owner.pid))
          return { ok: false as const, pid: owner.pid, since: owner.since };
      }
      this.setCursor("lock", JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      return { ok: true as const };
    });
  }

  releaseSchedulerLock(): void {
    const held = this.getCursor("lock");
    if (held !== undefined && (JSON.parse(held) as { pid: number }).pid === process.pid)
      this.sql("DELETE FROM scheduler WHERE key = 'lock'").run();
  }

  getCursor(key: string): string | undefined {
    const row = this.sql("SELECT value FROM scheduler WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  setCursor(key: string, value: string): void {
    this.sql(
      "INSERT INTO scheduler(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(key, value);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
