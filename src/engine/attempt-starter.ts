import { mkdirSync } from "node:fs";
import { AttemptJournal } from "./attempt-journal.js";
import { AttemptProcess, type Invocation } from "./attempt-process.js";
import { Launcher, launcherUsable } from "./launcher.js";

/**
 * How a run starts its attempts: through the run's launchers when bash is here and the attempt
 * shares the run's environment, else spawned by the engine one wrapper each. A launcher runs one
 * attempt at a time, so the run keeps one per attempt it runs at once: an idle one takes the next
 * attempt, a new one is started when all are busy, a dead one is replaced. The run's attempts
 * have their logs and their journal in `folder`.
 */
export class AttemptStarter {
  private launchers: Launcher[] = [];
  private readonly journal: AttemptJournal;
  private folderMade = false;

  constructor(
    private readonly env: Readonly<Record<string, string>>,
    readonly folder: string,
  ) {
    this.journal = new AttemptJournal(folder);
  }

  /**
   * The launcher that will start an attempt of `invocation`, chosen (and started if need be)
   * before the attempt is recorded, so that the record names it; undefined when the engine
   * spawns the attempt itself.
   */
  launcherFor(invocation: Invocation): Launcher | undefined {
    if (!this.folderMade) {
      mkdirSync(this.folder, { recursive: true }); // before a launcher opens the journal there
      this.folderMade = true;
    }
    if (invocation.env !== this.env || !launcherUsable(this.env)) return undefined;
    this.launchers = this.launchers.filter((l) => !l.exited);
    const fits = (l: Launcher) => l.cwd === invocation.cwd && l.file === invocation.file;
    const idle = this.launchers.find((l) => !l.busy && !l.chosen && fits(l));
    const launcher = idle ?? new Launcher(invocation.cwd, this.env, this.folder, invocation.file);
    if (idle === undefined) this.launchers.push(launcher);
    launcher.chosen = true;
    return launcher;
  }

  /**
   * Starts an attempt whose log is `base.log` (`base` in `folder`), through `launcher` (from
   * `launcherFor`) or, without one, spawned by the engine.
   */
  start(
    base: string,
    invocation: Invocation,
    timeoutSeconds: number | undefined,
    launcher: Launcher | undefined,
  ): AttemptProcess {
    if (launcher !== undefined) launcher.chosen = false;
    const timeoutMs = timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000;
    return AttemptProcess.start(base, this.journal, invocation, timeoutMs, launcher);
  }

  /** Whether an attempt's launcher (a pid recorded with it) may still start it. */
  static launcherAlive(pid: number | null): boolean {
    if (pid === null) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  }

  /** What the journal says of attempt `name`: started (pid), ended (exit), or declined. */
  journaled(name: string): { pid?: number; exit?: number; declined: boolean } {
    const pid = this.journal.pid(name);
    const exit = this.journal.exit(name);
    return {
      ...(pid !== undefined ? { pid } : {}),
      ...(exit !== undefined ? { exit } : {}),
      declined: this.journal.declined(name),
    };
  }

  /** Takes over an attempt an earlier engine started (see AttemptProcess.adopt). */
  adopt(base: string, pid: number | null, deadline?: number): AttemptProcess | undefined {
    return AttemptProcess.adopt(base, this.journal, pid, deadline);
  }

  /** No more attempts: the launchers exit, each once its attempt has ended. */
  close(): void {
    for (const l of this.launchers) l.close();
    this.launchers = [];
  }
}
