import type { TaskChange } from "../engine/run-executor.js";
import type { NextDue } from "../engine/scheduler.js";
import { printable } from "../remote/printable.js";
import { isoWithOffset } from "../util/iso-time.js";

type Tone = "plain" | "good" | "bad";

/**
 * What `slo serve` says, one line per event, each starting with its instant (ISO 8601 with this
 * machine's offset), so a log file of a long-running scheduler can be read and searched. Colour
 * (escape codes) only on a terminal, and never when NO_COLOR is set or TERM is dumb.
 */
export class ServeLog {
  private readonly colour: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    env: NodeJS.ProcessEnv = process.env,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.colour = out.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
  }

  line(text: string, tone: Tone = "plain"): void {
    const stamp = isoWithOffset(this.clock());
    // a name or a note cannot move the cursor or clear the screen of whoever reads the log
    const safe = printable(text);
    this.out.write(
      this.colour
        ? `\x1b[2m${stamp}\x1b[22m ${tone === "plain" ? safe : `\x1b[${tone === "good" ? 32 : 31}m${safe}\x1b[39m`}\n`
        : `${stamp} ${safe}\n`,
    );
  }

  /** A task that ended (or was held back with a reason); tasks starting are not worth a line. */
  change(c: TaskChange): void {
    if ((c.state === "queued" || c.state === "running") && !c.note) return;
    const tone = c.state === "success" ? "good" : c.state === "failed" ? "bad" : "plain";
    this.line(`${c.runId} ${c.taskId}: ${c.state}${c.note ? ` (${c.note})` : ""}`, tone);
  }

  nextDue(due: readonly NextDue[]): void {
    for (const d of due) this.line(`next due: ${d.pipeline.id} ${dueText(d)}`);
  }
}

/** `at 2026-03-02T02:00:00+01:00 (cron 0 2 * * *, Europe/Paris)`, or what a pipeline waits for. */
export function dueText(d: NextDue): string {
  if (d.kind === "manual") return "never: it has no schedule (slo run starts it)";
  if (d.kind === "datasets") {
    const fresh = d.fresh.length > 0 ? d.fresh.join(", ") : "none";
    return `on new events of ${d.condition} (new so far: ${fresh})`;
  }
  const how = `(cron ${d.cron}, ${d.pipeline.timezone})`;
  if (d.at === null) return `never again: its cron has no instant left ${how}`;
  const at = isoWithOffset(d.at, d.pipeline.timezone);
  return d.overdue ? `now: the instant ${at} was missed ${how}` : `at ${at} ${how}`;
}
