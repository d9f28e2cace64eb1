import type { Diagnostic } from "../pipeline/diagnostic.js";
import { hasTemplate, renderTemplate } from "./template.js";
import type { Variables } from "./variables.js";
import type { SourceOrigin } from "./yaml-file.js";

/** A project file rendered over the active variables, its problems located in the source text. */
export interface RenderedFile {
  readonly text: string;
  /** Absent when the file holds no template syntax (nothing to map back). */
  readonly origin?: SourceOrigin;
  readonly diagnostics: Diagnostic[];
}

/**
 * Renders a file as Starlake does before reading it; an undefined variable renders empty (as in
 * Starlake) and is reported, named, where it is used.
 */
export function renderFile(file: string, source: string, vars: Variables): RenderedFile {
  if (!hasTemplate(source)) return { text: source, diagnostics: [] };
  const r = renderTemplate(source, vars);
  const lines = lineStarts(source);
  const place = (offset: number) => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lines[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: offset - (lines[lo] as number) + 1 };
  };
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const u of r.undefinedNames) {
    const at = place(u.offset);
    const key = `${u.name}@${at.line}:${at.col}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({
      code: "undefined_variable",
      severity: "warning",
      message: `variable ${u.name} is not defined; it renders empty, as in Starlake (define it in metadata/env.sl.yml, metadata/env.<SL_ENV>.sl.yml, the environment or --var)`,
      ...at,
    });
  }
  for (const p of r.problems) {
    diagnostics.push({
      code: "invalid_template",
      severity: "error",
      message: p.message,
      ...place(p.offset),
    });
  }
  return {
    text: r.text,
    origin: { source, sourceOffset: (o) => r.sourceOffset(o) },
    diagnostics,
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** SQL rendered for lineage, with a way back from a place in it to the text as written. */
export interface RenderedSql {
  readonly text: string;
  toSource(line: number, col: number): { line: number; col: number };
}

/**
 * Renders a task's SQL over the active variables, as Starlake does when it reads the task. SQL may
 * use variables that only exist when the task runs (dates, `--options`) and tags we do not render:
 * then it is kept as written, and lineage reads it with the template syntax neutralised.
 */
export function renderSql(source: string, vars: Variables): RenderedSql {
  const same = { text: source, toSource: (line: number, col: number) => ({ line, col }) };
  if (!hasTemplate(source)) return same;
  const r = renderTemplate(source, vars);
  if (r.undefinedNames.length > 0 || r.problems.length > 0) return same;
  const renderedLines = lineStarts(r.text);
  const sourceLines = lineStarts(source);
  return {
    text: r.text,
    toSource: (line, col) => {
      const offset = (renderedLines[line - 1] ?? 0) + col - 1;
      const back = r.sourceOffset(offset);
      let l = 0;
      while (l + 1 < sourceLines.length && (sourceLines[l + 1] as number) <= back) l++;
      return { line: l + 1, col: back - (sourceLines[l] as number) + 1 };
    },
  };
}
