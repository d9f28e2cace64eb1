import { Worker } from "node:worker_threads";
import type { SqlCache } from "./sql-cache.js";
import {
  initSqlParser,
  type SqlDialect,
  type SqlReferencesResult,
  sqlReferences,
} from "./sql-references.js";

/** SQL texts handed out at a time; small enough that both threads end close together. */
export const CHUNK = 32;
/** Below this many texts, a worker costs more than it saves. */
const WORKER_MIN = 256;

/** The worker's message: the results of the chunks it claimed, by index. */
export interface BatchAnswer {
  readonly results: ReadonlyArray<readonly [number, SqlReferencesResult]>;
}

/** What the worker is given: the texts, the dialect and the shared counter of the next chunk. */
export interface BatchWork {
  readonly texts: readonly (string | undefined)[];
  readonly dialect: SqlDialect;
  readonly next: SharedArrayBuffer;
}

/**
 * Parses the SQL texts of a project beside the caller: parsing is the largest single cost of
 * reading a big project (about 0.25 ms a transform, mostly building the AST in JavaScript), so a
 * worker thread starts on it at once while the caller reads the load files, then the caller helps
 * with what is left. Both take chunks from one shared counter, so every text is parsed once,
 * and `results()` is in input order whoever parsed what: the outcome does not depend on timing.
 * Undefined texts (transforms without SQL) give no result. With a cache, only what it does not
 * know is parsed, and the cache is saved with what this call used.
 */
export function startSqlReferences(
  all: readonly (string | undefined)[],
  dialect: SqlDialect,
  cache?: SqlCache,
): { results(): Promise<(SqlReferencesResult | undefined)[]> } {
  const known = all.map((text) => (text === undefined ? undefined : cache?.get(dialect, text)));
  // Only what the cache does not know is parsed; the others are holes the parsers skip.
  const texts = all.map((text, i) => (known[i] === undefined ? text : undefined));
  const missing = texts.filter((t) => t !== undefined).length;
  const ready = missing > 0 ? initSqlParser() : Promise.resolve(); // compiles off this thread
  const next = new SharedArrayBuffer(4);
  const out: (SqlReferencesResult | undefined)[] = new Array(texts.length);
  const worker = missing >= WORKER_MIN ? startWorker({ texts, dialect, next }, out) : undefined;
  return {
    async results() {
      await ready;
      parseClaimed(texts, dialect, new Int32Array(next), (i, r) => {
        out[i] = r;
      });
      await worker;
      // A worker that died leaves holes: they are parsed here, so nothing depends on it.
      texts.forEach((text, i) => {
        if (text !== undefined && out[i] === undefined) out[i] = sqlReferences(text, dialect);
      });
      if (cache) {
        texts.forEach((text, i) => {
          const result = out[i];
          if (text !== undefined && result !== undefined) cache.set(dialect, text, result);
        });
        cache.save();
      }
      return all.map((_, i) => known[i] ?? out[i]);
    },
  };
}

/** Parses chunks claimed from `next` until none is left. */
export function parseClaimed(
  texts: readonly (string | undefined)[],
  dialect: SqlDialect,
  next: Int32Array,
  keep: (index: number, result: SqlReferencesResult) => void,
): void {
  for (;;) {
    const start = Atomics.add(next, 0, CHUNK);
    if (start >= texts.length) return;
    for (let i = start; i < Math.min(start + CHUNK, texts.length); i++) {
      const text = texts[i];
      if (text !== undefined) keep(i, sqlReferences(text, dialect));
    }
  }
}

// Resolves when the worker has answered or is gone; never rejects (the caller fills the holes).
function startWorker(
  work: BatchWork,
  out: (SqlReferencesResult | undefined)[],
): Promise<void> | undefined {
  const url = new URL("./sql-worker.js", import.meta.url);
  // Run from TypeScript sources (tests), there is no compiled worker: parse in this thread.
  if (import.meta.url.endsWith(".ts")) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(url, { workerData: work });
  } catch {
    return undefined;
  }
  return new Promise((resolve) => {
    worker.once("message", (answer: BatchAnswer) => {
      for (const [i, r] of answer.results) out[i] = r;
      void worker.terminate();
      resolve();
    });
    worker.once("error", () => resolve());
    worker.once("exit", () => resolve());
  });
}
