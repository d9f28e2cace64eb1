import { readFileSync, statSync } from "node:fs";
import { writeFileAtomic } from "../util/write-atomic.js";

/**
 * One file of a cache of earlier runs (parse-cache.ts, lineage/sql-cache.ts): `{ stamp, entries }`,
 * where the stamp is a fingerprint of the code that made the entries. A cache is a convenience:
 * a file that is missing, too large, unreadable, of another stamp or of any other shape gives no
 * entries, and a file that cannot be written costs the next run its speed, nothing else.
 */
const MAX_BYTES = 256 * 1024 * 1024;

export function readCacheEntries(file: string, stamp: string): Map<string, unknown> {
  try {
    if (statSync(file).size > MAX_BYTES) return new Map();
    const saved: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (!isObject(saved) || saved.stamp !== stamp || !isObject(saved.entries)) return new Map();
    return new Map(Object.entries(saved.entries));
  } catch {
    return new Map();
  }
}

export function writeCacheEntries(
  file: string,
  stamp: string,
  entries: ReadonlyMap<string, unknown>,
): void {
  try {
    writeFileAtomic(file, JSON.stringify({ stamp, entries: Object.fromEntries(entries) }));
  } catch {
    // a read-only or full disk costs the next run its speed, nothing else
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
