import type { Task } from "../pipeline/pipeline.js";
import { starlakeArgv } from "./command-line.js";
import { SENTINEL_SCOPE_TOKEN } from "./preload-outcome.js";

/** A value only a run knows: its scheduled date, its data interval, its sentinel scope. */
export type RunValueName = "scheduled" | "start" | "end" | "scope";

/** A piece of an argument: literal text, or the place of a run value. */
export type ArgPiece = string | { readonly value: RunValueName };

/** NUL never occurs in a real argument (argv strings end at NUL), so markers cannot collide. */
const marker = (name: RunValueName) => `\u0000${name}\u0000`;

/**
 * The argv of `starlakeArgv` for a runner that fills the run's values in later (a generated
 * file): each argument split into literal text and the places of run values, the sentinel
 * scope token included. Generated backends render the pieces their own way.
 */
export function argvTemplate(task: Task, env: Readonly<Record<string, string>>): ArgPiece[][] {
  const argv = starlakeArgv(task, env, {
    scheduledDate: marker("scheduled"),
    interval: { start: marker("start"), end: marker("end") },
  });
  return argv.map(argPieces);
}

/** One argument (or a sentinel path) split into literal text and run-value places. */
export function argPieces(arg: string): ArgPiece[] {
  return (
    arg
      .replaceAll(SENTINEL_SCOPE_TOKEN, marker("scope"))
      // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL marks run values
      .split(/(\u0000(?:scheduled|start|end|scope)\u0000)/)
      .filter((p) => p.length > 0)
      .map((p) => (p.startsWith("\u0000") ? { value: p.slice(1, -1) as RunValueName } : p))
  );
}
