import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { baseProject, fixture } from "../helpers/fixture.js";

/** Each bad input: exit 2, the error lines name file:line:col, and no stack trace. */
/**
 * `option`: a problem of a dag config's options, which Starlake's validate does not read: plain
 * `slo validate` says it as a warning (exit 0), `--strict` and every other verb refuse it.
 */
async function expectBad(
  files: Record<string, string>,
  pattern: RegExp,
  kind: "model" | "option" = "model",
): Promise<string> {
  const root = fixture(files);
  if (kind === "option") {
    const lenient = await runCli(["validate", root]);
    expect(lenient.code).toBe(0);
    // the same line, as a warning that says who refuses it
    const warning = new RegExp(
      pattern.source.replace("error\\[", "warning\\[").replace(/\$$/, " \\(slo generate"),
      pattern.flags,
    );
    expect(lenient.stderr).toMatch(warning);
    expect(lenient.stdout).toMatch(/its dag config options stop slo generate and slo run/);
    const json = JSON.parse((await runCli(["validate", root, "--json"])).stdout);
    expect({ ok: json.ok, runnable: json.runnable }).toEqual({ ok: true, runnable: false });
  }
  const r = await runCli(["validate", root, ...(kind === "option" ? ["--strict"] : [])]);
  expect(r.code).toBe(2);
  const errors = r.stderr.split("\n").filter((l) => l.includes("error["));
  expect(errors.length).toBeGreaterThanOrEqual(1);
  expect(errors.join("\n")).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  const plan = await runCli(["plan", root]);
  expect(plan.code).toBe(2);
  expect(plan.stdout).toBe("");
  for (const target of ["airflow", "dagster"]) {
    const out = join(root, `out-${target}`);
    const generate = await runCli(["generate", root, "--orchestrator", target, "--out", out]);
    expect(generate.code, target).toBe(2);
    expect(generate.stderr, target).toMatch(pattern);
    expect(existsSync(out), `${target} wrote nothing`).toBe(false);
  }
  return errors.join("\n");
}

