// Prints vitest's JSON report as the plain closing line CI reads: "N passed, N failed, N skipped".
// A test file that failed outside its tests (an import error, a failing beforeAll or afterAll hook)
// counts as one failure of its own: its tests may all read "passed" or "skipped" while it failed.
// Under CI, a skipped test is a failure too: a test that did not run proved nothing.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
const skipped = report.numPendingTests + report.numTodoTests;
const brokenFiles = report.testResults.filter(
  (file) =>
    file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
);
for (const file of brokenFiles) {
  const why = String(file.message ?? "").split("\n")[0];
  console.log(`failed outside its tests: ${file.name}${why ? `: ${why}` : ""}`);
}
const failed = report.numFailedTests + brokenFiles.length;
console.log(`tests: ${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
const ci = process.env.CI === "true" || process.env.CI === "1";
if (report.numTotalTests === 0 || failed > 0 || (ci && skipped > 0)) process.exitCode = 1;
