import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Pipeline, Task } from "../pipeline/pipeline.js";
import type { RunValues } from "../starlake/command-line.js";
import { preloadOutcome } from "../starlake/preload-outcome.js";
import type { AttemptProcess } from "./attempt-process.js";
import { findAttempt } from "./attempt-reconcile.js";
import { AttemptStarter } from "./attempt-starter.js";
import type { ExecutorSettings } from "./executor-settings.js";
import { failAbandonedRun } from "./run-abandon.js";
import { applyControls, CONTROL_MS, wasCancelled } from "./run-control.js";
import { type RunEnvironment, runEnvironment, runKeyOf } from "./run-environment.js";
import { type Finished, type Start, sleepUntil } from "./run-turn.js";
import { sentinelMarker } from "./shell-invocation.js";
import { stateFailure } from "./state-failure.js";
import type { RunState, StateStore, TaskRow } from "./state-store.js";
import {
  afterFailure,
  afterNotReady,
  NOTHING_TO_LOAD,
  type RowChange,
  seenState,
} from "./task-outcome.js";
import { triggerDecision } from "./trigger.js";

/**
 * One run's loop: decides what runs next, records it, starts it, and records how it ended. See
 * executeRun (run-executor.ts), which takes the run and hands it here.
 */
export class RunContext {
  private readonly rows = new Map<string, TaskRow>();
  private readonly tasks: ReadonlyMap<string, Task>;
  private readonly upstream = new Map<string, string[]>();
  private readonly inflight = new Map<string, { attempt: AttemptProcess; pool?: string }>();
  private readonly finished: Finished[] = [];
  private wake: () => void = () => {};
  /** Tasks in plan order; `dirty[i]` when task i is queued and its decision may have changed. */
  private readonly order: readonly Task[];
  private readonly index = new Map<string, number>();
  private readonly downstream = new Map<string, number[]>();
  private readonly dirty: Uint8Array;
  private queuedCount = 0;
  /** Where the attempts run: their commands and environment, what the run holds (see run-environment.ts). */
  private readonly where: RunEnvironment;
  private readonly starter: AttemptStarter;
  private abandoned = false;
  private cancelled = false; // on request (slo cancel): ends so once its attempts have stopped

  constructor(
    private readonly store: StateStore,
    private readonly runId: string,
    private readonly pipeline: Pipeline,
    private readonly values: RunValues,
    private readonly settings: ExecutorSettings,
  ) {
    this.tasks = new Map(pipeline.tasks.map((t) => [t.id, t]));
    for (const t of pipeline.tasks) this.upstream.set(t.id, []);
    for (const e of pipeline.edges) this.upstream.get(e.to)?.push(e.from);
    // attempts are numbered after the highest recorded, whatever the task's count says
    const numbered = store.lastAttemptNumbers(runId);
    for (const row of store.tasks(runId))
      this.rows.set(row.taskId, {
        ...row,
        attempts: Math.max(row.attempts, numbered.get(row.taskId) ?? 0),
      });
    this.order = pipeline.tasks;
    this.dirty = new Uint8Array(pipeline.tasks.length);
    pipeline.tasks.forEach((t, i) => {
      this.index.set(t.id, i);
      this.downstream.set(t.id, []);
      if (this.row(t.id).state === "queued") {
        this.dirty[i] = 1;
        this.queuedCount++;
      }
    });
    for (const e of pipeline.edges) {
      const to = this.index.get(e.to);
      if (to !== undefined) this.downstream.get(e.from)?.push(to);
    }
    // cloud ids hash the run's creation too: two projects' runs of one id never share a cluster
    const runKey = runKeyOf(runId, store.run(runId)?.createdAt);
    this.where = runEnvironment(pipeline, values, runId, runKey, settings);
    this.starter = new AttemptStarter(this.where.env, join(settings.logsDir, runId));
    this.cancelled = wasCancelled(store, runId); // applied by an engine that died before the end
  }

