import { statSync } from "node:fs";
import { ConfigError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { type ShellSettings, slRoot, starlakeOf } from "./shell-invocation.js";

/**
 * Bad input before anything runs: what the operating system cannot pass to a command. A NUL byte
 * ends a C string, so an argument, a variable or a folder holding one would be cut short or make
 * the process fail to start; a variable name with `=` would set another variable. The message
 * names the pipeline, the task, and where the value is.
 */
export function checkCommands(pipeline: Pipeline, settings: ShellSettings): void {
  const where = `pipeline ${pipeline.id}${pipeline.source ? ` (dag config ${pipeline.source.config})` : ""}`;
  const first = pipeline.tasks.find((t) => t.command !== undefined);
  // a cloud task's argv and variables go to an API as strings: no process, no folder here
  if (first === undefined || pipeline.environment.kind !== "shell") return;
  const bad = (what: string, value: string) =>
    new ConfigError(
      `${where}, task ${first.id}: ${what} holds a NUL byte (${JSON.stringify(value.slice(0, 60))}), which no command can be given`,
    );
  if (starlakeOf(pipeline, settings).includes("\0"))
    throw bad("the starlake executable", starlakeOf(pipeline, settings));
  const root = slRoot(pipeline);
  if (root.includes("\0")) throw bad("SL_ROOT, the folder commands run in", root);
  if (!isFolder(root))
    throw new ConfigError(
      `${where}: SL_ROOT ${root} is not a folder; commands run there (set SL_ROOT, or run from the project)`,
    );
  for (const [key, value] of Object.entries(pipeline.environment.env)) {
    if (key.includes("\0")) throw bad("the name of an sl_env_var variable", key);
    if (String(value).includes("\0")) throw bad(`sl_env_var variable ${key}`, String(value));
    if (key.length === 0 || key.includes("="))
      throw new ConfigError(
        `${where}: sl_env_var variable ${JSON.stringify(key)}: expected a name without "=" (a variable name cannot hold one)`,
      );
  }
  for (const task of pipeline.tasks)
    task.command?.forEach((arg, i) => {
      if (arg.includes("\0"))
        throw new ConfigError(
          `${where}, task ${task.id}: argument ${i + 1} of its command holds a NUL byte (${JSON.stringify(arg.slice(0, 60))}), which no command can be given`,
        );
    });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
