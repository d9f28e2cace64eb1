import type { ArgPiece } from "../../starlake/run-placeholders.js";

/**
 * Generated files run on other machines (Airflow workers, a Dagster host), where the project
 * lives at a path of their own. Every place where the generate-time SL_ROOT occurs in a value
 * becomes a root piece, which the files fill in at run time with the worker's project folder
 * (docs/airflow.md and docs/dagster.md, "Paths on the workers").
 */
export const ROOT = { value: "root" } as const;

/** Literal text, a run value, or the project folder on the worker. */
export type Piece = ArgPiece | typeof ROOT;

/**
 * The pieces of a text in which each occurrence of `root` as a path (not inside a longer name)
 * becomes a root piece. A root that is not an absolute path of a folder below `/` splits nothing.
 * @example rootPieces("SL_ROOT=/srv/p,X=/srv/p/data", "/srv/p") // ["SL_ROOT=", ROOT, ",X=", ROOT, "/data"]
 */
export function rootPieces(text: string, root: string): Piece[] {
  const at = normalRoot(root);
  if (at === undefined) return text === "" ? [] : [text];
  const escaped = at.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // before: the start, a character of no path, or a URI scheme's `://` (file:///srv/p); after:
  // the end, `/` or a character of no path (`/srv/p` is not in `/srv/p2`)
  const pattern = new RegExp(
    `(?<=^|[^A-Za-z0-9_.~+/-]|://)${escaped}(?=$|/|[^A-Za-z0-9_.~+-])`,
    "g",
  );
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(ROOT);
    last = m.index + at.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** `rootPieces` over the literal pieces of an argument; run values stay as they are. */
export function withRoot(pieces: readonly ArgPiece[], root: string): Piece[] {
  return pieces.flatMap((p) => (typeof p === "string" ? rootPieces(p, root) : [p]));
}

/** Whether a value holds the root (and so depends on the worker). */
export function hasRoot(pieces: readonly Piece[]): boolean {
  return pieces.some((p) => p === ROOT);
}

/**
 * A path under `root` as a path relative to it (`.` for the root itself), for the runtimes to
 * join to the worker's folder; any other path as it is (Python's os.path.join keeps an absolute
 * second part).
 */
export function relativeToRoot(path: string, root: string): string {
  const at = normalRoot(root);
  if (at === undefined) return path;
  if (path === at) return ".";
  return path.startsWith(`${at}/`) ? path.slice(at.length + 1) : path;
}

function normalRoot(root: string): string | undefined {
  const at = root.replace(/\/+$/, "");
  return at.startsWith("/") && at.length > 1 ? at : undefined;
}
