/** Project variables: `{{NAME}}` (and `${NAME}`) substitution as Starlake does for plain names. */
export type Variables = Readonly<Record<string, string>>;

const PATTERN = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces known variables; unknown ones are kept as written and returned in `missing`, so the
 * caller can report them (Starlake renders them empty, which hides typos).
 */
export function renderVariables(
  text: string,
  vars: Variables,
): { text: string; missing: string[] } {
  if (!text.includes("{{") && !text.includes("${")) return { text, missing: [] };
  const missing: string[] = [];
  const out = text.replace(PATTERN, (whole, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b) as string;
    const value = vars[name];
    if (value === undefined) {
      missing.push(name);
      return whole;
    }
    return value;
  });
  return { text: out, missing };
}

/** Names of the variables a text uses. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(PATTERN)].map((m) => (m[1] ?? m[2]) as string);
}

/** Renders every string in a parsed YAML value; reports the paths that used unknown variables. */
export function renderDeep(
  value: unknown,
  vars: Variables,
  path: (string | number)[] = [],
  missing: Array<{ path: (string | number)[]; name: string }> = [],
): { value: unknown; missing: Array<{ path: (string | number)[]; name: string }> } {
  if (typeof value === "string") {
    const r = renderVariables(value, vars);
    for (const name of r.missing) missing.push({ path, name });
    return { value: r.text, missing };
  }
  if (Array.isArray(value))
    return {
      value: value.map((v, i) => renderDeep(v, vars, [...path, i], missing).value),
      missing,
    };
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = renderDeep(v, vars, [...path, k], missing).value;
    return { value: out, missing };
  }
  return { value, missing };
}
