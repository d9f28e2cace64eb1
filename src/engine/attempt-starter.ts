import { appendFileSync, mkdirSync } from "node:fs";
import { basename } from "node:path";
import type { LoadRecovery } from "../pipeline/pipeline.js";
import { AttemptJournal } from "./attempt-journal.js";
import { AttemptProcess, type Invocation } from "./attempt-process.js";
import { Launcher, launcherUsable } from "./launcher.js";
import { returnLoadFiles } from "./return-load-files.js";

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
   * `launcherFor`) or, without one, spawned by the engine. A load first gets back the files an
   * earlier failed attempt left behind (`recover`); when one cannot be, the attempt ends at once
   * with exit code 1, its log saying why.
   */
  start(
    base: string,
    invocation: Invocation,
    timeoutSeconds: number | undefined,
    launcher: Launcher | undefined,
    recover?: LoadRecovery,
  ): AttemptProcess {
    if (launcher !== undefined) launcher.chosen = false;
    if (recover !== undefined && !this.returnFiles(base, recover)) return this.refused(base);
    const timeoutMs = timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000;
    return AttemptProcess.start(base, this.journal, invocation, timeoutMs, launcher);
  }

  /** Returns a load's files before its attempt, saying so in its log; false when one could not be. */
  private returnFiles(base: string, recover: LoadRecovery): boolean {
    const report = returnLoadFiles(recover);
    if (report.lines.length > 0) appendFileSync(`${base}.log`, `${report.lines.join("\n")}\n`);
    return !report.failed;
  }

  /** An attempt that ends before it starts: the journal records exit code 1, as for one that ran. */
  private refused(base: string): AttemptProcess {
    appendFileSync(this.journal.path, `x ${basename(base)} 1\n`);
    return AttemptProcess.adopt(base, this.journal, null) as AttemptProcess;
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
