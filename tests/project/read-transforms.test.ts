import { describe, expect, it } from "vitest";
import { readProject } from "../../src/project/read-project.js";
import { fixture } from "../helpers/fixture.js";

const LOAD = "metadata/load/sales/orders.sl.yml";
const read = (files: Record<string, string>, vars: Record<string, string> = {}) =>
  readProject(fixture({ [LOAD]: "table:\n  pattern: x\n", ...files }), { vars });

describe("transform folders (Starlake's SchemaHandler.loadAutoTasksInto)", () => {
  it("`tasks:` of _config.sl.yml are tasks, writing their `table`, with the folder's defaults", async () => {
    const r = await read({
      "metadata/transform/kpi/_config.sl.yml": [
        "transform:",
        "  default:",
        "    dagRef: t_all",
        "    schedule: daily",
        "  tasks:",
        "    - name: by_seller",
        "      table: seller_kpi",
        "    - table: totals",
        "      domain: finance",
        "      dagRef: other",
        "",
      ].join("\n"),
      "metadata/transform/kpi/by_seller.sql": "SELECT * FROM sales.orders",
      "metadata/transform/kpi/file_task.sql": "SELECT * FROM kpi.seller_kpi",
    });
    expect(r.diagnostics).toEqual([]);
    const ts = r.project?.transforms ?? [];
    expect(
      ts.map((t) => [t.fullName, t.table, t.dagRef?.value, t.schedule?.value, t.sqlFile]),
    ).toEqual([
      ["finance.totals", "totals", "other", "daily", undefined],
      ["kpi.by_seller", "seller_kpi", "t_all", "daily", "metadata/transform/kpi/by_seller.sql"],
      ["kpi.file_task", "file_task", "t_all", "daily", "metadata/transform/kpi/file_task.sql"],
    ]);
    // Lineage finds the config task by the table it writes.
    expect(ts.find((t) => t.name === "file_task")?.upstream).toEqual([
      { kind: "transform", name: "kpi.by_seller" },
    ]);
    expect(ts.find((t) => t.name === "by_seller")?.upstream).toEqual([
      { kind: "table", domain: "sales", table: "orders" },
    ]);
  });

  it("a `tasks:` entry with neither name nor table is an error at its place", async () => {
    const r = await read({
      "metadata/transform/kpi/_config.sl.yml": "transform:\n  tasks:\n    - dagRef: x\n",
    });
    expect(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}: ${d.message}`)).toEqual([
      "3:7 invalid_value: transform.tasks.0: expected a name or a table",
    ]);
  });

  it("a task both in `tasks:` and in its own .sl.yml is reported", async () => {
    const r = await read({
      "metadata/transform/kpi/_config.sl.yml": "transform:\n  tasks:\n    - name: top\n",
      "metadata/transform/kpi/top.sl.yml": "task:\n  table: top\n",
    });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["duplicate_task"]);
  });

  it("a Python task is a task; .sql wins over .sql.j2 as in Starlake", async () => {
    const r = await read({
      "metadata/transform/kpi/py_task.py": "print(1)\n",
      "metadata/transform/kpi/both.sql": "SELECT * FROM sales.orders",
      "metadata/transform/kpi/both.sql.j2": "SELECT * FROM nowhere",
    });
    const ts = r.project?.transforms ?? [];
    expect(ts.map((t) => [t.fullName, t.sqlFile])).toEqual([
      ["kpi.both", "metadata/transform/kpi/both.sql"],
      ["kpi.py_task", "metadata/transform/kpi/py_task.py"],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it("SQL is rendered over the active variables before lineage, places kept in the source", async () => {
    const r = await read(
      {
        "metadata/transform/kpi/joined.sql": [
          "SELECT *",
          "FROM {{ src_domain }}.orders o {{CROSS_JOIN_UNNEST}}(o.items) AS i JOIN kpi.nope n ON 1 = 1",
          "JOIN kpi.missing m ON m.id = o.id",
        ].join("\n"),
      },
      { src_domain: "sales", CROSS_JOIN_UNNEST: "CROSS JOIN UNNEST" },
    );
    const t = r.project?.transforms[0];
    expect(t?.upstream).toEqual([{ kind: "table", domain: "sales", table: "orders" }]);
    // Columns after a substitution are those of the text as written.
    const nope =
      "FROM {{ src_domain }}.orders o {{CROSS_JOIN_UNNEST}}(o.items) AS i JOIN ".length + 1;
    expect(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual([
      `2:${nope} unknown_reference`,
      "3:6 unknown_reference",
    ]);
  });

  it("SQL naming a variable defined only at run time is read with the template neutralised", async () => {
    const r = await read({
      "metadata/transform/kpi/daily.sql":
        "SELECT * FROM sales.orders WHERE day = '{{ sl_start_date }}'",
    });
    expect(r.project?.transforms[0]?.upstream).toEqual([
      { kind: "table", domain: "sales", table: "orders" },
    ]);
    expect(r.diagnostics).toEqual([]);
  });
});
