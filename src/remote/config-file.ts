import { readFileSync } from "node:fs";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { checkFile } from "../project/check-file.js";
import { parseYaml } from "../project/yaml-file.js";

/**
 * Reads one of our own YAML files (profiles, backfills) and validates it; any problem is a
 * ConfigError whose lines name the file, the line and column, the key path and what was expected.
 */
export function readConfigFile<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `${path}: ${code === "ENOENT" ? "no such file" : `cannot read (${code ?? e})`}`,
    );
  }
  const parsed = parseYaml(path, text);
  if (parsed.yaml === undefined) throw new ConfigError(parsed.diagnostics);
  const checked = checkFile(parsed.yaml, schema);
  // Our schemas are strict, so an unknown key is already an error; the typo hints repeat it.
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || checked.value === undefined) throw new ConfigError(errors);
  return checked.value;
}
