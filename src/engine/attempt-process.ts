import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { basename } from "node:path";
import type { AttemptJournal } from "./attempt-journal.js";
import type { Launcher } from "./launcher.js";

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
 * The wrapper that makes an attempt durable when no launcher runs it (no bash here): it journals
 * its pid, runs the command, then journals the exit code, as an attempt and its launcher do (see
 * launcher.ts, attempt-journal.ts). The engine may die at any moment (SIGKILL included); the
 * attempt runs on in its own process group and a resumed engine reads its outcome from the journal
 * instead of running it again. The lines are appended by the shell's builtin `echo` (one small
 * write, no extra process), and the exit code is written before the wrapper exits.
 */
const WRAPPER =
  'j=$1 name=$2; shift 2; echo "p $name $$" >>"$j"; "$@"; rc=$?; echo "x $name $rc" >>"$j"; exit $rc';

/** Seconds between SIGTERM and SIGKILL when a timeout stops a process group. */
const KILL_GRACE_MS = 2000;

/** How often an attempt is checked for having vanished without an exit code (killed from outside). */
const LIVENESS_MS = 1000;

/** A started attempt: `base` is the path of its log without `.log`; its last part names it in the journal. */
export class AttemptProcess {
  /** The exit code the launcher reported. */
  private reported: number | undefined;
  private wakeUp: () => void = () => {};
  /** The launcher's id of its request (launcher path). */
  private launchId = "";
  private readonly name: string;

  private constructor(
    readonly base: string,
    /** The journal of the run's folder, where `base` is. */
    private readonly journal: AttemptJournal,
    /** The process group (the attempt's pid); unknown until the launcher reports it. */
    private knownPid: number | undefined,
    private readonly deadline: number | undefined,
    /** Settles when our own child exits (spawn path). */
    private readonly exited?: Promise<void>,
    /** The launcher that started it (launcher path). */
    private readonly launcher?: Launcher,
  ) {
    this.name = basename(base);
  }

  get pid(): number | undefined {
    return this.knownPid;
  }

