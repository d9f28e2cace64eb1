import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { stateFailure } from "./state-failure.js";
import { migrateState } from "./state-schema.js";
import type { TaskState } from "./trigger.js";

/** `cancelled`: stopped on request (slo cancel), its unfinished tasks failed or skipped. */
export type RunState = "running" | "success" | "failed" | "cancelled";

export interface RunRow {
  readonly id: string;
  readonly pipeline: string;
  /** ISO instant the run is for (its logical date). */
  readonly runDate: string;
  readonly state: RunState;
  readonly trigger: string;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  /** The `slo run` invocation that planned it (see invocation.ts); null for scheduled runs. */
  readonly invocation: number | null;
}

const RUN_COLUMNS = "id, pipeline, run_date, state, trigger, created_at, finished_at, invocation";

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
  /** `unstarted`: handed to a launcher that declined it (the engine had died), so never run. */
  readonly state: "running" | "done" | "lost" | "unstarted";
  readonly pid: number | null;
  /** The launcher it was handed to (its bash's pid), if it went through one. */
  readonly launcher: number | null;
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

  /** Opens (or creates) the state at `path`, migrated to the current schema; bad input if it cannot be. */
  constructor(readonly path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw new ConfigError(
        `${path}: cannot make the folder of the engine state: ${(e as Error).message}`,
        { cause: e },
      );
    }
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path);
      db.exec("PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
      migrateState(db, path);
    } catch (e) {
      if (db?.isOpen) db.close();
      throw stateFailure(path, e, "open");
    }
    this.db = db;
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
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
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
    invocation: number | null = null,
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
        "INSERT INTO runs(id, pipeline, run_date, state, trigger, plan, settings, created_at, invocation) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)",
      ).run(
        id,
        pipeline.id,
        runDate.toISOString(),
        trigger,
        JSON.stringify(pipeline),
        JSON.stringify(settings),
        now,
        invocation,
      );
      const insert = this.sql("INSERT INTO tasks(run_id, task_id, state) VALUES (?, ?, 'queued')");
      for (const t of pipeline.tasks) insert.run(id, t.id);
      return id;
    });
  }

  run(id: string): RunRow | undefined {
    const row = this.sql(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(id) as Row | undefined;
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
      this.sql(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY created_at DESC, id DESC LIMIT ?`).all(
        limit,
      ) as Row[]
    ).map((r) => camel(r) as unknown as RunRow);
  }

  unfinishedRuns(): RunRow[] {
    return (
      this.sql(
        `SELECT ${RUN_COLUMNS} FROM runs WHERE state = 'running' ORDER BY created_at`,
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

  /** A finished run made to run again (a control reopened some of its tasks). */
  reopenRun(id: string): void {
    this.sql("UPDATE runs SET state = 'running', finished_at = NULL WHERE id = ?").run(id);
  }

  /** The runs an invocation created, in the order it created them. */
  invocationRuns(invocation: number): RunRow[] {
    return (
      this.sql(`SELECT ${RUN_COLUMNS} FROM runs WHERE invocation = ? ORDER BY rowid`).all(
        invocation,
      ) as Row[]
    ).map((r) => camel(r) as unknown as RunRow);
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

  /** Records an attempt about to start, handed to the launcher whose pid is `launcher` if any. */
  startAttempt(
    runId: string,
    taskId: string,
    attempt: number,
    base: string,
    launcher: number | null = null,
  ): void {
    this.sql(
      "INSERT INTO attempts(run_id, task_id, attempt, state, base, started_at, launcher) VALUES (?, ?, ?, 'running', ?, ?, ?)",
    ).run(runId, taskId, attempt, base, new Date().toISOString(), launcher);
  }

  /** The highest attempt number recorded for each task of a run (the next one is above it). */
  lastAttemptNumbers(runId: string): Map<string, number> {
    const rows = this.sql(
      "SELECT task_id, MAX(attempt) AS n FROM attempts WHERE run_id = ? GROUP BY task_id",
    ).all(runId) as Array<{ task_id: string; n: number }>;
    return new Map(rows.map((r) => [r.task_id, r.n]));
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
    state: "done" | "lost" | "unstarted",
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
