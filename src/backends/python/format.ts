import { createRequire } from "node:module";

type RuffWorkspace = {
  format(code: string): string;
  check(code: string): Array<{
    code: string | null;
    message: string;
    start_location: { row: number; column: number };
  }>;
};

let workspace: RuffWorkspace | undefined;

/** Ruff (WebAssembly): its defaults (line length 88, default rules) plus pycodestyle and import order. */
function ruff(): RuffWorkspace {
  if (workspace === undefined) {
    const { Workspace, PositionEncoding } = createRequire(import.meta.url)(
      "@astral-sh/ruff-wasm-nodejs",
    );
    workspace = new Workspace(
      { "line-length": 88, lint: { "extend-select": ["E", "W", "I"], ignore: ["E501"] } },
      PositionEncoding.Utf16,
    ) as RuffWorkspace;
  }
  return workspace;
}

/** Formats generated Python as `ruff format` would, so files are stable and diff well. */
export function formatPython(source: string): string {
  return ruff().format(source);
}

/** Ruff's lint findings for generated Python, as `line:col code message` (empty when clean). */
export function lintPython(source: string): string[] {
  return ruff()
    .check(source)
    .map(
      (d) =>
        `${d.start_location.row}:${d.start_location.column} ${d.code ?? "syntax"} ${d.message}`,
    );
}
