import { dirname } from "node:path";
import type { Pipeline } from "../pipeline/pipeline.js";
import { runDateText as dateText, type RunDate } from "../pipeline/run-period.js";
import type { Schedule } from "../pipeline/schedule.js";
import { conditionText } from "../pipeline/trigger-condition.js";
import { periodLine, periodRule } from "./period-text.js";

/** Quotes an argument only when a shell would need it, for display. */
const isControl = (c: string) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;

export function shown(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  // Control characters would break the table: bash's $'…' quoting writes them as escapes.
  if ([...arg].some(isControl)) {
    const named: Record<string, string> = {
      "\\": "\\\\",
      "'": "\\'",
      "\n": "\\n",
      "\r": "\\r",
      "\t": "\\t",
    };
    const escaped = (c: string) =>
      named[c] ?? (isControl(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c);
    return `$'${[...arg].map(escaped).join("")}'`;
  }
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

function scheduleText(s: Schedule): string {
  if (s.kind === "cron")
    return `cron ${s.cron}${s.name ? ` (${s.name}, ${s.timezone})` : ` (${s.timezone})`}`;
  if (s.kind === "datasets")
    return typeof s.strategy === "string"
      ? `when ${s.strategy} of ${s.datasets.join(", ")}`
      : `when ${conditionText(s.strategy)}`;
  return "manual";
}

function table(rows: readonly string[][], indent: string): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) =>
    `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ")}`.trimEnd(),
  );
}

/** One line per pair of areas the pipeline's loads return files between (one in practice). */
function recoveryLines(p: Pipeline): string[] {
  const pairs = new Set<string>();
  for (const t of p.tasks)
    if (t.recover)
      pairs.add(
        `  before each load attempt: files a failed load left in ${dirname(t.recover.ingesting)}/<domain>/ go back to ${dirname(t.recover.pending)}/<domain>/`,
      );
  return [...pairs];
}

/** The readable form of `slo plan`: one block per pipeline, one row per task; with a date, its period. */
export function planText(pipelines: readonly Pipeline[], date?: RunDate): string {
  const out: string[] = [];
  for (const p of pipelines) {
    const from = p.source ? `  from ${p.source.file} (${p.source.config})` : "";
    out.push(`${p.id}  [${p.kind}]  ${scheduleText(p.schedule)}${from}`);
    if (p.description) out.push(`  ${p.description.replace(/\s*\n\s*/g, " ")}`);
    if (p.dataCron && (p.schedule.kind !== "cron" || p.schedule.cron !== p.dataCron))
      out.push(`  data cron: ${p.dataCron}`);
    if (date !== undefined) out.push(`  run for ${dateText(date)}: ${periodLine(p, date)}`);
    else if (p.dataCron !== undefined) out.push(`  dates: ${periodRule(p.dataCron, p.timezone)}`);
    const produced = p.tasks.flatMap((t) => (t.produces ? [t.produces] : []));
    // a pipeline named like the dataset of its last task publishes one name twice: said once
    if (produced.length > 0) out.push(`  produces: ${[...new Set(produced)].join(", ")}`);
    const upstream = new Map<string, string[]>();
    for (const e of p.edges) upstream.set(e.to, [...(upstream.get(e.to) ?? []), e.from]);
    const rows = [["TASK", "KIND", "GROUP", "AFTER", "COMMAND"]];
    for (const t of p.tasks) {
      rows.push([
        t.id,
        t.kind,
        t.group ?? "",
        (upstream.get(t.id) ?? []).join(","),
        (t.command ?? []).map(shown).join(" "),
      ]);
    }
    out.push(...table(rows, "  "));
    for (const t of p.tasks) {
      const sensor = t.gate?.sensor;
      if (sensor)
        out.push(
          `  wait: ${t.id} checks every ${sensor.pokeInterval} s for up to ${sensor.timeout} s, then ${sensor.softFail ? "skips its loads" : "fails"}`,
        );
    }
    out.push(...recoveryLines(p));
    for (const n of p.notes ?? []) out.push(`  note: ${n}`);
    out.push("");
  }
  out.push(
    `${pipelines.length} pipeline(s), ${pipelines.reduce((n, p) => n + p.tasks.length, 0)} task(s)`,
  );
  return `${out.join("\n")}\n`;
}
