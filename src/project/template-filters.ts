import {
  iterate,
  numberValue,
  TemplateError,
  type TemplateValue,
  toText,
  truthy,
} from "./template-value.js";

type Filter = (v: TemplateValue, args: readonly TemplateValue[]) => TemplateValue;

const text =
  (f: (s: string) => string): Filter =>
  (v) =>
    f(toText(v));

/**
 * The filters Starlake projects use, as Jinjava applies them. `default` replaces a null value
 * (an undefined name), or with a true second argument any false one; the default is printed as text.
 */
export const FILTERS: Readonly<Record<string, Filter>> = {
  default: defaultFilter,
  d: defaultFilter,
  lower: text((s) => s.toLowerCase()),
  upper: text((s) => s.toUpperCase()),
  trim: text((s) => s.trim()),
  string: text((s) => s),
  capitalize: text((s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()),
  replace: (v, args) => {
    if (args.length < 2) throw new TemplateError("replace needs two arguments");
    return toText(v)
      .split(toText(args[0] ?? null))
      .join(toText(args[1] ?? null));
  },
  length: (v) => numberValue(typeof v === "string" ? v.length : iterate(v).length),
  join: (v, args) =>
    iterate(v)
      .map(toText)
      .join(toText(args[0] ?? "")),
};

function defaultFilter(v: TemplateValue, args: readonly TemplateValue[]): TemplateValue {
  const use = truthy(args[1] ?? false) ? !truthy(v) : v === null;
  if (!use) return v;
  const fallback = args[0] ?? null;
  const kept = fallback === null || typeof fallback === "string" || Array.isArray(fallback);
  return kept ? fallback : toText(fallback);
}

export const FILTER_NAMES = Object.keys(FILTERS).join(", ");
