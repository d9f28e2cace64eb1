import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture } from "../helpers/fixture.js";

/** Runs scripts/test-summary.mjs on a made-up vitest JSON report. */
function summary(report: object, ci: boolean): { code: number | null; out: string } {
  const file = join(fixture({}), "report.json");
  writeFileSync(file, JSON.stringify(report));
  const env = { ...process.env, CI: ci ? "true" : "" };
  const run = spawnSync(process.execPath, ["scripts/test-summary.mjs", file], {
    encoding: "utf8",
    env,
    timeout: 30_000,
  });
  return { code: run.status, out: run.stdout };
}

const passing = { name: "/a.test.ts", status: "passed", message: "", assertionResults: [] };
const counts = { numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 };

describe("the closing line of npm test", () => {
  it("counts a file that failed in a hook as a failure, though none of its tests did", () => {
    const hookFailed = {
      name: "/b.test.ts",
      status: "failed",
      message: "Hook timed out in 900000ms",
      assertionResults: [{ status: "skipped" }],
    };
    const r = summary(
      { ...counts, numTotalTests: 4, numPendingTests: 1, testResults: [passing, hookFailed] },
      false,
    );
    expect(r.out).toContain("failed outside its tests: /b.test.ts: Hook timed out");
    expect(r.out).toContain("tests: 3 passed, 1 failed, 1 skipped");
    expect(r.code).toBe(1);
  });

  it("does not count a file twice when its tests failed", () => {
    const testFailed = { ...passing, status: "failed", assertionResults: [{ status: "failed" }] };
    const r = summary(
      { ...counts, numFailedTests: 1, numTotalTests: 4, testResults: [testFailed] },
      false,
    );
    expect(r.out).toContain("tests: 3 passed, 1 failed, 0 skipped");
    expect(r.code).toBe(1);
  });

  it("fails on a skipped test under CI only", () => {
    const report = { ...counts, numPendingTests: 1, numTotalTests: 4, testResults: [passing] };
    expect(summary(report, false).code).toBe(0);
    expect(summary(report, true).code).toBe(1);
  });

  it("fails when no test ran", () => {
    const r = summary({ ...counts, numPassedTests: 0, numTotalTests: 0, testResults: [] }, false);
    expect(r.code).toBe(1);
  });
});
