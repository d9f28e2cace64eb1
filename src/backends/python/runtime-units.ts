/**
 * The Python runtime that generated files carry lives in real .py files (formatted, linted and
 * tested as Python), inlined into the renderers by scripts/inline-python.mjs. A renderer writes
 * only the top-level definitions its file uses: this module cuts runtime files into those units,
 * keeps the ones a file's own code reaches, and writes the imports they need.
 */

/** `import module` (`import module as alias`), or `from module import name`. */
export interface PyImport {
  readonly module: string;
  readonly name?: string;
  readonly alias?: string;
}

/** One top-level definition of a runtime file (with its comment), and its file's imports. */
export interface RuntimeUnit {
  readonly name: string;
  readonly text: string;
  readonly imports: readonly PyImport[];
}

const DEFINITION =
  /^(?:(?:async\s+)?def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)/;

/**
 * The units of runtime files, in the files' order, then source order. A file holds a docstring,
 * imports (`from .x` ones name other runtime files and are dropped; `__future__` ones are the
 * renderer's), and definitions or assignments (no decorators); anything else at the top is
 * refused, so that importing a generated file runs nothing but what defines names.
 */
export function runtimeUnits(files: Readonly<Record<string, string>>): RuntimeUnit[] {
  return Object.entries(files).flatMap(([file, source]) => unitsOf(file, source));
}

function unitsOf(file: string, source: string): RuntimeUnit[] {
  const lines = source.split("\n");
  const imports: PyImport[] = [];
  const units: Array<{ name: string; lines: string[] }> = [];
  let comment: string[] = [];
  let i = skipDocstring(lines);
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    const current = units.at(-1);
    if (/^from\s|^import\s/.test(line)) {
      let statement = line;
      while (statement.includes("(") && !statement.includes(")"))
        statement += ` ${lines[++i] ?? ")"}`;
      imports.push(...importsOf(statement));
      comment = [];
    } else if (line.startsWith("#")) comment.push(line);
    else if (DEFINITION.test(line)) {
      const m = DEFINITION.exec(line) as RegExpExecArray;
      units.push({ name: (m[1] ?? m[2]) as string, lines: [...comment, line] });
      comment = [];
    } else if (line.trim() === "" || /^[\s)\]}]/.test(line)) {
      if (current !== undefined && comment.length === 0) current.lines.push(line);
    } else throw new Error(`${file}:${i + 1}: a runtime file holds only imports and definitions`);
  }
  return units.map((u) => ({ name: u.name, text: trimEnd(u.lines).join("\n"), imports }));
}

function skipDocstring(lines: readonly string[]): number {
  if (!lines[0]?.startsWith('"""')) return 0;
  if (lines[0].length > 3 && lines[0].endsWith('"""')) return 1;
  const end = lines.findIndex((l, k) => k > 0 && l.includes('"""'));
  return end + 1;
}

/** What one import statement (its lines joined) imports; intra-runtime and future ones: nothing. */
function importsOf(statement: string): PyImport[] {
  const from = /^from\s+([\w.]+)\s+import\s+\(?([^)]*)\)?/.exec(statement);
  if (from) {
    const module = from[1] as string;
    if (module.startsWith(".") || module === "__future__") return [];
    const names = (from[2] as string).split(",").map((n) => n.trim());
    return names.filter((n) => n !== "").map((name) => ({ module, name }));
  }
  const modules = statement.replace(/^import\s+/, "").split(",");
  return modules.map((m) => {
    const [module, alias] = m.trim().split(/\s+as\s+/) as [string, string | undefined];
    return alias === undefined ? { module } : { module, alias };
  });
}

function trimEnd(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && (lines[end - 1] as string).trim() === "") end--;
  return lines.slice(0, end);
}

const mentions = (text: string, name: string) =>
  new RegExp(`(?<![\\w])${name}(?![\\w])`).test(text);

