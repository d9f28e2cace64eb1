// The worker thread of sql-batch.ts: parses the chunks it claims and answers once, at the end.
import { parentPort, workerData } from "node:worker_threads";
import { type BatchAnswer, type BatchWork, parseClaimed } from "./sql-batch.js";
import { initSqlParser, type SqlReferencesResult } from "./sql-references.js";

const work = workerData as BatchWork;
await initSqlParser();
const results: [number, SqlReferencesResult][] = [];
parseClaimed(work.texts, work.dialect, new Int32Array(work.next), (i, r) => {
  results.push([i, r]);
});
const answer: BatchAnswer = { results };
parentPort?.postMessage(answer);
