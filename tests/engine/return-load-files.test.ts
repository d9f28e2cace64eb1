import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHARED_RUNTIME } from "../../src/backends/python/generated/runtime.js";
import { type ReturnReport, returnLoadFiles } from "../../src/engine/return-load-files.js";
import type { LoadRecovery } from "../../src/pipeline/pipeline.js";

let dir: string;
let r: LoadRecovery;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slo-return-"));
  r = {
    ingesting: join(dir, "datasets/ingesting/shop"),
    pending: join(dir, "datasets/stage/shop"),
    pattern: "orders_.*\\.csv",
  };
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

/** The Python twin that Airflow and Dagster run, called the same way. */
const PYTHON = [
  SHARED_RUNTIME["return_load_files.py"],
  "import json, sys",
  "lines = []",
  "try:",
  // the folders here are absolute: the root (the project on the worker) does not change them
  '    sl_return_load_files(json.loads(sys.argv[1]), lines.append, "/nonexistent-root")',
  "    failed = False",
  "except RuntimeError:",
  "    failed = True",
  'print(json.dumps({"lines": lines, "failed": failed}))',
].join("\n");

function pythonReturn(recover: LoadRecovery): ReturnReport {
  const out = execFileSync("python3", ["-c", PYTHON, JSON.stringify(recover)], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return JSON.parse(out) as ReturnReport;
}

function put(path: string, content = path): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
}