describe("bad input", () => {
  it("a valid project passes", async () => {
    const r = await runCli(["validate", fixture(baseProject())]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^ok: 3 pipeline\(s\), 0 warning\(s\)/);
    expect(r.code).toBe(0);
  });

  it("malformed YAML", async () => {
    const files = baseProject({
      "metadata/load/shop/orders.sl.yml":
        "version: 1\ntable:\n  name: orders\n  metadata: {schedule: [daily\n",
    });
    await expectBad(
      files,
      /^metadata\/load\/shop\/orders\.sl\.yml:\d+:\d+: error\[invalid_yaml\]: invalid YAML/m,
    );
  });

  it("a wrong type in a table file", async () => {
    const files = baseProject({
      "metadata/load/shop/orders.sl.yml":
        "version: 1\ntable:\n  name: orders\n  metadata:\n    schedule: [daily]\n",
    });
    await expectBad(
      files,
      /^metadata\/load\/shop\/orders\.sl\.yml:5:15: error\[invalid_value\]: table\.metadata\.schedule: expected a string, found a list$/m,
    );
  });

  it("an unknown dagRef, with a suggestion", async () => {
    const files = baseProject({
      "metadata/load/shop/orders.sl.yml":
        "version: 1\ntable:\n  name: orders\n  metadata:\n    dagRef: load_al\n",
    });
    await expectBad(
      files,
      /^metadata\/load\/shop\/orders\.sl\.yml:5:13: error\[unknown_dag_ref\]: table shop\.orders: dagRef "load_al" names no file metadata\/dags\/load_al\.sl\.yml; did you mean load_all\?$/m,
    );
  });

  it("an invalid cron", async () => {
    const files = baseProject({
      "metadata/load/shop/_config.sl.yml":
        'version: 1\nload:\n  metadata:\n    schedule: "0 25 * * *"\n',
    });
    await expectBad(
      files,
      /^metadata\/load\/shop\/_config\.sl\.yml:4:15: error\[invalid_cron\]: invalid cron "0 25 \* \* \*": Invalid value for hour: 25$/m,
    );
  });

  it("an unknown schedule preset", async () => {
    const files = baseProject({
      "metadata/load/shop/_config.sl.yml": "version: 1\nload:\n  metadata:\n    schedule: daly\n",
    });
    await expectBad(
      files,
      /_config\.sl\.yml:4:15: error\[unknown_schedule\]: unknown schedule "daly"; expected one of the presets daily or a five-field cron/,
    );
  });

  it("an unknown pre-load strategy", async () => {
    const files = baseProject();
    files["metadata/dags/load_all.sl.yml"] = (
      files["metadata/dags/load_all.sl.yml"] as string
    ).replace("pre_load_strategy: imported", "pre_load_strategy: sometimes");
    await expectBad(
      files,
      /^metadata\/dags\/load_all\.sl\.yml:7:24: error\[invalid_option\]: option pre_load_strategy: invalid value "sometimes"; expected one of none, imported, pending, ack$/m,
      "option",
    );
  });

  it("a dataset_triggering_strategy expression naming a dataset the pipeline does not read", async () => {
    const files = baseProject();
    files["metadata/dags/transform_each.sl.yml"] +=
      '  options:\n    dataset_triggering_strategy: "shop.orders & (shop.customer | shop.customers)"\n';
    await expectBad(
      files,
      /^metadata\/dags\/transform_each\.sl\.yml:6:34: error\[unknown_trigger_dataset\]: option dataset_triggering_strategy: "shop.customer" at character 16 is not an upstream dataset of pipeline t_kpi_revenue; expected one of shop.customers, shop.orders$/m,
      "option",
    );
  });

  it("a non-integer retries option", async () => {
    const files = baseProject();
    files["metadata/dags/load_all.sl.yml"] += '    retries: "two"\n';
    await expectBad(
      files,
      /load_all\.sl\.yml:8:14: error\[invalid_option\]: option retries: invalid value "two"; expected a non-negative integer/,
      "option",
    );
  });

  it("an unknown time zone", async () => {
    const files = baseProject();
    files["metadata/dags/load_all.sl.yml"] += "    timezone: Europe/Atlantis\n";
    await expectBad(
      files,
      /load_all\.sl\.yml:8:15: error\[invalid_option\]: option timezone: invalid value "Europe\/Atlantis"; expected an IANA time zone/,
      "option",
    );
  });

  it("a cycle between transforms", async () => {
    const files = baseProject({
      "metadata/transform/kpi/revenue.sql": "SELECT * FROM kpi.top JOIN shop.orders ON true\n",
    });
    await expectBad(
      files,
      /^metadata\/transform\/kpi\/top\.sql:1:31: error\[transform_cycle\]: transforms read each other in a cycle: kpi\.revenue -> kpi\.top -> kpi\.revenue$/m,
    );
  });

  it("an ambiguous reference between two domains", async () => {
    const files = baseProject({
      "metadata/load/crm/customers.sl.yml": "version: 1\ntable:\n  name: customers\n",
      "metadata/transform/kpi/revenue.sql": "SELECT *\nFROM   customers\n",
    });
    await expectBad(
      files,
      /^metadata\/transform\/kpi\/revenue\.sql:2:8: error\[ambiguous_reference\]: transform kpi\.revenue: customers could be table crm\.customers and table shop\.customers; qualify it with its domain$/m,
    );
  });

  it("a duplicate task id (names that sanitise alike)", async () => {
    const files = baseProject({
      "metadata/load/shop/ordersS.sl.yml": "version: 1\ntable:\n  name: ordersS\n",
      "metadata/load/shop/orders$.sl.yml": "version: 1\ntable:\n  name: orders$\n",
    });
    await expectBad(
      files,
      /^metadata\/dags\/load_all\.sl\.yml:4:13: error\[duplicate_task_id\]: pipeline load_shop: duplicate task or group id load_shop_ordersS$/m,
    );
  });

  it("two dag configs writing the same file", async () => {
    const files = baseProject({
      "metadata/dags/other.sl.yml":
        'version: 1\ndag:\n  template: "load/airflow__scheduled_table__shell.py.j2"\n  filename: "load_shop.py"\n',
      "metadata/load/shop/customers.sl.yml":
        "version: 1\ntable:\n  name: customers\n  metadata:\n    dagRef: other\n",
    });
    await expectBad(
      files,
      /error\[filename_collision\]: dag configs (load_all and other|other and load_all) both write load_shop\.py/,
    );
  });

  it("a folder that is not a Starlake project", async () => {
    const root = fixture({ "README.md": "hello" });
    const r = await runCli(["validate", root]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `error[not_a_project]: ${root}: not a Starlake project (the folder has no metadata/ folder)`,
    );
    const missing = await runCli(["plan", `${root}/nope`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });

  it("a malformed --var and an unknown flag", async () => {
    const root = fixture(baseProject());
    expect((await runCli(["plan", root, "--var", "novalue"])).stderr.trim()).toBe(
      'error[bad_input]: --var "novalue": expected KEY=VALUE',
    );
    expect((await runCli(["plan", root, "--frobnicate"])).code).toBe(2);
  });

  it("a key Starlake rejects is an error; an unknown SQL reference warns, errors with --strict", async () => {
    const typo = fixture(
      baseProject({
        "metadata/load/shop/orders.sl.yml":
          "version: 1\ntable:\n  name: orders\n  metadata:\n    schedul: daily\n",
      }),
    );
    const bad = await runCli(["validate", typo]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /orders\.sl\.yml:5:5: error\[unknown_key\]: unknown key table\.metadata\.schedul \(did you mean schedule\?\): Starlake 1\.5\.16 rejects this file/,
    );
    const files = baseProject({
      "metadata/transform/kpi/top.sql": "SELECT * FROM kpi.revenue JOIN shop.ordrs ON true\n",
    });
    const root = fixture(files);
    const r = await runCli(["validate", root]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /top\.sql:1:32: warning\[unknown_reference\]: transform kpi\.top reads shop\.ordrs/,
    );
    expect((await runCli(["validate", root, "--strict"])).code).toBe(2);
  });
});