  async execute(): Promise<RunState | "interrupted"> {
    const onAbort = () => this.wake();
    this.settings.signal?.addEventListener("abort", onAbort);
    this.settings.slots.onRelease(onAbort);
    try {
      await this.reconcile();
      const stopping: Promise<void>[] = []; // stopped groups are gone before the run ends
      for (;;) {
        if (this.settings.signal?.aborted) return await this.interrupt();
        // one transaction a turn: what ended, and what starts; processes start once it commits
        const starts: Start[] = [];
        let stop: string[] = [];
        const nextTimer = this.store.transaction(() => {
          this.handleFinished();
          stop = this.takeControls();
          return this.schedule(starts);
        });
        // a stopped attempt's end comes back as any other, and changes nothing but its record
        for (const id of stop)
          stopping.push(this.inflight.get(id)?.attempt.kill() ?? Promise.resolve());
        for (const start of starts) this.launch(start);
        if (this.inflight.size === 0 && this.queuedCount === 0) break;
        await this.sleep(nextTimer);
      }
      await Promise.all(stopping);
      await this.where.tearDown(this.starter.folder); // before the run ends: a resumed one retries it
      const failed = [...this.rows.values()].some((r) => /failed/.test(r.state));
      const state: RunState = this.cancelled ? "cancelled" : failed ? "failed" : "success";
      this.store.finishRun(this.runId, state);
      return state;
    } catch (e) {
      // the state cannot be written: the attempts run on and the run resumes once it can be;
      // anything else is a failure of ours, which must not leave the run running
      if (stateFailure(this.store.path, e) === e) await this.abandon(e);
      throw e;
    } finally {
      this.settings.signal?.removeEventListener("abort", onAbort);
      this.settings.slots.offRelease(onAbort);
      // after a failure, attempts may still run (resumable): their slots go back to other runs
      for (const { pool } of this.inflight.values()) this.settings.slots.release(pool);
      this.inflight.clear();
      this.starter.close();
    }
  }

  /** Takes over the attempts an earlier engine left running (see findAttempt). */
  private async reconcile(): Promise<void> {
    const running = [...this.rows.values()].filter((r) => r.state === "running");
    await Promise.all(running.map((row) => this.reconcileTask(this.task(row.taskId))));
  }

  private async reconcileTask(task: Task): Promise<void> {
    const last = this.store.attempts(this.runId, task.id).at(-1);
    if (last === undefined || last.state !== "running") {
      this.update(task, { state: "queued" });
      return;
    }
    const timeout = task.timeout ?? this.pipeline.defaults.timeout;
    const deadline =
      timeout === undefined ? undefined : Date.parse(last.startedAt) + timeout * 1000;
    const found = await findAttempt(this.starter, last, deadline);
    if (found === "unstarted" || found === "lost") {
      this.store.transaction(() => {
        this.store.endAttempt(this.runId, task.id, last.attempt, found, null);
        if (found === "unstarted") this.update(task, { state: "queued" });
        else this.fail(task, "its launcher never said whether it started it");
      });
      return;
    }
    const pool = this.poolOf(task);
    this.settings.slots.force(pool);
    this.track(task, last.attempt, found, pool);
  }

