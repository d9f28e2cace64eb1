import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { TaskChange } from "../engine/run-executor.js";
import type { AttemptRow, RunRow, StateStore, TaskRow } from "../engine/state-store.js";
import { table } from "../util/text-table.js";

/**
 * Progress of `slo run` on stderr. On a terminal: one status line redrawn in place, with the
 * tasks that end badly printed above it. Elsewhere: one line per task that ends.
 */
export class RunView {
  private readonly states = new Map<string, string>();
  private readonly live: boolean;
  /** What to print under a task that failed (see taskFailure), once the state is open. */
  explain: ((c: TaskChange) => string) | undefined;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.live = out.isTTY === true;
  }

  change(c: TaskChange): void {
    this.states.set(`${c.runId}\u0000${c.taskId}`, c.state);
    const ended = c.state !== "queued" && c.state !== "running";
    const note = c.note ? ` (${c.note})` : "";
    const why = c.state === "failed" ? (this.explain?.(c) ?? "") : "";
    if (this.live) {
      if (c.state === "failed" || c.state === "upstream_failed" || (c.state === "queued" && c.note))
        this.write(`\r\x1b[K${c.runId} ${c.taskId}: ${c.state}${note}\n${why}`);
      this.status(c.runId);
    } else if (ended || c.note) {
      this.write(`${c.runId} ${c.taskId}: ${c.state}${note}\n${why}`);
    }
  }

  /** Clears the status line before the summary. */
  done(): void {
    if (this.live) this.write("\r\x1b[K");
  }

  /** `run: 3 running, 12 success | load_a, load_b, …`, cut to the terminal's width. */
  private status(runId: string): void {
    const counts = new Map<string, number>();
    const running: string[] = [];
    for (const [key, state] of this.states) {
      if (!key.startsWith(`${runId}\u0000`)) continue;
      counts.set(state, (counts.get(state) ?? 0) + 1);
      if (state === "running") running.push(key.slice(runId.length + 1));
    }
    const parts = [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
    const line = `${runId}: ${parts}${running.length > 0 ? ` | ${running.join(", ")}` : ""}`;
    const width = this.out.columns ?? 120;
    this.write(`\r\x1b[K${line.length > width - 1 ? `${line.slice(0, width - 2)}…` : line}`);
  }

  private write(text: string): void {
    this.out.write(text);
  }
}

/** The summary of finished runs: a table per run, tasks in plan order. */
export function runSummary(
  runs: ReadonlyArray<{ run: RunRow; tasks: readonly TaskRow[] }>,
): string {
  const lines: string[] = [];
  for (const { run, tasks } of runs) {
    lines.push(`run ${run.id} (${run.pipeline}): ${run.state}`);
    lines.push(
      ...table(
        ["task", "state", "tries", "time", "note"],
        tasks.map((t) => [
          t.taskId,
          t.state,
          String(t.attempts),
          duration(t.startedAt, t.finishedAt),
          t.note ?? "",
        ]),
      ).map((l) => `  ${l}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Runs, newest first. */
export function runsTable(runs: readonly RunRow[]): string {
  return `${table(
    ["run", "pipeline", "state", "trigger", "started", "time"],
    runs.map((r) => [
      r.id,
      r.pipeline,
      r.state,
      r.trigger,
      r.createdAt.replace("T", " ").replace(/\.\d+Z$/, "Z"),
      duration(r.createdAt, r.finishedAt),
    ]),
  ).join("\n")}\n`;
}

export function attemptsTable(attempts: readonly AttemptRow[]): string {
  return `${table(
    ["task", "try", "state", "exit", "log"],
    attempts.map((a) => [
      a.taskId,
      String(a.attempt),
      a.state,
      a.exitCode === null ? "" : String(a.exitCode),
      `${a.base}.log`,
    ]),
  ).join("\n")}\n`;
}

/** How many lines of a failed task's log are shown. */
const TAIL_LINES = 10;

/**
 * For each task that failed in these runs (see taskFailure): printed after the runs when no
 * progress view said it as it happened (--json).
 */
export function failureReport(
  store: StateStore,
  outcomes: ReadonlyArray<{ runId: string }>,
  project: string,
  state: string | undefined,
): string {
  return outcomes
    .flatMap(({ runId }) =>
      store
        .tasks(runId)
        .filter((t) => t.state === "failed")
        .map((t) => taskFailure(store, runId, t.taskId, project, state)),
    )
    .join("");
}

/**
 * Under a task that failed: the end of its last attempt's log and the `slo logs` command that
 * prints all of it. Log text comes from the commands: control characters are shown as `?` so
 * that a log cannot drive the terminal. Nothing for a task a control failed (cancel, mark):
 * its log does not say why.
 */
export function taskFailure(
  store: StateStore,
  runId: string,
  taskId: string,
  project: string,
  state: string | undefined,
): string {
  const task = store.tasks(runId).find((t) => t.taskId === taskId);
  if (task === undefined || task.note === "cancelled" || task.note === "marked failed") return "";
  const last = store.attempts(runId, taskId).at(-1);
  if (last === undefined) return ""; // failed without running (a lost launcher)
  const log = `${last.base}.log`;
  const lines = tail(log);
  return `${[
    `${runId} ${taskId}: failed (${task.note ?? "no note"}); ${lines.length > 0 ? `the last lines of ${log}:` : `no output in ${log}`}`,
    ...lines.map((l) => `  | ${l}`),
    `  all of it: ${commandLine(["slo", "logs", runId, taskId, "--project", project], state)}`,
  ].join("\n")}\n`;
}

function tail(file: string): string[] {
  let text: string;
  try {
    const fd = openSync(file, "r");
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      text = buffer.toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  const shown = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "?");
  const lines = shown.replace(/\n$/, "").split("\n").slice(-TAIL_LINES);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

/** A command line to paste into a POSIX shell: words quoted when need be, `--state` when given. */
export function commandLine(words: readonly string[], state: string | undefined): string {
  return [...words, ...(state === undefined ? [] : ["--state", state])].map(shellWord).join(" ");
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function duration(from: string | null, to: string | null): string {
  if (from === null || to === null) return "";
  const ms = Date.parse(to) - Date.parse(from);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
