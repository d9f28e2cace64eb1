import { CORE_SCHEMA, load } from "js-yaml";
import { type Document, isAlias, isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import type { Diagnostic, Place } from "../pipeline/diagnostic.js";
import { MAX_ALIASED_VALUES, MAX_YAML_DEPTH, yamlBoundsProblem } from "./yaml-bounds.js";

type Path = readonly (string | number)[];

/** A parsed YAML file that can still say where each value was written. */
export interface YamlFile {
  /** Project-relative path, as shown in messages. */
  readonly file: string;
  readonly data: unknown;
  /** Place of the value at a path (or of the nearest written ancestor). */
  placeOf(path: Path): Place;
  /** Place of the key that ends a path (for "unknown key" messages). */
  keyPlaceOf(path: Path): Place;
}

/** The text a rendered file came from, so places point at what the user wrote. */
export interface SourceOrigin {
  readonly source: string;
  sourceOffset(renderedOffset: number): number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Parses YAML (1.2 core schema: `yes`/`no` stay strings, a value is never silently a boolean).
 * The fast parser (js-yaml) reads every file; positions come from a second, position-keeping
 * parse (yaml) made only when a place is read, that is when there is a problem to report. On
 * large projects this is ten times faster than keeping positions for every file.
 */
export function parseYaml(
  file: string,
  text: string,
  origin?: SourceOrigin,
): { yaml?: YamlFile; diagnostics: Diagnostic[] } {
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA, filename: file });
  } catch {
    return parseWithPositions(file, text, origin); // reports the error with its place
  }
  if (yamlBoundsProblem(data) !== undefined) return parseWithPositions(file, text, origin, data);
  let located: YamlFile | undefined;
  const positions = (): YamlFile => {
    located ??= parseWithPositions(file, text, origin, data).yaml ?? {
      file,
      data,
      placeOf: () => ({ file }),
      keyPlaceOf: () => ({ file }),
    };
    return located;
  };
  return {
    yaml: {
      file,
      data: data ?? null,
      placeOf: (path) => lazyPlace(file, () => positions().placeOf(path)),
      keyPlaceOf: (path) => lazyPlace(file, () => positions().keyPlaceOf(path)),
    },
    diagnostics: [],
  };
}

/**
 * A file's YAML from data parsed on an earlier run (parse-cache.ts): places are computed, as for
 * a fresh parse, from the text, read only when a place is asked for.
 */
export function yamlOfData(file: string, data: unknown, text: () => string | undefined): YamlFile {
  let located: YamlFile | undefined;
  const positions = (): YamlFile => {
    const current = located === undefined ? text() : undefined;
    located ??= (current === undefined
      ? undefined
      : parseWithPositions(file, current, undefined, data).yaml) ?? {
      file,
      data,
      placeOf: () => ({ file }),
      keyPlaceOf: () => ({ file }),
    };
    return located;
  };
  return {
    file,
    data,
    placeOf: (path) => lazyPlace(file, () => positions().placeOf(path)),
    keyPlaceOf: (path) => lazyPlace(file, () => positions().keyPlaceOf(path)),
  };
}

/** A place whose line and column are computed when first read. */
function lazyPlace(file: string, resolve: () => Place): Place {
  let place: Place | undefined;
  const get = (): Place => {
    place ??= resolve();
    return place;
  };
  return {
    file,
    get line() {
      return get().line;
    },
    get col() {
      return get().col;
    },
    get path() {
      return get().path;
    },
  };
}

/**
 * The position-keeping parse: reports a file the fast parser refused with its place, and gives
 * places for a file it read (then `data` is the fast parser's, and only positions are computed).
 */
