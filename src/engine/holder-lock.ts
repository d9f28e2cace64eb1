import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ConfigError } from "../errors.js";
import { isSqliteError, stateFailure } from "./state-failure.js";

/** Who holds a lock: its process and since when. */
export interface Holder {
  readonly pid: number | null;
  readonly since: string | null;
}

/**
 * A lock that only one process (and one holder in it) has at a time, and that its holder's death
 * releases, SIGKILL included: the write lock of a small SQLite file (a file lock the kernel drops
 * with the process), held open while the work lasts. The holder's pid and start are written in
 * the file, so that whoever is refused can say who holds it. A pid file alone cannot do this: a
 * killed holder that is not yet reaped, or a new process that got its pid, looks alive.
 */
export class HolderLock {
  private constructor(
    readonly file: string,
    private readonly db: DatabaseSync,
  ) {}

  /** Takes the lock of `file` (made with its folder if need be), or says who holds it. */
  static acquire(file: string): HolderLock | Holder {
    mkdirSync(dirname(file), { recursive: true });
    const db = new DatabaseSync(file);
    try {
      db.exec("PRAGMA busy_timeout=0");
      if (!take(db)) return holderOf(db);
      db.exec("CREATE TABLE IF NOT EXISTS holder(pid INTEGER, since TEXT)");
      db.exec("DELETE FROM holder");
      db.prepare("INSERT INTO holder VALUES (?, ?)").run(process.pid, new Date().toISOString());
      db.exec("PRAGMA busy_timeout=2000"); // a refused process may be reading who holds it
      db.exec("COMMIT");
      db.exec("PRAGMA busy_timeout=0");
      // held from here on: readers see who holds it, writers are refused until it is released
      if (!take(db)) return holderOf(db);
      return new HolderLock(file, db);
    } catch (e) {
      if (db.isOpen) db.close();
      throw e;
    }
  }

  /** Lets go (the lock also goes with the process). */
  release(): void {
    if (!this.db.isOpen) return;
    try {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
    } finally {
      this.db.close();
    }
  }
}

function take(db: DatabaseSync): boolean {
  try {
    db.exec("BEGIN IMMEDIATE");
    return true;
  } catch (e) {
    if (isSqliteError(e) && (e.errcode & 0xff) === 5) return false;
    throw e;
  }
}

/** Who holds the lock, as its file says (closing our connection). */
function holderOf(db: DatabaseSync): Holder {
  try {
    const row = db.prepare("SELECT pid, since FROM holder LIMIT 1").get() as Holder | undefined;
    return row ?? { pid: null, since: null };
  } catch {
    return { pid: null, since: null }; // taken by one that has not yet written itself in
  } finally {
    db.close();
  }
}

/** `pid 123, since …` for a message, or what is known of it. */
export function describeHolder(holder: Holder): string {
  return holder.pid === null
    ? "another slo process"
    : `another slo process (pid ${holder.pid}, since ${holder.since})`;
}

/**
 * HolderLock.acquire, with what keeps it from being taken at all (a folder that cannot be made, a
 * file that cannot be written) as bad input naming the lock file.
 */
export function takeLock(file: string): HolderLock | Holder {
  try {
    return HolderLock.acquire(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code))
      throw new ConfigError(`${file}: cannot make the lock: ${(e as Error).message}`, {
        cause: e,
      });
    throw stateFailure(file, e, "lock");
  }
}
