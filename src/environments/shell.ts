import type { ShellEnvironment } from "../pipeline/environment.js";
import type { BuiltInEnvironment } from "./environment-kind.js";

/** Starlake on the local machine: `SL_STARLAKE_PATH <argv>` in SL_ROOT. */
export const shell: BuiltInEnvironment<ShellEnvironment> = {
  name: "shell",
  optionKeys: [],
  read(o, base) {
    return {
      kind: "shell",
      ...base,
      starlakePath: o.verbatim("SL_STARLAKE_PATH") ?? "starlake",
      includeEnvVars: o.list("sl_include_env_vars"),
    };
  },
};