function parseWithPositions(
  file: string,
  text: string,
  origin: SourceOrigin | undefined,
  data?: unknown,
): { yaml?: YamlFile; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const sourceLines = origin ? new LineCounter() : undefined;
  if (origin && sourceLines)
    for (const start of lineStarts(origin.source)) sourceLines.addNewLine(start);
  const at = (offset: number): Place => {
    const { line, col } =
      origin && sourceLines
        ? sourceLines.linePos(origin.sourceOffset(offset))
        : lineCounter.linePos(offset);
    return { file, line, col };
  };
  const invalid = (message: string, place: Place = { file }) => ({
    diagnostics: [{ code: "invalid_yaml", severity: "error" as const, message, ...place }],
  });
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    return invalid(`invalid YAML: ${firstLine(e)}`);
  }
  if (doc.errors.length > 0) {
    const diagnostics = doc.errors.map((e) => ({
      code: "invalid_yaml",
      severity: "error" as const,
      message: `invalid YAML: ${firstLine(e).replace(/ at line \d+, column \d+:?$/, "")}`,
      ...at(e.pos[0]),
    }));
    return { diagnostics };
  }
  let value = data;
  if (value === undefined) {
    try {
      // No alias count here: the exact bound below applies to both parsers alike.
      value = doc.toJS({ maxAliasCount: -1 });
    } catch {
      const alias = unresolvedAlias(doc);
      return invalid(
        alias
          ? `invalid YAML: alias *${alias.source} names no anchor written before it; expected &${alias.source} earlier in the file`
          : "invalid YAML: an alias that cannot be resolved",
        alias?.range ? at(alias.range[0]) : { file },
      );
    }
  }
  const placeOf = (path: Path) => placeIn(doc, path, at, file);
  const problem = yamlBoundsProblem(value);
  if (problem?.kind === "too_deep") {
    return invalid(
      `invalid YAML: values nested deeper than ${MAX_YAML_DEPTH} levels; expected a flatter file`,
      placeOf(problem.path),
    );
  }
  if (problem?.kind === "alias_bomb") {
    const first = firstAlias(doc);
    return invalid(
      `invalid YAML: aliases expand to ${problem.values} values, more than ${MAX_ALIASED_VALUES} beyond those written (an alias bomb); expected anchors reused a few times`,
      first?.range ? at(first.range[0]) : { file },
    );
  }
  const keyPlaceOf = (path: Path): Place => {
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    const pair = isMap(parent)
      ? parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1])
      : undefined;
    const range = isScalar(pair?.key) ? pair.key.range : undefined;
    return range ? { ...at(range[0]), path: path.join(".") } : placeOf(path);
  };
  return { yaml: { file, data: value ?? null, placeOf, keyPlaceOf }, diagnostics: [] };
}

function firstLine(e: unknown): string {
  const message = ((e as Error)?.message ?? String(e)).split("\n")[0] ?? "";
  // The parser recurses per level: a file deep enough to exhaust the stack is just too deep.
  if (/call stack/i.test(message))
    return `values nested deeper than ${MAX_YAML_DEPTH} levels; expected a flatter file`;
  if (/multiple documents/i.test(message))
    return "a second document (after ---); expected one document per file";
  return message;
}

type AliasNode = { source: string; range?: [number, number, number] | null };

/** The first alias whose anchor is not written before it (in document order, as YAML reads). */
function unresolvedAlias(doc: Document): AliasNode | undefined {
  const anchors = new Set<string>();
  let found: AliasNode | undefined;
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) {
        if (anchors.has(node.source)) return undefined;
        found = node;
        return visit.BREAK;
      }
      if (node.anchor) anchors.add(node.anchor);
      return undefined;
    },
  });
  return found;
}

function firstAlias(doc: Document): AliasNode | undefined {
  let found: AliasNode | undefined;
  visit(doc, {
    Node(_, node) {
      if (!isAlias(node)) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

function placeIn(doc: Document, path: Path, at: (offset: number) => Place, file: string): Place {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const node = prefix.length === 0 ? doc.contents : doc.getIn(prefix, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return { ...at(range[0]), path: path.join(".") };
  }
  return { file, path: path.join(".") };
}
