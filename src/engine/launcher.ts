import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { JOURNAL } from "./attempt-journal.js";

/**
 * A launcher: a long-lived `bash` that starts a run's attempts one at a time, so the engine never
 * forks its own (large) process per task; a run keeps as many as it runs attempts at once
 * (attempt-starter.ts). Each attempt is a single fork, a job of its own (job control gives it a
 * new process group): it journals its pid (attempt-journal.ts), then execs the command with its
 * output appended to its log. The launcher waits for it and journals its exit code. The launcher
 * is in a session of its own and outlives the engine: after the engine dies (SIGKILL included) it
 * still journals the exit code of the attempt it runs, which a resumed engine reads. What is lost
 * is that exit code when the launcher itself is killed while its attempt runs: the attempt is then
 * `lost` (its task fails, or is retried). Requests arrive on stdin as NUL-terminated shell words
 * (`ID NAME ARG…`: the attempt's log is `FOLDER/NAME.log`, the command `FILE ARG…`; bash reads a
 * pipe a byte at a time, so they are kept short); notices go back on stdout: `p ID PID` (started),
 * `x ID CODE` (ended).
 */
const SCRIPT = `
set -m -f
folder=$1 file=$2
shift 2
restore=("$@")
exec 3>>"$folder/${JOURNAL}"
# the engine gone, a notice fails instead of killing bash: the exit code still goes to the journal
# (ignored, not trapped: a trapped signal would cut "wait" short; the attempts get it back)
trap '' PIPE
if [ "\${BASH_VERSINFO[0]}" -ge 4 ]; then started() { echo "p $1 $BASHPID"; }; else started() { echo "p $1 $(sh -c 'echo $PPID')"; }; fi
# with job control "wait" also returns, at once and again, while the job is stopped: its process is
# still there then, and is looked at again a second later ("wait -f" would do, but loops in bash 5.2
# on a job that ended before it)
waitend() {
  while :; do
    wait "$1"
    rc=$?
    kill -0 "$1" 2>/dev/null || return 0
    sleep 1
  done
}
# whether the engine that started us is still there: once it is gone bash has another parent (a
# dead engine that is not reaped yet still answers kill -0)
engine_alive() {
  if [ -r "/proc/$$/stat" ]; then
    local stat
    read -r stat <"/proc/$$/stat"
    set -- \${stat##*") "}
    [ "$2" = "$PPID" ]
  else
    kill -0 "$PPID" 2>/dev/null
  fi
}
while IFS= read -r -d '' request; do
  eval "set -- $request"
  id=$1 name=$2
  shift 2
  # a request read after the engine died is not started, and the journal says so: the resumed
  # engine decides again
  engine_alive || { echo "n $name $$" >&3; exit 0; }
  {
    trap - PIPE
    started "$name" >&3
    [ \${#restore[@]} -eq 0 ] || export "\${restore[@]}"
    exec "$file" "$@" </dev/null >>"$folder/$name.log" 2>&1 3>&-
  } &
  echo "p $id $!"
  waitend $!
  echo "x $name $rc" >&3
  echo "x $id $rc"
done
`;

/** Variables bash would act on at startup or in `read`: kept out of its own environment, given back to the commands. */
const SHELL_SENSITIVE = ["BASH_ENV", "ENV", "TMOUT"];
/** Variables that change how bash itself runs (and it keeps them read-only): use the spawn path then. */
const SHELL_OPTIONS = ["SHELLOPTS", "BASHOPTS"];

interface Pending {
  onPid(pid: number): void;
  onExit(code: number): void;
}

