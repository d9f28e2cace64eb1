import type { EnvironmentKind } from "./environment-kind.js";

/** Starlake on the local machine: `SL_STARLAKE_PATH <argv>` in SL_ROOT. */
export const shell: EnvironmentKind = {
  name: "shell",
  settings(options) {
    return {
      settings: {
        starlakePath: options.SL_STARLAKE_PATH ?? "starlake",
        includeEnvVars: options.sl_include_env_vars ?? "",
      },
      diagnostics: [],
    };
  },
};
