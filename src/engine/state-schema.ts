import type { DatabaseSync } from "node:sqlite";
import { ConfigError } from "../errors.js";

/**
 * The schema version of the engine's state, kept in SQLite's `user_version`. Version 1 is the
 * state written before versions were stamped (user_version 0 with the tables in place); version
 * 2 records which launcher an attempt was handed to (`attempts.launcher`), so that a resumed
 * engine can tell an attempt that never started from one that is about to. Version 3 records each
 * `slo run` invocation with the pipelines it plans (`invocations`, `runs.invocation`), so that a
 * resume starts those it had not started, and the controls asked of runs (`controls`: cancel,
 * mark, retry), which the process holding a run reads.
 */
export const STATE_VERSION = 3;

const TABLES = `
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

/** Each step takes the state from version `from` to `from + 1`; the tables exist by then. */
const MIGRATIONS: ReadonlyArray<{ from: number; sql: string }> = [
  { from: 1, sql: "ALTER TABLE attempts ADD COLUMN launcher INTEGER" },
  {
    from: 2,
    sql: `ALTER TABLE runs ADD COLUMN invocation INTEGER;
CREATE TABLE invocations(
  id INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, run_date TEXT NOT NULL,
  trigger TEXT NOT NULL, plan TEXT NOT NULL, created_at TEXT NOT NULL, finished_at TEXT);
CREATE TABLE controls(
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, task_id TEXT, action TEXT NOT NULL,
  requested_at TEXT NOT NULL, done_at TEXT, outcome TEXT);
CREATE INDEX controls_pending ON controls(run_id) WHERE done_at IS NULL`,
  },
];

/**
 * Brings the state at `path` to STATE_VERSION in one transaction: a new file gets every table, an
 * older state is migrated step by step. A state of a newer version, or an SQLite file that is not
 * ours, is refused (bad input): nothing is written to it.
 */
export function migrateState(db: DatabaseSync, path: string): void {
  const version = () =>
    (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (version() === STATE_VERSION) return;
  db.exec("BEGIN IMMEDIATE");
  try {
    let at = version(); // again, in the transaction: another process may just have migrated it
    if (at > STATE_VERSION)
      throw new ConfigError(
        `${path}: engine state of schema version ${at}, written by a newer slo; this one reads versions up to ${STATE_VERSION} (upgrade slo, or use --state for another file)`,
      );
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{
        name: string;
      }>
    ).map((t) => t.name);
    if (at === 0 && tables.length > 0 && !tables.includes("runs"))
      throw new ConfigError(
        `${path}: not an slo engine state (an SQLite database with tables ${tables.slice(0, 5).join(", ")}); name another file with --state`,
      );
    if (at === 0 && !tables.includes("runs")) {
      db.exec(TABLES);
      db.exec(MIGRATIONS.map((m) => m.sql).join(";\n"));
    } else {
      if (at === 0) at = 1; // written before versions were stamped
      db.exec(TABLES); // a table an early state never made
      for (const m of MIGRATIONS) if (m.from >= at) db.exec(m.sql);
    }
    db.exec(`PRAGMA user_version = ${STATE_VERSION}`);
    db.exec("COMMIT");
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}
