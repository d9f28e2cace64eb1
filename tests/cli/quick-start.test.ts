import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The README's quick start runs as written (issue 19): its first shell block, taken from
 * README.md, runs verbatim in bash in a copy of the repository, stopping at the first failure.
 * Only `npm ci && npm run build` is not run again: the copy shares this checkout's
 * node_modules and dist/ (the build the CLI tests use).
 */
const INSTALL = "npm ci && npm run build    # or install the package, above, and skip the alias";

function quickStart(): string {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.split(/^## Quick start$/m)[1] ?? "";
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error("README.md: no sh block under ## Quick start");
  return block;
}

const copy = mkdtempSync(join(tmpdir(), "slo-quick-start-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe("README quick start", () => {
  it("runs verbatim, and shows the period each run processes", () => {
    const block = quickStart();
    expect(block.split("\n")[0]).toBe(INSTALL);
    for (const part of ["README.md", "package.json", "examples", "dist", "schemas"])
      cpSync(part, join(copy, part), { recursive: true });
    cpSync("tests/integration/bin", join(copy, "tests/integration/bin"), { recursive: true });
    symlinkSync(resolve("node_modules"), join(copy, "node_modules"));
    const script = `set -euo pipefail\nshopt -s expand_aliases\n${block.replace(INSTALL, ": installed")}`;
    let out: string;
    try {
      out = execFileSync("bash", ["-c", script], {
        cwd: copy,
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        maxBuffer: 1 << 26,
        timeout: 600_000,
      });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(
        `quick start failed:\n${err.stderr ?? ""}\n${(err.stdout ?? "").slice(-2000)}`,
      );
    }
    // every command's work is there
    for (const made of ["shop.svg", "dags/bakery_load_shop_daily.py", "dagster/definitions.py"])
      expect(existsSync(join(copy, made)), made).toBe(true);
    // the case: the daily 02:00 Paris shop load, asked for 2024-01-01, runs for that day
    expect(out).toContain(
      "bakery_load_shop_daily: --scheduledDate 2024-01-01T02:00:00+0100, data interval 2023-12-31T02:00:00+0100 to 2024-01-01T02:00:00+0100",
    );
    expect(out).toContain(
      "day=2024-01-03  (day 2024-01-03): --scheduledDate 2024-01-03T02:00:00+0100",
    );
    const calls = readFileSync(join(copy, "calls.jsonl"), "utf8").trim().split("\n");
    const loads = calls.map((l) => JSON.parse(l).argv as string[]).filter((a) => a[0] === "load");
    expect(loads.length).toBeGreaterThan(0);
    for (const argv of loads)
      expect(argv.slice(1, 3)).toEqual(["--scheduledDate", "2024-01-01T06:00:00+0000"]);
  });
});
