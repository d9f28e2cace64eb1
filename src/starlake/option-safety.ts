import type { Diagnostic } from "../pipeline/diagnostic.js";
import { diagnosticAt } from "../pipeline/diagnostic.js";
import type { RawOption } from "./resolve-options.js";

/**
 * The checks Starlake applies to load dag config options, applied to every config and after
 * variables are rendered (Starlake checks the unrendered text, so `{{SL_ROOT}}/../x` passes):
 * no empty key, no `..` path segment, no absolute path outside SL_ROOT (the Starlake executable
 * excepted). Values that are JSON are not paths.
 */
export function checkOptionSafety(
  raw: ReadonlyMap<string, RawOption>,
  slRoot: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = slRoot.replace(/\/+$/, "");
  for (const [key, { value, at }] of raw) {
    if (key.trim() === "")
      out.push(diagnosticAt(at, "error", "unsafe_option", "an option has an empty name"));
    const v = value.trim();
    if (v.startsWith("{") || v.startsWith("[")) continue;
    if (/(^|[/\\])\.\.([/\\]|$)/.test(v)) {
      out.push(
        diagnosticAt(
          at,
          "error",
          "unsafe_option",
          `option ${key}: ${JSON.stringify(v)} climbs out of a folder with ..; expected a path without ..`,
        ),
      );
    } else if (
      v.startsWith("/") &&
      key !== "SL_STARLAKE_PATH" &&
      v !== root &&
      !v.startsWith(`${root}/`)
    ) {
      out.push(
        diagnosticAt(
          at,
          "warning",
          "path_outside_root",
          `option ${key}: ${JSON.stringify(v)} is outside SL_ROOT (${root}); Starlake refuses such paths in load dag configs`,
        ),
      );
    }
  }
  return out;
}