  /**
   * Starts the command in a new process group, its output appended to `<base>.log` (in the
   * journal's folder, which exists): through the run's launcher when there is one (for this
   * folder and executable), else with a wrapper spawned by the engine.
   */
  static start(
    base: string,
    journal: AttemptJournal,
    invocation: Invocation,
    timeoutMs?: number,
    launcher?: Launcher,
  ): AttemptProcess {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    if (launcher !== undefined) {
      const attempt = new AttemptProcess(base, journal, undefined, deadline, undefined, launcher);
      attempt.launchId = launcher.start(base.slice(launcher.folder.length + 1), invocation.args, {
        onPid: (pid) => {
          attempt.knownPid = pid;
        },
        onExit: (code) => {
          attempt.reported = code;
          attempt.wakeUp();
        },
      });
      return attempt;
    }
    const log = openSync(`${base}.log`, "a");
    try {
      const child = spawn(
        "/bin/sh",
        ["-c", WRAPPER, "sh", journal.path, basename(base), invocation.file, ...invocation.args],
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
      return new AttemptProcess(base, journal, child.pid, deadline, exited);
    } finally {
      closeSync(log);
    }
  }

  /**
   * Takes over an attempt started by an earlier engine: `pid` from the database or the journal;
   * undefined when the journal knows neither its pid nor its exit code.
   */
  static adopt(
    base: string,
    journal: AttemptJournal,
    pid: number | null,
    deadline?: number,
  ): AttemptProcess | undefined {
    const known = pid ?? journal.pid(basename(base));
    if (known === undefined && journal.exit(basename(base)) === undefined) return undefined;
    return new AttemptProcess(base, journal, known, deadline);
  }

  /** The exit code journaled (by the launcher or the wrapper), if it finished. */
  recordedExit(): number | undefined {
    return this.journal.exit(this.name);
  }

  alive(): boolean {
    const pid = this.knownPid;
    if (pid === undefined) return true;
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Waits for the end: the exit code (reported by the launcher, or journaled), a
   * timeout (the whole group is killed), or `lost` when the group vanished without recording one
   * (killed from outside).
   */
  async wait(pollMs = 25): Promise<AttemptEnd | "lost"> {
    if (this.launcher !== undefined) {
      const end = await this.waitLaunched();
      this.launcher.forget(this.launchId);
      return end;
    }
    let goneAt: number | undefined;
    for (let delay = 2; ; delay = Math.min(delay * 2, pollMs)) {
      const code = this.recordedExit();
      if (code !== undefined) return { exitCode: code, timedOut: false };
      if (this.deadline !== undefined && Date.now() >= this.deadline) {
        await this.kill();
        return { exitCode: 124, timedOut: true };
      }
      if (!this.alive()) {
        // a launcher journals the exit code just after its attempt's group is gone
        goneAt ??= Date.now();
        if (Date.now() - goneAt >= LIVENESS_MS) return "lost";
      }
      await this.pause(delay, goneAt !== undefined);
    }
  }

  /** The launcher's notice ends it; a slow check catches an attempt killed from outside. */
  private async waitLaunched(): Promise<AttemptEnd | "lost"> {
    let launcherGoneAt: number | undefined;
    let goneAt: number | undefined;
    for (let checked = false; ; checked = true) {
      if (this.reported !== undefined) return { exitCode: this.reported, timedOut: false };
      if (this.deadline !== undefined && Date.now() >= this.deadline) {
        await this.kill();
        return { exitCode: 124, timedOut: true };
      }
      if (checked) {
        const code = this.recordedExit();
        if (code !== undefined) return { exitCode: code, timedOut: false };
        if (this.knownPid === undefined && this.launcher?.exited) {
          // the launcher died before reporting: the journal says whether the attempt started
          this.knownPid = this.journal.pid(this.name);
          launcherGoneAt ??= Date.now();
          if (this.knownPid === undefined && Date.now() - launcherGoneAt >= LIVENESS_MS)
            return "lost";
        }
        if (this.knownPid !== undefined && !this.alive()) {
          // its launcher reports just after the group is gone, unless it died too
          goneAt ??= Date.now();
          if (this.launcher?.exited || Date.now() - goneAt >= LIVENESS_MS) {
            const late = this.reported ?? this.recordedExit();
            return late === undefined ? "lost" : { exitCode: late, timedOut: false };
          }
        }
      }
      await this.until(LIVENESS_MS);
    }
  }

  /** Waits `ms` at most: less if the deadline comes first, or the launcher reports the end. */
  private until(ms: number): Promise<void> {
    const wait = Math.max(
      0,
      Math.min(ms, (this.deadline ?? Number.POSITIVE_INFINITY) - Date.now()),
    );
    return new Promise((resolve) => {
      const timer = setTimeout(done, wait);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = () => {};
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /** Waits `ms` (an adopted attempt, or a group gone), or until our child exits or the deadline comes. */
  private pause(ms: number, gone: boolean): Promise<void> {
    const wait =
      this.exited === undefined || gone
        ? ms
        : Math.max(0, Math.min(60_000, (this.deadline ?? Number.POSITIVE_INFINITY) - Date.now()));
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<void>((r) => {
      timer = setTimeout(r, wait);
    });
    const done = this.exited && !gone ? Promise.race([this.exited, elapsed]) : elapsed;
    return done.finally(() => clearTimeout(timer));
  }

  /** Stops the whole process group (grandchildren included): SIGTERM, then SIGKILL. */
  async kill(): Promise<void> {
    // started a moment ago: the group exists once the launcher or the journal names it
    const known = Date.now() + KILL_GRACE_MS;
    while (this.knownPid === undefined && Date.now() < known) {
      this.knownPid = this.journal.pid(this.name);
      if (this.knownPid === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    const pid = this.knownPid;
    if (pid === undefined) return;
    signal(-pid, "SIGTERM");
    const until = Date.now() + KILL_GRACE_MS;
    while (this.alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    signal(-pid, "SIGKILL");
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