/** The units that `code` reaches, directly or through other units, in their order. */
export function reachedUnits(units: readonly RuntimeUnit[], code: string): RuntimeUnit[] {
  const wanted = new Set<string>();
  const visit = (text: string) => {
    for (const u of units)
      if (!wanted.has(u.name) && mentions(text, u.name)) {
        wanted.add(u.name);
        visit(u.text);
      }
  };
  visit(code);
  return units.filter((u) => wanted.has(u.name));
}

/**
 * The import lines of a generated file, in the order of ruff's isort rules: `__future__`, then
 * the standard library, then `thirdParty` (top-level module names), each with `import` lines
 * before `from` lines. Only the imports `code` uses are written (read without its strings and
 * comments: a name in a value or in prose needs no import).
 */
export function importLines(
  imports: readonly PyImport[],
  code: string,
  thirdParty: readonly string[],
): string[] {
  const plain = codeOnly(code);
  const used = imports.filter((x) =>
    x.name === undefined
      ? new RegExp(`(?<![\\w.])${(x.alias ?? x.module).replace(/\./g, "\\.")}\\.`).test(plain)
      : mentions(plain, x.name),
  );
  const section = (external: boolean) => {
    const mine = used.filter(
      (x) => thirdParty.includes(x.module.split(".")[0] as string) === external,
    );
    const modules = [
      ...new Set(
        mine
          .filter((x) => x.name === undefined)
          .map((x) => (x.alias === undefined ? x.module : `${x.module} as ${x.alias}`)),
      ),
    ];
    const froms = new Map<string, Set<string>>();
    for (const x of mine)
      if (x.name !== undefined) froms.set(x.module, (froms.get(x.module) ?? new Set()).add(x.name));
    return [
      ...modules.sort(byText).map((m) => `import ${m}`),
      ...[...froms.keys()]
        .sort(byText)
        .map((m) => `from ${m} import ${[...(froms.get(m) ?? [])].sort(byType).join(", ")}`),
    ];
  };
  const blocks = [["from __future__ import annotations"], section(false), section(true)];
  return blocks.filter((b) => b.length > 0).flatMap((b, k) => (k === 0 ? b : ["", ...b]));
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** isort's order-by-type: CONSTANTS, then Classes, then other names. */
function byType(a: string, b: string): number {
  const kind = (n: string) =>
    /^[A-Z0-9_]+$/.test(n) && n.length > 1 ? 0 : /^[A-Z]/.test(n) ? 1 : 2;
  return kind(a) - kind(b) || byText(a, b);
}

/** Python source without its strings and comments (one pass, left to right: a quote inside a string is text). */
function codeOnly(code: string): string {
  return code.replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#.*$/gm, "");
}

/** What a generated file needs of a runtime: the definitions its code reaches, and its imports. */
export type RuntimeFor = (
  code: string,
  imports: readonly PyImport[],
) => { runtime: string; imports: string[] };

/**
 * The runtime of one backend: its files (and the helpers shared by both backends) cut into units
 * once, on first use, in `order` (files it does not name last, by name). A generated file gets
 * the units its own code reaches, directly or through one another, and the import lines of both,
 * with `thirdParty` (top-level module names) as their own section.
 */
export function runtimeFor(
  files: () => Readonly<Record<string, string>>,
  order: readonly string[],
  thirdParty: readonly string[],
): RuntimeFor {
  let units: RuntimeUnit[] | undefined;
  const allUnits = () => {
    if (units === undefined) {
      const all = files();
      const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
      const names = Object.keys(all).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
      units = runtimeUnits(Object.fromEntries(names.map((n) => [n, all[n] as string])));
    }
    return units;
  };
  return (code, imports) => {
    const reached = reachedUnits(allUnits(), code);
    const runtime = reached.map((u) => u.text).join("\n\n\n");
    const all = [...imports, ...reached.flatMap((u) => u.imports)];
    return { runtime, imports: importLines(all, `${code}\n${runtime}`, thirdParty) };
  };
}
