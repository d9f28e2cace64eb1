import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlCache } from "../../../src/project/lineage/sql-cache.js";
import { initSqlParser, sqlReferences } from "../../../src/project/lineage/sql-references.js";
import { runCli } from "../../helpers/cli.js";

// Enough transforms for the worker thread (256 or more), some unparsable, some with CTEs, so
// the parallel path and the cache meet every kind of result.
const TRANSFORMS = 300;
let root: string;
let work: string;

function write(rel: string, text: string): void {
  const path = join(root, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

function sqlOf(i: number): string {
  if (i % 37 === 5) return `SELECT FROM WHERE ${i} ((`; // no dialect parses it
  const previous = i > 0 ? `JOIN k0.task_${i - 1} p ON p.id = a.id` : "";
  return i % 3 === 0
    ? `WITH r AS (SELECT id FROM d0.table_${i % 50})\nSELECT a.id FROM d0.table_${(i + 1) % 50} a JOIN r ON r.id = a.id ${previous}`
    : `SELECT a.id FROM d0.table_${i % 50} a ${previous}`;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "slo-sql-batch-"));
  root = join(work, "project");
  write(
    "metadata/application.sl.yml",
    "version: 1\napplication:\n  dagRef:\n    load: load\n    transform: transform\n  connectionRef: duck\n  connections:\n    duck:\n      type: jdbc\n      options:\n        url: jdbc:duckdb:x.db\n",
  );
  write(
    "metadata/dags/load.sl.yml",
    'version: 1\ndag:\n  template: "load/airflow__scheduled_table__shell.py.j2"\n  filename: "load_{{domain}}.py"\n',
  );
  write(
    "metadata/dags/transform.sl.yml",
    'version: 1\ndag:\n  template: "transform/airflow__scheduled_task__shell.py.j2"\n  filename: "t_{{domain}}_{{table}}.py"\n',
  );
  write("metadata/load/d0/_config.sl.yml", "version: 1\nload:\n  name: d0\n");
  for (let t = 0; t < 50; t++)
    write(
      `metadata/load/d0/table_${t}.sl.yml`,
      `version: 1\ntable:\n  pattern: "table_${t}.*.csv"\n  attributes:\n    - name: id\n      type: long\n`,
    );
  for (let i = 0; i < TRANSFORMS; i++) write(`metadata/transform/k0/task_${i}.sql`, sqlOf(i));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function planWithDist(cacheDir: string, ...extra: string[]) {
  const r = spawnSync(
    process.execPath,
    [resolve("dist/cli/bin.js"), "plan", root, "--json", ...extra],
    {
      encoding: "utf8",
      env: { ...process.env, SLO_CACHE_DIR: cacheDir, SLO_NO_CACHE: "" },
      timeout: 120_000,
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  return { code: r.status ?? `${r.signal} ${r.error}`, stdout: r.stdout, stderr: r.stderr };
}

describe("SQL parsed on a worker thread and remembered between runs", () => {
  it("gives the same plan as parsing every file in one thread, cold and warm", async () => {
    const inProcess = await runCli(["plan", root, "--json", "--no-cache"]);
    expect(inProcess.code).toBe(0);
    // the lineage is really there: the unparsable ones are said to be approximate
    const warnings = inProcess.stderr.split("\n").filter((l) => l.includes("cannot parse the SQL"));
    expect(warnings.length).toBe(Math.ceil((TRANSFORMS - 5) / 37));
    expect(inProcess.stdout).toContain('"k0.task_9"');
    const cache = join(work, "cache");
    const cold = planWithDist(cache);
    expect(cold.code).toBe(0);
    expect(cold.stdout).toBe(inProcess.stdout);
    expect(cold.stderr).toBe(inProcess.stderr);
    const files = readdirSync(join(cache, "sql-references"));
    expect(files).toHaveLength(1);
    const saved = JSON.parse(
      readFileSync(join(cache, "sql-references", files[0] as string), "utf8"),
    );
    expect(Object.keys(saved.entries)).toHaveLength(TRANSFORMS);
    const warm = planWithDist(cache);
    expect(warm.stdout).toBe(inProcess.stdout);
    expect(warm.stderr).toBe(inProcess.stderr);
    const uncached = planWithDist(join(work, "unused"), "--no-cache");
    expect(uncached.stdout).toBe(inProcess.stdout);
    expect(() => readdirSync(join(work, "unused"))).toThrow();
  });

  it("ignores a cache file that is not what it wrote, and writes a good one", () => {
    const cache = join(work, "broken");
    const first = planWithDist(cache);
    const file = join(
      cache,
      "sql-references",
      readdirSync(join(cache, "sql-references"))[0] as string,
    );
    for (const junk of ["{", "[]", '{"stamp":"x","entries":{}}', "null"]) {
      writeFileSync(file, junk);
      const again = planWithDist(cache);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(first.stdout);
      expect(Object.keys(JSON.parse(readFileSync(file, "utf8")).entries)).toHaveLength(TRANSFORMS);
    }
  });
});

describe("openSqlCache", () => {
  it("keeps a result by dialect and text, refuses malformed entries, and saves only what was used", async () => {
    await initSqlParser();
    const folder = join(work, "unit");
    const a = "SELECT * FROM shop.orders";
    const b = "SELECT * FROM shop.customers";
    const first = openSqlCache(folder, "/p");
    expect(first.get("duckdb", a)).toBeUndefined();
    first.set("duckdb", a, sqlReferences(a, "duckdb"));
    first.set("duckdb", b, sqlReferences(b, "duckdb"));
    first.save();
    const second = openSqlCache(folder, "/p");
    expect(second.get("duckdb", a)).toEqual(sqlReferences(a, "duckdb"));
    expect(second.get("generic", a)).toBeUndefined(); // another dialect is another entry
    expect(openSqlCache(folder, "/q").get("duckdb", a)).toBeUndefined(); // another project
    second.save(); // only `a` was used: `b` goes
    const third = openSqlCache(folder, "/p");
    expect(third.get("duckdb", b)).toBeUndefined();
    // an entry of the wrong shape is a miss, not a result
    const dir = join(folder, "sql-references");
    const file = join(dir, readdirSync(dir)[0] as string);
    const saved = JSON.parse(readFileSync(file, "utf8"));
    for (const key of Object.keys(saved.entries))
      saved.entries[key] = { ok: true, references: [{ parts: [1] }] };
    writeFileSync(file, JSON.stringify(saved));
    expect(openSqlCache(folder, "/p").get("duckdb", a)).toBeUndefined();
  });

  it("never fails on a folder it cannot write", () => {
    const blocked = join(work, "a-file");
    writeFileSync(blocked, "");
    const cache = openSqlCache(join(blocked, "sub"), "/p");
    cache.set("duckdb", "SELECT 1", { ok: true, references: [] });
    expect(() => cache.save()).not.toThrow();
  });
});
