import { cronName, cronProblem } from "../pipeline/cron.js";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import type { Located } from "../project/project.js";

/** A table's or task's schedule, resolved: a preset with its cron, or a raw cron with a stable name. */
export interface ScheduleRef {
  readonly name: string;
  readonly cron: string;
}

/**
 * A value with a space is a raw cron; otherwise it names a preset of `application.schedulePresets`.
 * `none` (any case) means no schedule, as in Starlake.
 */
export function resolveSchedule(
  value: Located<string> | undefined,
  presets: Readonly<Record<string, string>>,
  diagnostics: Diagnostic[],
): ScheduleRef | undefined {
  if (value === undefined || value.value === "" || value.value.toLowerCase() === "none")
    return undefined;
  const v = value.value;
  if (v.includes(" ")) {
    const problem = cronProblem(v);
    if (problem) {
      diagnostics.push(
        diagnosticAt(
          value.at,
          "error",
          "invalid_cron",
          `invalid cron ${JSON.stringify(v)}: ${problem}`,
        ),
      );
      return undefined;
    }
    return { name: cronName(v), cron: v.trim().split(/\s+/).join(" ") };
  }
  const cron = presets[v];
  if (cron === undefined) {
    const known = Object.keys(presets).sort();
    const expected =
      known.length > 0
        ? `one of the presets ${known.join(", ")} or a five-field cron`
        : "a five-field cron (no schedulePresets are defined in application.sl.yml)";
    diagnostics.push(
      diagnosticAt(
        value.at,
        "error",
        "unknown_schedule",
        `unknown schedule ${JSON.stringify(v)}; expected ${expected}`,
      ),
    );
    return undefined;
  }
  return cronProblem(cron) === undefined ? { name: v, cron } : undefined;
}
