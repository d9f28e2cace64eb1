import { printable } from "./printable.js";

/** A problem found in a project or a pipeline: data first, rendered to text in one place. */
export interface Diagnostic {
  /** snake_case identifier, stable across releases (e.g. `unknown_dag_ref`). */
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  /** Project-relative file, when the problem has a place. */
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly col?: number;
  /** YAML path of the offending value, e.g. `table.metadata.schedule`. */
  readonly path?: string;
}

/** One line per diagnostic: `file:line:col: error[code]: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const place =
    d.file === undefined
      ? ""
      : `${d.file}${d.line === undefined ? "" : `:${d.line}:${d.col ?? 1}`}: `;
  // Names and values come from the project (Starlake allows any text in some): a diagnostic stays
  // one line, and no control character in them reaches the terminal.
  const message = d.message.replace(/\r/g, "\\r").replace(/\n/g, "\\n");
  return printable(`${place}${d.severity}[${d.code}]: ${message}`);
}

/** Errors first, then by file, line, column, code: a stable order whatever the reading order. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.severity === "error" ? 0 : 1);
  return [...ds].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}

/** Where a value was written. */
export interface Place {
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly path?: string;
}

/** Builds a diagnostic at a place. */
export function diagnosticAt(
  place: Place | undefined,
  severity: Diagnostic["severity"],
  code: string,
  message: string,
): Diagnostic {
  return { code, severity, message, ...place };
}