/** Where bash is, if anywhere: `/bin/bash`, else the first on PATH. */
export function findBash(path = process.env.PATH ?? ""): string | undefined {
  for (const candidate of ["/bin/bash", ...path.split(delimiter).map((d) => join(d, "bash"))]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

let bashPath: string | null | undefined;

/** Whether attempts can go through a launcher with this environment (else the engine spawns each). */
export function launcherUsable(env: Readonly<Record<string, string>>): boolean {
  if (process.env.SLO_LAUNCHER === "spawn") return false;
  if (SHELL_OPTIONS.some((k) => k in env)) return false;
  if (bashPath === undefined) bashPath = findBash() ?? null;
  return bashPath !== null;
}

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

export class Launcher {
  private readonly child: ChildProcess;
  private readonly pending = new Map<string, Pending>();
  private next = 0;
  /** Requests sent whose end bash has not reported (0 or 1: bash runs one at a time). */
  private outstanding = 0;
  private buffer = "";
  /** Set once the bash process is gone (killed, or closed by us). */
  exited = false;
  /** Chosen for an attempt that is recorded but not yet sent (see AttemptStarter). */
  chosen = false;

  /**
   * Starts bash in `cwd` with exactly `env` (see SHELL_SENSITIVE), in a session of its own, for
   * attempts of `file` whose files are in `folder` (which exists).
   */
  constructor(
    readonly cwd: string,
    readonly env: Readonly<Record<string, string>>,
    readonly folder: string,
    readonly file: string,
  ) {
    const own: Record<string, string> = { ...env };
    const restore: string[] = [];
    for (const k of SHELL_SENSITIVE)
      if (k in own) {
        restore.push(`${k}=${own[k]}`);
        delete own[k];
      }
    if (bashPath === undefined) bashPath = findBash() ?? null;
    if (bashPath === null) throw new Error("bash not found");
    this.child = spawn(
      bashPath,
      ["--norc", "--noprofile", "-c", SCRIPT, "launcher", folder, file, ...restore],
      {
        cwd,
        env: own,
        // its own session: a signal to the engine's process group or terminal does not reach it
        detached: true,
        // what bash itself might say (a notice to a dead engine) is of no use to anyone
        stdio: ["pipe", "pipe", "ignore"],
      },
    );
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout])
      (s as unknown as { unref?: () => void } | null)?.unref?.();
    this.child.stdin?.on("error", () => {}); // a dead launcher: its exit is handled below
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (chunk: string) => this.notices(chunk));
    this.child.on("exit", () => {
      this.exited = true;
    });
    this.child.on("error", () => {
      this.exited = true;
    });
  }

  /** The bash process's pid (recorded with each attempt handed to it). */
  get pid(): number | null {
    return this.child.pid ?? null;
  }

  /** Whether it runs an attempt (or is about to): a request now would wait for that one's end. */
  get busy(): boolean {
    return this.outstanding > 0;
  }

  /**
   * Asks for an attempt: `FILE args…` with its output in `FOLDER/<name>.log`; notices come to
   * `pending`. Returns the request's id, for `forget`.
   */
  start(name: string, args: readonly string[], pending: Pending): string {
    for (const word of [name, ...args])
      if (word.includes("\0")) throw new Error(`a NUL byte in a command line: ${this.file}`);
    // the journal's lines are split on spaces
    if (/\s/.test(name)) throw new Error(`white space in an attempt's name: ${name}`);
    const id = String(this.next++);
    this.pending.set(id, pending);
    this.outstanding++;
    this.child.stdin?.write(`${id} ${[name, ...args].map(quote).join(" ")}\0`);
    return id;
  }

  /** Drops an attempt that ended without its notice (timed out, or its launcher died). */
  forget(id: string): void {
    this.pending.delete(id);
  }

  /** No more attempts: bash exits once the attempt it runs has ended and been journaled. */
  close(): void {
    this.child.stdin?.end();
  }

  private notices(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf("\n"); nl >= 0; nl = this.buffer.indexOf("\n")) {
      const [kind, id = "", value] = this.buffer.slice(0, nl).split(" ");
      this.buffer = this.buffer.slice(nl + 1);
      if (kind === "x") this.outstanding--;
      const p = this.pending.get(id);
      const n = Number(value);
      if (p === undefined || !Number.isInteger(n)) continue;
      if (kind === "p") p.onPid(n);
      else if (kind === "x") {
        this.pending.delete(id);
        p.onExit(n);
      }
    }
  }
}
