import { describe, expect, it } from "vitest";
import { readProject } from "../../src/project/read-project.js";
import { fixture } from "../helpers/fixture.js";

/**
 * Starlake 1.5.16 lists load domain and transform folders recursively but reads every file by its
 * name from the folder itself (`SchemaHandler.loadTableRefs`, `loadAutoTaskFiles`): see
 * docs/reading-projects.md, "Sub-folders". The main cases (a table file only in a sub-folder, one
 * named like a table of the domain, a SQL file and a description only in a sub-folder) are also
 * run through the real CLI by tests/integration/starlake-differential.test.ts.
 */
const TABLE = "table:\n  pattern: x\n";
const read = async (files: Record<string, string>) => {
  const r = await readProject(fixture(files), {});
  return {
    r,
    lines: r.diagnostics.map((d) => `${d.file} ${d.severity}[${d.code}]`),
    tables: r.project?.domains.flatMap((d) => d.tables.map((t) => `${d.name}.${t.name}`)),
    tasks: r.project?.transforms.map((t) => [t.fullName, t.file ?? null, t.sqlFile ?? null]),
  };
};

describe("load domain sub-folders", () => {
  it("a table file only in a sub-folder is an error (Starlake fails to read the domain)", async () => {
    const { r, lines, tables } = await read({
      "metadata/load/sales/orders.sl.yml": TABLE,
      "metadata/load/sales/more/extra.sl.yml": TABLE,
    });
    expect(lines).toEqual(["metadata/load/sales/more/extra.sl.yml error[table_in_subfolder]"]);
    expect(r.diagnostics[0]?.message).toMatch(
      /fails on metadata\/load\/sales\/extra\.sl\.yml, which does not exist .*FileNotFoundException/,
    );
    expect(tables).toEqual(["sales.orders"]);
  });

  it("a table file in a sub-folder named like one of the domain is a table defined twice", async () => {
    const { r, lines, tables } = await read({
      "metadata/load/sales/orders.sl.yml": TABLE,
      "metadata/load/sales/a/b/orders.sl.yml": TABLE,
    });
    expect(lines).toEqual(["metadata/load/sales/a/b/orders.sl.yml error[table_in_subfolder]"]);
    expect(r.diagnostics[0]?.message).toMatch(/defined twice/);
    expect(tables).toEqual(["sales.orders"]);
  });

  it("other files, and `_config.*` files anywhere, are not tables", async () => {
    const { lines, tables } = await read({
      "metadata/load/sales/orders.sl.yml": TABLE,
      "metadata/load/sales/_config.old.sl.yml": "not: [a table",
      "metadata/load/sales/more/_config.sl.yml": "load:\n  name: x\n",
      "metadata/load/sales/more/notes.md": "# notes",
    });
    expect(lines).toEqual([]);
    expect(tables).toEqual(["sales.orders"]);
  });
});

describe("transform folder sub-folders", () => {
  const sql = "SELECT * FROM sales.orders";
  const base = { "metadata/load/sales/orders.sl.yml": TABLE };

  it("a SQL file only in a sub-folder is a task without SQL, with a warning", async () => {
    const { r, lines, tasks } = await read({
      ...base,
      "metadata/transform/kpi/top.sql": sql,
      "metadata/transform/kpi/sub/sub_summary.sql": sql,
      "metadata/transform/kpi/a/b/deep.py": "print(1)",
    });
    expect(lines).toEqual([
      "metadata/transform/kpi/a/b/deep.py warning[task_in_subfolder]",
      "metadata/transform/kpi/sub/sub_summary.sql warning[task_in_subfolder]",
    ]);
    expect(r.diagnostics[1]?.message).toMatch(/the task has no SQL/);
    expect(tasks).toEqual([
      ["kpi.deep", null, null],
      ["kpi.sub_summary", null, null],
      ["kpi.top", null, "metadata/transform/kpi/top.sql"],
    ]);
    // no SQL read, so no lineage: as Starlake's dag-generate, which gives it no dependency
    expect(r.project?.transforms.find((t) => t.name === "sub_summary")?.upstream).toEqual([]);
  });

  it("a description only in a sub-folder is left out, and takes a SQL file of its name with it", async () => {
    const { r, lines, tasks } = await read({
      ...base,
      "metadata/transform/kpi/gone.sql": sql,
      "metadata/transform/kpi/sub/gone.sl.yml": "task:\n  table: gone\n",
      "metadata/transform/kpi/kept.sql": sql,
    });
    expect(lines).toEqual(["metadata/transform/kpi/sub/gone.sl.yml warning[task_in_subfolder]"]);
    expect(r.diagnostics[0]?.message).toMatch(/leaves task gone out \(and with it any gone\.sql\)/);
    expect(tasks).toEqual([["kpi.kept", null, "metadata/transform/kpi/kept.sql"]]);
  });

  it("a file in a sub-folder named like a task of the folder defines it twice (an error)", async () => {
    const { lines, tasks } = await read({
      ...base,
      "metadata/transform/kpi/dup.sql": sql,
      "metadata/transform/kpi/sub/DUP.sql": sql,
      "metadata/transform/kpi/both.sl.yml": "task:\n  table: both\n",
      "metadata/transform/kpi/sub/both.sl.yml": "task:\n  table: both\n",
    });
    expect(lines).toEqual([
      "metadata/transform/kpi/sub/both.sl.yml error[duplicate_task]",
      "metadata/transform/kpi/sub/DUP.sql error[duplicate_task]",
    ]);
    expect(tasks?.map((t) => t[0])).toEqual(["kpi.both", "kpi.dup"]);
  });

  it("a SQL file in a sub-folder named like a description or a `tasks:` entry is ignored", async () => {
    const { lines, tasks } = await read({
      ...base,
      "metadata/transform/kpi/_config.sl.yml": "transform:\n  tasks:\n    - name: listed\n",
      "metadata/transform/kpi/listed.sql": sql,
      "metadata/transform/kpi/sub/listed.sql": "SELECT 1",
      "metadata/transform/kpi/described.sl.yml": "task:\n  table: described\n",
      "metadata/transform/kpi/sub/described.sql": "SELECT 1",
      "metadata/transform/kpi/sub/_config.sl.yml": "not: [read",
    });
    expect(lines).toEqual([]);
    expect(tasks).toEqual([
      ["kpi.described", "metadata/transform/kpi/described.sl.yml", null],
      ["kpi.listed", "metadata/transform/kpi/_config.sl.yml", "metadata/transform/kpi/listed.sql"],
    ]);
  });
});
