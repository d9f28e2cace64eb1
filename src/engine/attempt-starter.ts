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
   * Starts an attempt whose log is `base.log` (`base` in `folder`); `spawned` when the engine
   * started it itself.
   */
  start(
    base: string,
    invocation: Invocation,
    timeoutSeconds: number | undefined,
  ): { attempt: AttemptProcess; spawned: boolean } {
    if (!this.folderMade) {
      mkdirSync(this.folder, { recursive: true }); // before a launcher opens the journal there
      this.folderMade = true;
    }
    const launcher = this.launcherFor(invocation);
    const timeoutMs = timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000;
    const attempt = AttemptProcess.start(base, this.journal, invocation, timeoutMs, launcher);
    return { attempt, spawned: launcher === undefined };
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

  private launcherFor(invocation: Invocation): Launcher | undefined {
    if (invocation.env !== this.env || !launcherUsable(this.env)) return undefined;
    this.launchers = this.launchers.filter((l) => !l.exited);
    const fits = (l: Launcher) => l.cwd === invocation.cwd && l.file === invocation.file;
    const idle = this.launchers.find((l) => !l.busy && fits(l));
    if (idle !== undefined) return idle;
    const made = new Launcher(invocation.cwd, this.env, this.folder, invocation.file);
    this.launchers.push(made);
    return made;
  }
}
