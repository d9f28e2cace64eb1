import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

/** How to start a task's command. */
export interface Invocation {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** How an attempt ended: its exit code (128 + n for signal n), or a timeout. */
export interface AttemptEnd {
  readonly exitCode: number;
  readonly timedOut: boolean;
}

/**
 * The wrapper that makes an attempt durable: it writes its pid, runs the command, then writes the
 * exit code next to the log. The engine may die at any moment (SIGKILL included); the attempt
 * runs on in its own process group and a resumed engine reads its outcome from the files instead
 * of running it again. The files are written by the shell's builtin `echo` (one small write, no
 * extra process); a reader that finds one empty treats it as not written yet, and the exit code is
 * always complete before the wrapper exits.
 */
const WRAPPER =
  'base=$1; shift; echo $$ > "$base.pid"; "$@"; rc=$?; echo $rc > "$base.exit"; exit $rc';

/** Log folders already made by this process (one per run: making it again costs a system call per task). */
const made = new Set<string>();

/** Seconds between SIGTERM and SIGKILL when a timeout stops a process group. */
const KILL_GRACE_MS = 2000;

/** A started attempt: `base` is the path prefix of its `.log`, `.pid` and `.exit` files. */
export class AttemptProcess {
  private constructor(
    readonly base: string,
    readonly pid: number,
    private readonly deadline: number | undefined,
    /** Settles when our own child exits; absent for an adopted attempt (polled instead). */
    private readonly exited?: Promise<void>,
  ) {}

  /** Starts the command in a new process group, its output appended to `<base>.log`. */
  static start(base: string, invocation: Invocation, timeoutMs?: number): AttemptProcess {
    const folder = dirname(base);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    const log = openSync(`${base}.log`, "a");
    try {
      const child = spawn(
        "/bin/sh",
        ["-c", WRAPPER, "sh", base, invocation.file, ...invocation.args],
        {
          cwd: invocation.cwd,
          env: invocation.env,
          detached: true,
          stdio: ["ignore", log, log],
        },
      );
      if (child.pid === undefined) throw new Error(`could not start ${invocation.file}`);
      child.unref();
      const exited = new Promise<void>((resolve) => {
        child.on("exit", () => resolve());
        child.on("error", () => resolve());
      });
      return new AttemptProcess(
        base,
        child.pid,
        timeoutMs === undefined ? undefined : Date.now() + timeoutMs,
        exited,
      );
    } finally {
      closeSync(log);
    }
  }

  /**
   * Takes over an attempt started by an earlier engine: `pid` from the database or the pid file;
   * undefined when the attempt never started.
   */
  static adopt(base: string, pid: number | null, deadline?: number): AttemptProcess | undefined {
    const known = pid ?? readPid(base);
    if (known === undefined) return undefined;
    return new AttemptProcess(base, known, deadline);
  }

  /** The exit code the wrapper recorded, if it finished. */
  recordedExit(): number | undefined {
    return readExit(this.base);
  }

  alive(): boolean {
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Waits for the end: the recorded exit code, a timeout (the whole group is killed), or `lost`
   * when the group vanished without recording one (killed from outside).
   */
  async wait(pollMs = 25): Promise<AttemptEnd | "lost"> {
    for (let delay = 2; ; delay = Math.min(delay * 2, pollMs)) {
      const code = this.recordedExit();
      if (code !== undefined) return { exitCode: code, timedOut: false };
      if (this.deadline !== undefined && Date.now() >= this.deadline) {
        await this.kill();
        return { exitCode: 124, timedOut: true };
      }
      if (!this.alive()) {
        // the wrapper may have written its exit file just before leaving
        const late = this.recordedExit();
        return late === undefined ? "lost" : { exitCode: late, timedOut: false };
      }
      await this.pause(delay);
    }
  }

  /** Waits `ms` (an adopted attempt), or until our child exits or the deadline comes. */
  private pause(ms: number): Promise<void> {
    const wait =
      this.exited === undefined
        ? ms
        : Math.max(0, Math.min(60_000, (this.deadline ?? Number.POSITIVE_INFINITY) - Date.now()));
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<void>((r) => {
      timer = setTimeout(r, wait);
    });
    const done = this.exited ? Promise.race([this.exited, elapsed]) : elapsed;
    return done.finally(() => clearTimeout(timer));
  }

  /** Stops the whole process group (grandchildren included): SIGTERM, then SIGKILL. */
  async kill(): Promise<void> {
    signal(-this.pid, "SIGTERM");
    const until = Date.now() + KILL_GRACE_MS;
    while (this.alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    signal(-this.pid, "SIGKILL");
    const reaped = Date.now() + KILL_GRACE_MS;
    while (this.alive() && Date.now() < reaped) await new Promise((r) => setTimeout(r, 10));
  }
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // already gone
  }
}

function readPid(base: string): number | undefined {
  if (!existsSync(`${base}.pid`)) return undefined;
  const pid = Number.parseInt(readFileSync(`${base}.pid`, "utf8"), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function readExit(base: string): number | undefined {
  try {
    const code = Number.parseInt(readFileSync(`${base}.exit`, "utf8"), 10);
    return Number.isInteger(code) ? code : undefined;
  } catch {
    return undefined;
  }
}
