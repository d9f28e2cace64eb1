import type { Diagnostic } from "./pipeline/diagnostic.js";
import { formatDiagnostic } from "./pipeline/diagnostic.js";

/** Base of every error we raise on purpose; `exitCode` is what the CLI exits with. */
export abstract class SloError extends Error {
  abstract readonly exitCode: number;
}

/** Bad input: a project, an option, a flag. Exit 2. */
export class ConfigError extends SloError {
  readonly exitCode = 2;
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[] | string, options?: ErrorOptions) {
    const ds: readonly Diagnostic[] =
      typeof diagnostics === "string"
        ? [{ code: "bad_input", severity: "error", message: diagnostics }]
        : diagnostics;
    super(ds.map(formatDiagnostic).join("\n"), options);
    this.name = "ConfigError";
    this.diagnostics = ds;
  }
}

/** A run that failed (a task failed, a remote run failed). Exit 1. */
export class RunError extends SloError {
  readonly exitCode = 1;
  override readonly name = "RunError";
}

/** A remote orchestrator refused or could not be reached. Exit 1. */
export class RemoteError extends SloError {
  readonly exitCode = 1;
  override readonly name = "RemoteError";
}

/** A bug of ours: reported with its cause, exit 70 (EX_SOFTWARE). */
export class InternalError extends SloError {
  readonly exitCode = 70;
  override readonly name = "InternalError";
}
