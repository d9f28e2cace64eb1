import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { mulberry32 } from "./seeded-random.js";

/** A small seeded generator (mulberry32): the same seed gives the same mutations. */
export function random(seed: number): {
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
} {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)] as (typeof xs)[number] };
}

type Rng = ReturnType<typeof random>;

/** The project files of an example (metadata/ only), relative paths sorted. */
export function projectFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [relative(root, join(dir, e.name))],
    );
  return walk(join(root, "metadata")).sort();
}

const BOMB = [
  "x1: &x1 [a, a, a, a, a, a, a, a, a, a]",
  "x2: &x2 [*x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1]",
  "x3: &x3 [*x2, *x2, *x2, *x2, *x2, *x2, *x2, *x2, *x2, *x2]",
  "x4: &x4 [*x3, *x3, *x3, *x3, *x3, *x3, *x3, *x3, *x3, *x3]",
  "x5: &x5 [*x4, *x4, *x4, *x4, *x4, *x4, *x4, *x4, *x4, *x4]",
  "x6: &x6 [*x5, *x5, *x5, *x5, *x5, *x5, *x5, *x5, *x5, *x5]",
  "x7: &x7 [*x6, *x6, *x6, *x6, *x6, *x6, *x6, *x6, *x6, *x6]",
  "",
].join("\n");

/** Values that replace a scalar: another type, a huge number, deep nesting, odd bytes. */
const SWAPS: readonly ((r: Rng) => string)[] = [
  () => "[a, b]",
  () => "{k: v}",
  () => "42",
  () => "-1",
  () => "true",
  () => "~",
  () => '""',
  () => "9".repeat(400),
  () => "1e400",
  () => "0x7fffffffffffffffffff",
  (r) => `${"[".repeat(50 + r.int(300))}1${"]".repeat(50 + r.int(300))}`,
  (r) => `${"{a: ".repeat(20 + r.int(200))}1${"}".repeat(20 + r.int(200))}`,
  () => "*nowhere",
  () => "&anchor",
  () => '"a\\0b"',
  () => "\u0000",
  () => "\u2028x",
  () => '"\\uD800"',
  () => "'{{ nope }}'",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a project variable, not a JS template
  () => "${UNKNOWN_VAR}",
  () => "2024-13-45",
  () => "\t",
];

/** One mutation of one text file; returns its name (for messages) and the new bytes. */
function mutateText(text: Buffer, r: Rng): { what: string; bytes: Buffer } {
  const s = text.toString("utf8");
  const lines = s.split("\n");
  switch (r.int(9)) {
    case 0: {
      const at = r.int(text.length + 1);
      return { what: `truncated at byte ${at}`, bytes: text.subarray(0, at) };
    }
    case 1:
    case 2: {
      const i = r.int(lines.length);
      const swap = r.pick(SWAPS)(r);
      const line = lines[i] ?? "";
      const m = /^(\s*-?\s*[\w.]+:)\s*(.*)$/.exec(line);
      lines[i] = m ? `${m[1]} ${swap}` : `${line}${swap}`;
      return {
        what: `line ${i + 1} value swapped for ${JSON.stringify(swap.slice(0, 40))}`,
        bytes: Buffer.from(lines.join("\n")),
      };
    }
    case 3: {
      const i = r.int(lines.length);
      const line = lines[i] ?? "";
      const m = /^(\s*[\w.]+:)\s*(.*)$/.exec(line);
      lines[i] = m ? `${m[1]} *x7` : line;
      return {
        what: `alias bomb at line ${i + 1}`,
        bytes: Buffer.from(`${BOMB}${lines.join("\n")}`),
      };
    }
    case 4: {
      const bytes = Buffer.from(text);
      const n = 1 + r.int(8);
      for (let k = 0; k < n && bytes.length > 0; k++)
        bytes[r.int(bytes.length)] = 0x80 + r.int(0x80);
      return { what: `${n} non-UTF-8 bytes`, bytes };
    }
    case 5: {
      const at = r.int(text.length + 1);
      return {
        what: `NUL byte at ${at}`,
        bytes: Buffer.concat([text.subarray(0, at), Buffer.from([0]), text.subarray(at)]),
      };
    }
    case 6: {
      const i = r.int(lines.length);
      const depth = 1 + r.int(40);
      lines[i] = `${" ".repeat(depth)}${lines[i] ?? ""}`;
      return { what: `line ${i + 1} indented by ${depth}`, bytes: Buffer.from(lines.join("\n")) };
    }
    case 7: {
      const i = r.int(lines.length);
      lines.splice(i, 0, lines[i] ?? "");
      return { what: `line ${i + 1} repeated`, bytes: Buffer.from(lines.join("\n")) };
    }
    default: {
      const at = r.int(text.length + 1);
      const c = r.pick(["{", "[", ":", "'", '"', "&", "*", "!", "|", ">", "%", "@", "`", "#"]);
      return {
        what: `${JSON.stringify(c)} inserted at ${at}`,
        bytes: Buffer.concat([text.subarray(0, at), Buffer.from(c), text.subarray(at)]),
      };
    }
  }
}

export interface Mutant {
  readonly root: string;
  readonly description: string;
}

/**
 * A copy of an example project with one to three mutations: bytes of a file changed, or a file
 * turned into something that is not a regular file.
 */
export function mutant(example: string, r: Rng): Mutant {
  const root = mkdtempSync(join(tmpdir(), "slo-mutant-"));
  cpSync(join(example, "metadata"), join(root, "metadata"), { recursive: true });
  const files = projectFiles(root);
  const notes: string[] = [];
  const rounds = 1 + r.int(2);
  for (let k = 0; k < rounds; k++) {
    const rel = r.pick(files);
    const path = join(root, rel);
    // Mostly changed bytes: a file that cannot be read stops the reading at once.
    const special = r.int(40);
    rmSync(path, { force: true, recursive: true });
    if (special === 0) {
      execFileSync("mkfifo", [path], { timeout: 5000 });
      notes.push(`${rel}: a FIFO`);
    } else if (special === 1) {
      symlinkSync("/dev/zero", path);
      notes.push(`${rel}: a link to /dev/zero`);
    } else if (special === 2) {
      mkdirSync(path);
      notes.push(`${rel}: a folder`);
    } else if (special === 3) {
      symlinkSync(join(root, "missing"), path);
      notes.push(`${rel}: a dangling link`);
    } else if (special === 4) {
      notes.push(`${rel}: removed`);
    } else {
      const m = mutateText(readFileSync(join(example, rel)), r);
      writeFileSync(path, m.bytes);
      notes.push(`${rel}: ${m.what}`);
    }
  }
  return { root, description: `${example} with ${notes.join("; ")}` };
}
