import { type Document, isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { Diagnostic, Place } from "../pipeline/diagnostic.js";

/** A parsed YAML file that can still say where each value was written. */
export interface YamlFile {
  /** Project-relative path, as shown in messages. */
  readonly file: string;
  readonly data: unknown;
  /** Place of the value at a path (or of the nearest written ancestor). */
  placeOf(path: readonly (string | number)[]): Place;
  /** Place of the key that ends a path (for "unknown key" messages). */
  keyPlaceOf(path: readonly (string | number)[]): Place;
}

/**
 * Parses YAML with positions. YAML 1.2 core schema: `yes`/`no` stay strings, so a value is never
 * silently turned into a boolean; options are validated as strings afterwards.
 */
export function parseYaml(
  file: string,
  text: string,
): { yaml?: YamlFile; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Place => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.map((e) => ({
      code: "invalid_yaml",
      severity: "error" as const,
      message: `invalid YAML: ${(e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")}`,
      ...at(e.pos[0]),
    }));
    return { diagnostics };
  }
  const placeOf = (path: readonly (string | number)[]) => placeIn(doc, path, at, file);
  const keyPlaceOf = (path: readonly (string | number)[]): Place => {
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    const pair = isMap(parent)
      ? parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1])
      : undefined;
    const range = isScalar(pair?.key) ? pair.key.range : undefined;
    return range ? { ...at(range[0]), path: path.join(".") } : placeOf(path);
  };
  return {
    yaml: { file, data: doc.toJS({ maxAliasCount: 1000 }), placeOf, keyPlaceOf },
    diagnostics: [],
  };
}

function placeIn(
  doc: Document,
  path: readonly (string | number)[],
  at: (offset: number) => Place,
  file: string,
): Place {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const node = prefix.length === 0 ? doc.contents : doc.getIn(prefix, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return { ...at(range[0]), path: path.join(".") };
  }
  return { file, path: path.join(".") };
}
