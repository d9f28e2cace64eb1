import type { ShellSettings } from "./shell-invocation.js";
import type { Slots } from "./slots.js";
import type { TaskState } from "./trigger.js";

export interface ExecutorSettings extends ShellSettings {
  /** Folder of the attempts' logs: `<logs>/<run>/<task>.<attempt>.log`. */
  readonly logsDir: string;
  readonly slots: Slots;
  /** Told of every task state change (progress views). */
  readonly onChange?: (change: TaskChange) => void;
  /** Aborting stops the running attempts and leaves the run resumable. */
  readonly signal?: AbortSignal;
  /** Retries of every task, overriding the plan's (`slo run --retries N`). */
  readonly retries?: number;
}

export interface TaskChange {
  readonly runId: string;
  readonly taskId: string;
  readonly state: TaskState;
  readonly note?: string | null;
}
