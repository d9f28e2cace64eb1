import { dirname } from "node:path";
import { AttemptProcess, type Invocation } from "./attempt-process.js";
import { Launcher, launcherUsable } from "./launcher.js";

/**
 * How a run starts its attempts: through the run's launcher (started at the first attempt, again
 * if it died) when bash is here and the attempt shares the run's environment, else spawned by the
 * engine one wrapper each.
 */
export class AttemptStarter {
  private launcher: Launcher | undefined;

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

  /** No more attempts: the launcher exits; the attempts it started run on. */
  close(): void {
    this.launcher?.close();
  }

  private launcherFor(invocation: Invocation, folder: string): Launcher | undefined {
    if (invocation.env !== this.env || !launcherUsable(this.env)) return undefined;
    if (this.launcher === undefined || this.launcher.exited) {
      this.launcher?.close();
      this.launcher = new Launcher(invocation.cwd, this.env, folder, invocation.file);
    }
    const l = this.launcher;
    return l.cwd === invocation.cwd && l.folder === folder && l.file === invocation.file
      ? l
      : undefined;
  }
}
