/**
 * What text can reach the Starlake CLI intact, through every runner (engine, Airflow, Dagster).
 * Each check returns why a value cannot, or undefined when it can.
 */

/**
 * NUL ends a C string: no argv, environment variable or Airflow file can carry one. A lone UTF-16
 * surrogate has no UTF-8 form: Node replaces it, Python refuses it, so runners would disagree.
 */
export function textProblem(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains a NUL byte, which no command line can carry";
  // with the u flag a surrogate pair is one code point: only lone halves match
  if (/[\uD800-\uDFFF]/u.test(text))
    return "contains a lone UTF-16 surrogate, which is not valid Unicode";
  return undefined;
}

/**
 * Starlake reads `--tables`, `--domains` and `--options` as comma-separated lists and has no
 * quoting (scopt splits on every comma): a comma in an item would make two items.
 */
export function listItemProblem(text: string): string | undefined {
  return (
    textProblem(text) ??
    (text.includes(",")
      ? "contains a comma, which Starlake's comma-separated list arguments split on (they have no quoting)"
      : undefined)
  );
}

/** POSIX names of environment variables: what a shell can export and `k=v` options can name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function envNameProblem(name: string): string | undefined {
  return ENV_NAME.test(name)
    ? undefined
    : "is not an environment variable name; expected letters, digits and _, not starting with a digit";
}
