import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

/**
 * The attempts' journal: one append-only file per run folder (`attempts.journal`) where whatever
 * runs an attempt appends `p NAME PID` when it starts and `x NAME CODE` when it ends (NAME: the
 * attempt's file name, `TASK.N`), or `n NAME LAUNCHER` when a launcher got the attempt after the
 * engine died and did not start it: the attempt itself and its launcher (launcher.ts), or the
 * spawned wrapper (attempt-process.ts). One small append to a file that exists, where a pid file
 * and an exit file per attempt cost two file creations (up to hundreds of microseconds each on
 * some file systems). A resumed engine reads it to learn what ran while it was away. Lines are shorter than PIPE_BUF and appended with O_APPEND,
 * so writers never interleave within a line; a line without its newline is not read yet.
 */
export const JOURNAL = "attempts.journal";

interface Entry {
  pid?: number;
  exit?: number;
  /** A launcher read the request after the engine died and did not start it (`n NAME LAUNCHER`). */
  declined?: boolean;
}

/** A reader of one run folder's journal (a run has one, see AttemptStarter). */
export class AttemptJournal {
  readonly path: string;
  private readonly entries = new Map<string, Entry>();
  private offset = 0;

  constructor(readonly folder: string) {
    this.path = join(folder, JOURNAL);
  }

  /** The pid recorded for attempt `name`, reading what was appended since the last look. */
  pid(name: string): number | undefined {
    this.refresh();
    return this.entries.get(name)?.pid;
  }

  /** The exit code recorded for attempt `name`, reading what was appended since the last look. */
  exit(name: string): number | undefined {
    this.refresh();
    return this.entries.get(name)?.exit;
  }

  /** Whether the launcher given attempt `name` declined it (so it never ran). */
  declined(name: string): boolean {
    this.refresh();
    return this.entries.get(name)?.declined === true;
  }

  private refresh(): void {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return; // nothing started in this folder yet
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      // up to the last whole line: the rest is read again once its writer has finished it
      const end = buffer.lastIndexOf(0x0a, read - 1) + 1;
      this.offset += end;
      for (const line of buffer.toString("utf8", 0, end).split("\n")) this.add(line);
    } finally {
      closeSync(fd);
    }
  }

  private add(line: string): void {
    const first = line.indexOf(" ");
    const last = line.lastIndexOf(" ");
    if (first < 0 || last <= first) return;
    const value = Number(line.slice(last + 1));
    if (!Number.isInteger(value)) return;
    const name = line.slice(first + 1, last);
    const entry = this.entries.get(name) ?? {};
    if (line.startsWith("p ")) entry.pid = value;
    else if (line.startsWith("x ")) entry.exit = value;
    else if (line.startsWith("n ")) entry.declined = true;
    else return;
    this.entries.set(name, entry);
  }
}
