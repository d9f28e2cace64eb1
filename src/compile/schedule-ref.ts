import { cronName, cronProblem } from "../pipeline/cron.js";
import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import type { Located } from "../project/project.js";

/** The presets of Starlake's Settings.defaultCronPresets. */
const STARLAKE_BUILT_IN_PRESETS: Readonly<Record<string, string>> = {
  hourly: "0 * * * *",
  daily: "0 0 * * *",
  weekly: "0 0 * * 1",
  monthly: "0 0 1 * *",
  yearly: "0 0 1 1 *",
};

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
    // Starlake 1.5.16 knows these too, but only its dag-generate does: its validate checks the
    // application's presets alone and rejects them (the sample project of `starlake bootstrap`
    // says `schedule: hourly` and fails that check), so we reject them with the way out.
    const builtIn = STARLAKE_BUILT_IN_PRESETS[v];
    const hint =
      builtIn === undefined
        ? ""
        : ` (${v} is built into starlake dag-generate as ${builtIn}, but starlake validate rejects it as we do: add ${v}: "${builtIn}" to application.schedulePresets)`;
    diagnostics.push(
      diagnosticAt(
        value.at,
        "error",
        "unknown_schedule",
        `unknown schedule ${JSON.stringify(v)}; expected ${expected}${hint}`,
      ),
    );
    return undefined;
  }
  return cronProblem(cron) === undefined ? { name: v, cron } : undefined;
}
