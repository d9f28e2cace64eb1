import { type Command, Option } from "commander";
import { ConfigError } from "../errors.js";
import { defaultCacheFolder } from "../project/cache-folder.js";
import type { ReadOptions } from "../project/read-project.js";

/** Adds the options every verb that reads a project shares. */
export function withProjectOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--sl-env <name>",
        "also read metadata/env.<name>.sl.yml; SL_ENV of the Starlake commands (default: $SL_ENV)",
      ),
    )
    .addOption(
      new Option(
        "--var <key=value...>",
        "set a project variable, over the env files and the environment (repeatable)",
      ),
    )
    .addOption(
      new Option(
        "--strict",
        "treat SQL references to unknown tables as errors; for validate, problems of dag config options too",
      ),
    )
    .addOption(
      new Option(
        "--no-cache",
        "read and parse every file afresh, without the cache of earlier runs ($SLO_CACHE_DIR, default ~/.cache/slo)",
      ),
    );
}

export interface ProjectFlags {
  slEnv?: string;
  var?: string[];
  strict?: boolean;
  /** false with `--no-cache`. */
  cache?: boolean;
}

/** Turns the shared flags into reader options; a malformed `--var` is bad input. */
export function readOptions(flags: ProjectFlags): ReadOptions & { env: NodeJS.ProcessEnv } {
  const vars: Record<string, string> = {};
  for (const pair of flags.var ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new ConfigError(`--var ${JSON.stringify(pair)}: expected KEY=VALUE`);
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const slEnv = flags.slEnv ?? process.env.SL_ENV;
  return {
    ...(slEnv ? { slEnv } : {}),
    vars,
    ...(flags.strict ? { strict: true } : {}),
    ...(flags.cache !== false && !process.env.SLO_NO_CACHE
      ? { cache: defaultCacheFolder(process.env) }
      : {}),
    env: process.env,
  };
}
