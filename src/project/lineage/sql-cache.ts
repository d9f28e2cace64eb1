import { hash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isObject, readCacheEntries, writeCacheEntries } from "../cache-file.js";
import type { SqlDialect, SqlReferencesResult } from "./sql-references.js";

/**
 * What the SQL of a project reads, remembered between runs: parsing is the largest cost of reading
 * a big project, and most of its SQL has not changed since the last run. An entry is keyed by a
 * hash of the dialect and the text as parsed, and the whole file by a fingerprint of the parser
 * and of our code that walks its tree, so a new version of either starts afresh. One file per
 * project folder, holding only what the last run used. The cache is a convenience: a file that
 * cannot be read or written, or holds anything unexpected, is ignored (never an error).
 */
export interface SqlCache {
  get(dialect: SqlDialect, text: string): SqlReferencesResult | undefined;
  set(dialect: SqlDialect, text: string, result: SqlReferencesResult): void;
  /** Writes the entries used since opening, when they differ from what was read. */
  save(): void;
}

export function openSqlCache(folder: string, projectRoot: string): SqlCache {
  const file = join(
    folder,
    "sql-references",
    `${hash("sha256", projectRoot, "hex").slice(0, 32)}.json`,
  );
  const stamp = fingerprint();
  const known = readCacheEntries(file, stamp);
  const used = new Map<string, SqlReferencesResult>();
  let changed = false;
  const keyOf = (dialect: SqlDialect, text: string) =>
    hash("sha256", `${dialect}\u0000${text}`, "base64");
  return {
    get(dialect, text) {
      const key = keyOf(dialect, text);
      const found = known.get(key);
      if (found === undefined || !isResult(found)) return undefined;
      used.set(key, found);
      return found;
    },
    set(dialect, text, result) {
      used.set(keyOf(dialect, text), result);
      changed = true;
    },
    save() {
      if (!changed && used.size === known.size) return;
      writeCacheEntries(file, stamp, used);
    },
  };
}

let stamp: string | undefined;

// The parser's package.json (its version) and the text of our tree walk.
function fingerprint(): string {
  if (stamp !== undefined) return stamp;
  const parts: string[] = [];
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js"; // tests run the sources
  for (const own of ["sql-references", "jinja"]) {
    parts.push(readFileSync(fileURLToPath(new URL(`./${own}.${ext}`, import.meta.url)), "utf8"));
  }
  const entry = fileURLToPath(import.meta.resolve("@guanmingchiu/sqlparser-ts"));
  parts.push(readFileSync(join(dirname(dirname(entry)), "package.json"), "utf8"));
  stamp = hash("sha256", parts.join("\u0000"), "hex");
  return stamp;
}

function isPosition(v: unknown): boolean {
  return v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 0);
}

// A result as sqlReferences returns it; anything else in the file is a miss.
function isResult(v: unknown): v is SqlReferencesResult {
  if (!isObject(v)) return false;
  if (v.ok === false)
    return typeof v.message === "string" && isPosition(v.line) && isPosition(v.col);
  return (
    v.ok === true &&
    Array.isArray(v.references) &&
    v.references.every(
      (r: unknown) =>
        isObject(r) &&
        Array.isArray(r.parts) &&
        r.parts.every((p: unknown) => typeof p === "string") &&
        isPosition(r.line) &&
        isPosition(r.col),
    )
  );
}
