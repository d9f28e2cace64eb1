import {
  isRecord,
  iterate,
  numberValue,
  TemplateError,
  type TemplateValue,
  toText,
  truthy,
} from "./template-value.js";

type Filter = (v: TemplateValue, args: readonly TemplateValue[]) => TemplateValue;

/** A filter of strings: other values pass through unchanged, as in Jinjava. */
const onString =
  (f: (s: string) => string): Filter =>
  (v) =>
    typeof v === "string" ? f(v) : v;

/** Java's `Objects.toString`: null is the text "null". */
const javaText = (v: TemplateValue) => (v === null ? "null" : toText(v));

/**
 * The filters Starlake projects use, as Jinjava 2.7 applies them (`lib/filter`). `default`
 * replaces a null value (an undefined name), or with a true second argument any false one.
 */
export const FILTERS: Readonly<Record<string, Filter>> = {
  default: defaultFilter,
  d: defaultFilter,
  lower: onString((s) => s.toLowerCase()),
  upper: onString((s) => s.toUpperCase()),
  capitalize: onString((s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()),
  trim: (v) => javaTrim(javaText(v)),
  string: javaText,
  replace: (v, args) => {
    if (args.length < 2) throw new TemplateError("replace needs two arguments");
    if (v === null) return null;
    return toText(v)
      .split(toText(args[0] ?? null))
      .join(toText(args[1] ?? null));
  },
  length: (v) =>
    numberValue(
      typeof v === "string" ? v.length : Array.isArray(v) || isRecord(v) ? iterate(v).length : 0,
    ),
  join: (v, args) =>
    iterate(v)
      .map(toText)
      .join(toText(args[0] ?? "")),
};

/** Java's `String.trim`: characters up to the space, not every Unicode space. */
function javaTrim(s: string): string {
  let from = 0;
  let to = s.length;
  while (from < to && s.charCodeAt(from) <= 32) from++;
  while (to > from && s.charCodeAt(to - 1) <= 32) to--;
  return s.slice(from, to);
}

function defaultFilter(v: TemplateValue, args: readonly TemplateValue[]): TemplateValue {
  const use = truthy(args[1] ?? false) ? !truthy(v) : v === null;
  if (!use) return v;
  const fallback = args[0] ?? null;
  const kept = fallback === null || typeof fallback === "string" || Array.isArray(fallback);
  return kept ? fallback : toText(fallback);
}

export const FILTER_NAMES = Object.keys(FILTERS).join(", ");
