import { dirname } from "node:path";
import { AttemptProcess, type Invocation } from "./attempt-process.js";
import { Launcher, launcherUsable } from "./launcher.js";

/**
 * How a run starts its attempts: through the run's launchers when bash is here and the attempt
 * shares the run's environment, else spawned by the engine one wrapper each. A launcher runs one
 * attempt at a time, so the run keeps one per attempt it runs at once: an idle one takes the next
 * attempt, a new one is started when all are busy, a dead one is replaced.
 */
export class AttemptStarter {
  private launchers: Launcher[] = [];

  constructor(private readonly env: Readonly<Record<string, string>>) {}

  /** Starts an attempt whose files are `base.*`; `spawned` when the engine started it itself. */
  start(
    base: string,
    invocation: Invocation,
    timeoutSeconds: number | undefined,
  ): { attempt: AttemptProcess; spawned: boolean } {
    const launcher = this.launcherFor(invocation, dirname(base));
    const timeoutMs = timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000;
    const attempt = AttemptProcess.start(base, invocation, timeoutMs, launcher);
    return { attempt, spawned: launcher === undefined };
  }

  /** No more attempts: the launchers exit, each once its attempt has ended. */
  close(): void {
    for (const l of this.launchers) l.close();
    this.launchers = [];
  }

  private launcherFor(invocation: Invocation, folder: string): Launcher | undefined {
    if (invocation.env !== this.env || !launcherUsable(this.env)) return undefined;
    this.launchers = this.launchers.filter((l) => !l.exited);
    const fits = (l: Launcher) =>
      l.cwd === invocation.cwd && l.folder === folder && l.file === invocation.file;
    const idle = this.launchers.find((l) => !l.busy && fits(l));
    if (idle !== undefined) return idle;
    const made = new Launcher(invocation.cwd, this.env, folder, invocation.file);
    this.launchers.push(made);
    return made;
  }
}
