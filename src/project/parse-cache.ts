import { hash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isObject, readCacheEntries, writeCacheEntries } from "./cache-file.js";

/**
 * What each plain YAML file of a project parsed to, remembered between runs. Parsing 15,000 small
 * files is most of the time a large project takes to read; a file that has not changed since the
 * last run is taken from here instead, found by its identity (device, inode, size, modification
 * and change times: see fileIdentity in files.ts), without being opened. Only files without a
 * template are kept (a template's result depends on the variables), and only files whose times
 * are settled: a file written within the last seconds could change again within the same clock
 * tick, unseen. The whole file is keyed by a fingerprint of the YAML parser and of our use of it.
 * As with the SQL cache, anything unexpected in the cache is ignored, never an error.
 */
export interface ParseCache {
  /** The data a file parsed to, when its identity is the one recorded. */
  get(rel: string, identity: string): unknown;
  set(rel: string, identity: string, data: unknown): void;
  /** Writes the entries used since opening, when they differ from what was read. */
  save(): void;
}

export function openParseCache(folder: string, projectRoot: string): ParseCache {
  const file = join(folder, "yaml", `${hash("sha256", projectRoot, "hex").slice(0, 32)}.json`);
  const stamp = fingerprint();
  const known = readCacheEntries(file, stamp);
  const used = new Map<string, [string, unknown]>();
  let changed = false;
  return {
    get(rel, identity) {
      const entry = known.get(rel);
      if (!Array.isArray(entry) || entry.length !== 2 || entry[0] !== identity) return undefined;
      used.set(rel, entry as [string, unknown]);
      return entry[1];
    },
    set(rel, identity, data) {
      if (!jsonSafe(data, 0)) return;
      // A copy: what the readers do with their data later must not reach the cache.
      used.set(rel, [identity, structuredClone(data)]);
      changed = true;
    },
    save() {
      if (!changed && used.size === known.size) return;
      writeCacheEntries(file, stamp, used);
    },
  };
}

/**
 * The cache the project being read uses, if any. Reading a project's files is synchronous, so
 * one project at a time is being read: the reader sets it around its reading (usingParseCache)
 * rather than passing it through every reader of every kind of file.
 */
let active: { root: string; cache: ParseCache } | undefined;

export function activeParseCache(root: string): ParseCache | undefined {
  return active?.root === root ? active.cache : undefined;
}

/** Runs a synchronous read of the project at `root` with `cache` active. */
export function usingParseCache<T>(root: string, cache: ParseCache | undefined, read: () => T): T {
  if (cache === undefined) return read();
  const outer = active;
  active = { root, cache };
  try {
    return read();
  } finally {
    active = outer;
  }
}

/** Data that JSON gives back as it was: no NaN or infinity (YAML's .nan, .inf), nothing deeper. */
function jsonSafe(v: unknown, depth: number): boolean {
  if (depth > 200) return false;
  if (typeof v === "number") return Number.isFinite(v);
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (Array.isArray(v)) return v.every((x) => jsonSafe(x, depth + 1));
  if (isObject(v)) return Object.values(v).every((x) => jsonSafe(x, depth + 1));
  return false;
}

let stamp: string | undefined;

// The YAML parser's package.json (its version) and the text of our parsing of project files.
function fingerprint(): string {
  if (stamp !== undefined) return stamp;
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js"; // tests run the sources
  const parts = [
    readFileSync(fileURLToPath(new URL(`./yaml-file.${ext}`, import.meta.url)), "utf8"),
  ];
  parts.push(readFileSync(fileURLToPath(import.meta.resolve("js-yaml/package.json")), "utf8"));
  stamp = hash("sha256", parts.join("\u0000"), "hex");
  return stamp;
}
