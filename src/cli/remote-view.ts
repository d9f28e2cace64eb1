import { printable } from "../pipeline/printable.js";
import type { BackfillProgress, BackfillReport, OutcomeState } from "../remote/backfill.js";
import type { RunDetail } from "../remote/run-status.js";
import { table } from "../util/text-table.js";

/** A run and, for Airflow, its tasks; every string from the server made printable. */
export function runDetailText(d: RunDetail): string {
  const p = printable;
  const lines = [
    `run ${p(d.ref)} (${p(d.pipeline)}): ${p(d.serverState)}`,
    `  started ${p(d.startedAt ?? "-")}, ended ${p(d.endedAt ?? "-")}`,
  ];
  if (d.tasks && d.tasks.length > 0)
    lines.push(
      ...table(
        ["task", "state", "tries"],
        d.tasks.map((t) => [p(t.id), p(t.state), String(t.tries)]),
      ).map((l) => `  ${l}`),
    );
  return `${lines.join("\n")}\n`;
}

const SHOWN: OutcomeState[] = [
  "success",
  "failed",
  "canceled",
  "rejected",
  "running",
  "queued",
  "not_submitted",
];

function countsText(p: BackfillProgress): string {
  return SHOWN.filter((s) => p.counts[s] > 0 && s !== "not_submitted")
    .map((s) => `${p.counts[s]} ${s}`)
    .join(" · ");
}

/**
 * Progress of `slo backfill` on stderr: on a terminal, a bar redrawn in place; elsewhere, a line
 * when the counts change, at most every few seconds (CI logs stay short).
 */
export class BackfillView {
  private lastLine = "";
  private lastAt = 0;
  private readonly live: boolean;
  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.live = out.isTTY === true;
  }

  progress(p: BackfillProgress): void {
    const finished = p.counts.success + p.counts.failed + p.counts.canceled + p.counts.rejected;
    const counts = countsText(p);
    const text = `${p.submitted}/${p.total} submitted, ${finished}/${p.total} finished${counts ? `: ${counts}` : ""}`;
    if (this.live) {
      const width = 24;
      const filled = p.total === 0 ? width : Math.round((finished / p.total) * width);
      this.out.write(`\r\x1b[K[${"#".repeat(filled)}${".".repeat(width - filled)}] ${text}`);
      return;
    }
    const now = Date.now();
    if (text !== this.lastLine && (now - this.lastAt > 3000 || finished === p.total)) {
      this.out.write(`${text}\n`);
      this.lastLine = text;
      this.lastAt = now;
    }
  }

  done(): void {
    if (this.live) this.out.write("\r\x1b[K");
  }
}

/** Counts by state, then each combination that did not succeed. */
export function backfillSummary(r: BackfillReport): string {
  const counts = new Map<string, number>();
  for (const o of r.outcomes) counts.set(o.state, (counts.get(o.state) ?? 0) + 1);
  const lines = [
    `backfill of ${printable(r.target)}: ${r.outcomes.length} runs${r.resumed > 0 ? ` (${r.resumed} already submitted before, followed)` : ""}`,
    ...table(
      ["state", "runs"],
      SHOWN.filter((s) => counts.has(s)).map((s) => [s, String(counts.get(s))]),
    ).map((l) => `  ${l}`),
  ];
  const bad = r.outcomes.filter((o) => o.state !== "success");
  if (bad.length > 0 && !r.interrupted)
    lines.push(
      "",
      ...table(
        ["partition", "state", "run", "reason"],
        bad.map((o) => [o.key, o.state, o.ref ?? "-", o.reason ?? ""].map(printable)),
      ),
    );
  return `${lines.join("\n")}\n`;
}