  /**
   * Decides every queued task it can and records the starts of those allowed to run (`starts`,
   * started by the caller after the commit). Returns the next timer. Only tasks whose upstreams
   * changed, or that wait for a slot or a time, are looked at.
   */
  private schedule(starts: Start[]): number | undefined {
    let next: number | undefined;
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (let i = 0; i < this.order.length; i++) {
        if (this.dirty[i] === 0) continue;
        const task = this.order[i] as Task;
        const row = this.row(task.id);
        if (row.state !== "queued") {
          this.dirty[i] = 0;
          continue;
        }
        // nothing can start while every slot is taken: only tasks that run nothing go on
        if (task.command !== undefined && this.settings.slots.full()) continue;
        const upstream = (this.upstream.get(task.id) ?? []).map((id) => seenState(this.row(id)));
        const decision = triggerDecision(task.trigger, upstream);
        if (decision === "wait") {
          this.dirty[i] = 0; // looked at again when an upstream finishes
          continue;
        }
        if (decision !== "run") {
          this.update(task, { state: decision, finishedAt: now() });
          progressed = true;
          continue;
        }
        if (task.command === undefined) {
          this.succeed(task, null);
          progressed = true;
          continue;
        }
        if (row.notBefore > Date.now()) {
          next = Math.min(next ?? row.notBefore, row.notBefore);
          continue;
        }
        if (this.inflight.has(task.id)) continue; // its stopped attempt has not ended yet
        const pool = this.poolOf(task);
        if (!this.settings.slots.tryTake(pool, this.pipeline.pools)) continue;
        const attemptNo = row.attempts + 1;
        const base = join(this.starter.folder, `${task.id}.${attemptNo}`);
        const invocation = this.where.invocation(task, attemptNo, base);
        if (invocation === undefined) throw new Error(`task ${task.id} has no command`);
        const timeout = task.timeout ?? this.pipeline.defaults.timeout;
        const launcher = this.starter.launcherFor(invocation);
        this.store.startAttempt(this.runId, task.id, attemptNo, base, launcher?.pid ?? null);
        this.update(task, {
          state: "running",
          attempts: attemptNo,
          firstStart: row.firstStart ?? Date.now(),
          startedAt: row.startedAt ?? now(),
        });
        starts.push({ task, attemptNo, base, invocation, timeout, pool, launcher });
      }
    }
    return next;
  }

  /** Starts a committed attempt: through the run's launcher, else spawned by the engine. */
  private launch({ task, attemptNo, base, invocation, timeout, pool, launcher }: Start): void {
    const recover = this.where.recovers ? task.recover : undefined;
    const attempt = this.starter.start(base, invocation, timeout, launcher, recover);
    // a spawned wrapper's pid is known now; a launcher's comes with its end (and in the journal)
    if (launcher === undefined && attempt.pid !== undefined)
      this.store.setAttemptPid(this.runId, task.id, attemptNo, attempt.pid);
    this.track(task, attemptNo, attempt, pool);
  }

  private track(task: Task, attemptNo: number, attempt: AttemptProcess, pool?: string): void {
    this.inflight.set(task.id, { attempt, pool });
    attempt.wait().then((end) => {
      this.finished.push({ task, attempt: attemptNo, end, pid: attempt.pid });
      this.wake();
    });
  }

  /** Applies the controls asked of this run; returns the tasks whose attempt is to stop. */
  private takeControls(): string[] {
    const taken = applyControls(this.store, this.runId, this.pipeline, this.rows, (id, change) =>
      this.update(this.task(id), change),
    );
    this.cancelled ||= taken.cancelled;
    return taken.stop;
  }

  /** Records the attempts that ended and what follows for their tasks. */
  private handleFinished(): void {
    for (let f = this.finished.shift(); f !== undefined; f = this.finished.shift()) {
      const { task, attempt, end, pid } = f;
      const slot = this.inflight.get(task.id);
      this.inflight.delete(task.id);
      this.settings.slots.release(slot?.pool);
      // a task marked or cancelled while it ran keeps that state: only its attempt is recorded
      const stopped = this.row(task.id).state !== "running";
      const code = end === "lost" ? null : end.exitCode;
      const why =
        end === "lost"
          ? "the process vanished without an exit code"
          : end.timedOut
            ? `timed out after ${task.timeout ?? this.pipeline.defaults.timeout} s`
            : `exit code ${end.exitCode}`;
      this.store.transaction(() => {
        this.store.endAttempt(
          this.runId,
          task.id,
          attempt,
          end === "lost" ? "lost" : "done",
          code,
          pid,
        );
        if (stopped) return;
        if (end === "lost" || end.timedOut) this.fail(task, why);
        else if (task.gate !== undefined) this.gateEnded(task, end.exitCode, why);
        else if (end.exitCode === 0) this.succeed(task, null);
        else this.fail(task, why);
      });
    }
  }

  /** A pre-load check ended: go on, skip the domain's loads, poke again, or fail. */
  private gateEnded(task: Task, exitCode: number, why: string): void {
    const gate = task.gate;
    if (gate === undefined) return;
    const marker = sentinelMarker(this.pipeline, task, this.runId);
    const markerFound = marker !== undefined && existsSync(marker);
    if (markerFound) rmSync(marker, { force: true });
    const outcome = preloadOutcome(gate, exitCode, markerFound);
    const sensor = gate.sensor;
    if (outcome !== "not_ready" || sensor === undefined) {
      if (outcome === "error") this.fail(task, why);
      else this.succeed(task, outcome === "ready" ? null : NOTHING_TO_LOAD);
      return;
    }
    this.update(task, afterNotReady(sensor, this.row(task.id), Date.now()));
  }

  private succeed(task: Task, note: string | null): void {
    this.store.transaction(() => {
      this.update(task, { state: "success", note, finishedAt: now() });
      if (task.produces !== undefined && note !== NOTHING_TO_LOAD)
        this.store.addDatasetEvent(
          task.produces,
          this.runId,
          task.id,
          this.values.scheduledDate ?? "",
        );
    });
  }

  private fail(task: Task, why: string): void {
    this.update(task, afterFailure(task, this.pipeline, this.row(task.id), why, Date.now()));
  }

  /** After a failure of ours: the running attempts stop and the run fails, as far as can be. */
  private async abandon(e: unknown): Promise<void> {
    this.abandoned = true; // nobody is told any more: telling may be what failed
    try {
      await this.interrupt();
    } catch {
      // the failure itself is reported by the caller
    }
    failAbandonedRun(this.store, this.runId, e);
  }

  /** Stops the running attempts; they will run again when the run is resumed. */
  private async interrupt(): Promise<"interrupted"> {
    await Promise.all([...this.inflight.values()].map(({ attempt }) => attempt.kill()));
    for (const [taskId, { pool }] of this.inflight) {
      const task = this.task(taskId);
      const last = this.row(taskId).attempts;
      this.store.transaction(() => {
        this.store.endAttempt(this.runId, taskId, last, "lost", null);
        if (this.row(taskId).state === "running")
          this.update(task, { state: "queued", note: "interrupted" });
      });
      this.settings.slots.release(pool);
    }
    this.inflight.clear();
    await this.where.tearDown(this.starter.folder); // its attempts are stopped: nothing runs there
    return "interrupted";
  }

  private update(task: Task, change: RowChange): void {
    this.store.updateTask(this.runId, task.id, change);
    const before = this.row(task.id);
    const row = { ...before, ...change };
    this.rows.set(task.id, row);
    if (before.state !== row.state) {
      if (before.state === "queued") this.queuedCount--;
      if (row.state === "queued") this.queuedCount++;
    }
    // what may now be decided: the task itself (queued again), or its downstream (it finished)
    if (row.state === "queued") this.dirty[this.index.get(task.id) ?? 0] = 1;
    else if (row.state !== "running")
      for (const i of this.downstream.get(task.id) ?? []) this.dirty[i] = 1;
    if (
      !this.abandoned &&
      change.state !== undefined &&
      (change.state !== "queued" || change.note !== undefined)
    )
      this.settings.onChange?.({
        runId: this.runId,
        taskId: task.id,
        state: change.state,
        note: row.note,
      });
  }

  private row(taskId: string): TaskRow {
    const row = this.rows.get(taskId);
    if (row === undefined) throw new Error(`run ${this.runId} has no task ${taskId}`);
    return row;
  }

  private task(taskId: string): Task {
    const task = this.tasks.get(taskId);
    if (task === undefined) throw new Error(`pipeline ${this.pipeline.id} has no task ${taskId}`);
    return task;
  }

  private poolOf(task: Task): string | undefined {
    return task.pool ?? this.pipeline.defaults.pool;
  }

  /** Waits for an attempt to end, the next retry or poke, an abort, or a look for controls. */
  private sleep(until: number | undefined): Promise<void> {
    if (this.finished.length > 0 || this.settings.signal?.aborted) return Promise.resolve();
    const look = Date.now() + CONTROL_MS; // slo cancel, mark, retry come through the state
    return sleepUntil(Math.min(until ?? look, look), this.inflight.size > 0, (wake) => {
      this.wake = wake;
    });
  }
}

const now = () => new Date().toISOString();
