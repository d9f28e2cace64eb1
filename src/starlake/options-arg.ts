/**
 * Merges the Starlake variables of `sl_env_var` into a command's `--options` (spec §4.2): the
 * command's own `k=v` pairs win over the variables, fragments that are not `k=v` are kept after
 * them. Without `--options` the variables are appended as a new `--options`; with no variables and
 * no `--options`, nothing is added (the Python library could emit an empty `--options`).
 */
export function mergeOptionsArg(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
): string[] {
  const at = argv.indexOf("--options");
  const given = at >= 0 ? (argv[at + 1] ?? "") : undefined;
  const pairs = new Map(Object.entries(env));
  const fragments: string[] = [];
  for (const part of (given ?? "").split(",").filter((p) => p.length > 0)) {
    const eq = part.indexOf("=");
    if (eq > 0) pairs.set(part.slice(0, eq), part.slice(eq + 1));
    else fragments.push(part);
  }
  const value = [...[...pairs].map(([k, v]) => `${k}=${v}`), ...fragments].join(",");
  if (at >= 0) return [...argv.slice(0, at + 1), value, ...argv.slice(at + 2)];
  return value.length > 0 ? [...argv, "--options", value] : [...argv];
}
