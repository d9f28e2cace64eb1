import { hasTemplate, renderTemplate } from "./template.js";

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
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) {
      missing.push(name);
      return whole;
    }
    return value;
  });
  return { text: out, missing };
}

/**
 * A value rendered as Starlake renders dag config values (`Utils.parseJinja`: Jinja over the
 * variables, undefined names empty, then `${name}` of known names). Values using template syntax
 * we do not render fall back to plain substitution, unknown names kept.
 */
export function renderJinjaValue(
  text: string,
  vars: Variables,
): { text: string; missing: string[] } {
  if (!hasTemplate(text)) return renderVariables(text, vars);
  const r = renderTemplate(text, vars);
  if (r.problems.length > 0) return renderVariables(text, vars);
  // Only `${name}` is substituted after Jinja: a `{{…}}` left in the result came out of
  // `{% raw %}` on purpose and stays as it is.
  const rest = r.text.replace(DOLLAR, (whole, name: string) =>
    Object.hasOwn(vars, name) ? (vars[name] as string) : whole,
  );
  return { text: rest, missing: r.undefinedNames.map((u) => u.name) };
}

const DOLLAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