describe.each([
  ["the engine", returnLoadFiles],
  ["the Python runtime of Airflow and Dagster", pythonReturn],
] as const)("returning a table's files before a load attempt, by %s", (_, returnLoadFiles) => {
  it("moves the matching files back, keeps their content, and says which", () => {
    put(join(r.ingesting, "orders_1.csv"), "one");
    put(join(r.ingesting, "orders_2.csv"), "two");
    const report = returnLoadFiles(r);
    expect(report.failed).toBe(false);
    expect(report.lines).toEqual([
      `slo: returned orders_1.csv from ${r.ingesting} to ${r.pending} (a failed load left it there)`,
      `slo: returned orders_2.csv from ${r.ingesting} to ${r.pending} (a failed load left it there)`,
    ]);
    expect(readFileSync(join(r.pending, "orders_1.csv"), "utf8")).toBe("one");
    expect(readFileSync(join(r.pending, "orders_2.csv"), "utf8")).toBe("two");
    expect(readdirSync(r.ingesting)).toEqual([]);
  });

  it("touches nothing else: other tables' files, names only partly matching, folders", () => {
    for (const name of ["customers_1.csv", "orders_1.csv.tmp", "old_orders_1.csv"])
      put(join(r.ingesting, name));
    mkdirSync(join(r.ingesting, "orders_dir.csv"));
    put(join(dir, "datasets/ingesting/other/orders_1.csv"));
    const report = returnLoadFiles(r);
    expect(report).toEqual({
      lines: [
        `slo: left orders_dir.csv in ${r.ingesting}: not a regular file (symlinks are not followed)`,
      ],
      failed: false,
    });
    expect(readdirSync(r.ingesting).sort()).toEqual([
      "customers_1.csv",
      "old_orders_1.csv",
      "orders_1.csv.tmp",
      "orders_dir.csv",
    ]);
    expect(existsSync(join(dir, "datasets/ingesting/other/orders_1.csv"))).toBe(true);
    expect(existsSync(r.pending)).toBe(false); // nothing to return: not even the folder is made
  });

  it("never replaces a pending file of the same name: both stay, and the log says so", () => {
    put(join(r.ingesting, "orders_1.csv"), "left behind");
    put(join(r.pending, "orders_1.csv"), "newer");
    const report = returnLoadFiles(r);
    expect(report.failed).toBe(false);
    expect(report.lines).toEqual([
      `slo: left orders_1.csv in ${r.ingesting}: ${r.pending} already has a file of that name`,
    ]);
    expect(readFileSync(join(r.pending, "orders_1.csv"), "utf8")).toBe("newer");
    expect(readFileSync(join(r.ingesting, "orders_1.csv"), "utf8")).toBe("left behind");
  });

  it("never follows symlinks: a linked file stays, and so does what it points to", () => {
    const secret = join(dir, "secret.txt");
    put(secret, "keep");
    mkdirSync(r.ingesting, { recursive: true });
    symlinkSync(secret, join(r.ingesting, "orders_link.csv"));
    const report = returnLoadFiles(r);
    expect(report.lines).toEqual([
      `slo: left orders_link.csv in ${r.ingesting}: not a regular file (symlinks are not followed)`,
    ]);
    expect(lstatSync(join(r.ingesting, "orders_link.csv")).isSymbolicLink()).toBe(true);
    expect(readFileSync(secret, "utf8")).toBe("keep");
    expect(existsSync(join(r.pending, "orders_link.csv"))).toBe(false);
  });

  it("never lists or fills a domain folder that is a symlink", () => {
    const elsewhere = join(dir, "elsewhere");
    put(join(elsewhere, "orders_1.csv"));
    mkdirSync(join(r.ingesting, ".."), { recursive: true });
    symlinkSync(elsewhere, r.ingesting);
    expect(returnLoadFiles(r).lines).toEqual([
      `slo: ${r.ingesting} is a symlink or not a folder: nothing returned from it`,
    ]);
    expect(existsSync(join(elsewhere, "orders_1.csv"))).toBe(true);

    const real = { ...r, ingesting: join(dir, "datasets/ingesting/real") };
    put(join(real.ingesting, "orders_1.csv"));
    mkdirSync(join(r.pending, ".."), { recursive: true });
    symlinkSync(elsewhere, r.pending);
    expect(returnLoadFiles(real)).toEqual({
      lines: [`slo: ${r.pending} is a symlink or not a folder: nothing returned to it`],
      // the load would find nothing and succeed: the attempt fails instead
      failed: true,
    });
    expect(existsSync(join(real.ingesting, "orders_1.csv"))).toBe(true);
  });

  it("does nothing, quietly, when the folders do not exist", () => {
    expect(returnLoadFiles(r)).toEqual({ lines: [], failed: false });
    mkdirSync(r.ingesting, { recursive: true });
    expect(returnLoadFiles(r)).toEqual({ lines: [], failed: false });
    expect(existsSync(r.pending)).toBe(false);
  });

  it("makes the pending folder when it is missing", () => {
    put(join(r.ingesting, "orders_1.csv"));
    expect(returnLoadFiles(r).failed).toBe(false);
    expect(existsSync(join(r.pending, "orders_1.csv"))).toBe(true);
  });

  // another file system: no hard link, no rename; Starlake's areas are on one in practice
  const shm = "/dev/shm";
  const otherDevice = existsSync(shm) && lstatSync(shm).dev !== lstatSync(tmpdir()).dev;
  it.runIf(otherDevice)("fails, naming the file and the reason, across file systems", () => {
    const pending = mkdtempSync(join(shm, "slo-return-"));
    try {
      put(join(r.ingesting, "orders_1.csv"));
      const report = returnLoadFiles({ ...r, pending });
      expect(report).toEqual({
        lines: [`slo: could not return orders_1.csv from ${r.ingesting} to ${pending}: EXDEV`],
        failed: true,
      });
      expect(existsSync(join(r.ingesting, "orders_1.csv"))).toBe(true);
      expect(readdirSync(pending)).toEqual([]);
    } finally {
      rmSync(pending, { recursive: true, force: true });
    }
  });

  it("fails, naming the file and the reason, when a file cannot be moved", () => {
    put(join(r.ingesting, "orders_1.csv"));
    // a file where the pending folder's parent should be: no folder can be made there, even by
    // root (a read-only folder would stop only other users)
    mkdirSync(join(dir, "datasets"), { recursive: true });
    writeFileSync(join(dir, "datasets/stage"), "");
    const report = returnLoadFiles(r);
    expect(report.failed).toBe(true);
    expect(report.lines).toEqual([
      `slo: could not return orders_1.csv from ${r.ingesting} to ${r.pending}: ENOTDIR`,
    ]);
    expect(existsSync(join(r.ingesting, "orders_1.csv"))).toBe(true);
  });
});
