import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Writes a project from `{ relative path: content }` into a fresh temporary folder. */
export function fixture(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), "slo-test-"));
  made.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return root;
}

/** A small valid project; tests override or add files to break it in one place. */
export function baseProject(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    "metadata/application.sl.yml": [
      "version: 1",
      "application:",
      "  dagRef:",
      "    load: load_all",
      "    transform: transform_each",
      "  schedulePresets:",
      '    daily: "0 2 * * *"',
      "",
    ].join("\n"),
    "metadata/dags/load_all.sl.yml": [
      "version: 1",
      "dag:",
      '  template: "load/airflow__scheduled_table__shell.py.j2"',
      '  filename: "load_{{domain}}.py"',
      "  options:",
      '    sl_env_var: \'{"SL_ROOT": "/srv/p"}\'',
      "    pre_load_strategy: imported",
      "",
    ].join("\n"),
    "metadata/dags/transform_each.sl.yml": [
      "version: 1",
      "dag:",
      '  template: "transform/airflow__scheduled_task__shell.py.j2"',
      '  filename: "t_{{domain}}_{{table}}.py"',
      "",
    ].join("\n"),
    "metadata/load/shop/_config.sl.yml": "version: 1\nload:\n  metadata:\n    schedule: daily\n",
    "metadata/load/shop/orders.sl.yml":
      "version: 1\ntable:\n  name: orders\n  pattern: orders.*.csv\n",
    "metadata/load/shop/customers.sl.yml":
      "version: 1\ntable:\n  name: customers\n  pattern: customers.*.csv\n",
    "metadata/transform/kpi/revenue.sql":
      "SELECT c.id, sum(o.amount) AS total\nFROM shop.orders o JOIN shop.customers c ON o.customer = c.id\nGROUP BY c.id\n",
    "metadata/transform/kpi/top.sql":
      "WITH ranked AS (SELECT * FROM kpi.revenue)\nSELECT * FROM ranked ORDER BY total DESC LIMIT 10\n",
    ...extra,
  };
}
