import type { Task } from "../pipeline/pipeline.js";
import type { AttemptEnd, Invocation } from "./attempt-process.js";
import type { Launcher } from "./launcher.js";

/** An attempt that ended, waiting for the next turn of the run's loop to be recorded. */
export interface Finished {
  readonly task: Task;
  readonly attempt: number;
  readonly end: AttemptEnd | "lost";
  readonly pid?: number;
}

/** An attempt decided (and committed) in this turn of the loop, started once the turn commits. */
export interface Start {
  readonly task: Task;
  readonly attemptNo: number;
  readonly base: string;
  readonly invocation: Invocation;
  readonly timeout?: number;
  readonly pool?: string;
  readonly launcher?: Launcher;
}

/** The longest delay Node timers take (a longer one fires at once): longer waits are taken in parts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits until `until` (epoch ms; none: until woken), or until `onWake`'s function is called. A
 * wait longer than Node timers take ends early (the loop looks again and waits the rest), never
 * at once: a timer beyond 2^31-1 ms fires immediately, which would spin. With nothing running and
 * no time to wait for, an interval keeps the process alive until woken (an abort).
 */
export function sleepUntil(
  until: number | undefined,
  running: boolean,
  onWake: (wake: () => void) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const timer =
      until === undefined
        ? undefined
        : setTimeout(done, Math.min(MAX_TIMER_MS, Math.max(0, until - Date.now())));
    const keepAlive = !running && timer === undefined ? setInterval(() => {}, 1000) : undefined;
    function done() {
      clearTimeout(timer);
      clearInterval(keepAlive);
      resolve();
    }
    onWake(done);
  });
}
