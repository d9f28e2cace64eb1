import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fixture } from "../helpers/fixture.js";

// Two load domains and two transforms, tagged the way Starlake reads tags: a table's own list,
// a task's own list merged with its folder default's (kpi.top has only the default's).
const files = {
  "metadata/application.sl.yml":
    'version: 1\napplication:\n  dagRef:\n    load: load_all\n    transform: transform_each\n  schedulePresets:\n    daily: "0 2 * * *"\n',
  "metadata/dags/load_all.sl.yml":
    'version: 1\ndag:\n  template: "load/airflow__scheduled_table__shell.py.j2"\n  filename: "load_{{domain}}.py"\n  options:\n    pre_load_strategy: imported\n    retries: "0"\n',
  "metadata/dags/transform_each.sl.yml":
    'version: 1\ndag:\n  template: "transform/airflow__scheduled_task__shell.py.j2"\n  filename: "t_{{domain}}_{{table}}.py"\n  options:\n    retries: "0"\n',
  "metadata/load/shop/_config.sl.yml": "version: 1\nload:\n  metadata:\n    schedule: daily\n",
  "metadata/load/shop/orders.sl.yml":
    "version: 1\ntable:\n  name: orders\n  pattern: orders.*.csv\n  tags: [finance, daily]\n",
  "metadata/load/shop/customers.sl.yml":
    "version: 1\ntable:\n  name: customers\n  pattern: customers.*.csv\n  tags: [crm]\n",
  "metadata/load/stock/_config.sl.yml": "version: 1\nload:\n  metadata:\n    schedule: daily\n",
  "metadata/load/stock/items.sl.yml":
    "version: 1\ntable:\n  name: items\n  pattern: items.*.csv\n  tags: [finance]\n",
  "metadata/transform/kpi/_config.sl.yml":
    "version: 1\ntransform:\n  default:\n    tags: [reporting]\n",
  "metadata/transform/kpi/revenue.sl.yml": "version: 1\ntask:\n  tags: [finance]\n",
  "metadata/transform/kpi/revenue.sql":
    "SELECT c.id, sum(o.amount) AS total\nFROM shop.orders o JOIN shop.customers c ON o.customer = c.id\nGROUP BY c.id\n",
  "metadata/transform/kpi/top.sql":
    "WITH ranked AS (SELECT * FROM kpi.revenue)\nSELECT * FROM ranked ORDER BY total DESC LIMIT 10\n",
};

/** Each selector, and the loads and transforms it must keep (the rest must be gone). */
const cases: Array<{ flags: string[]; loads: string[]; transforms: string[] }> = [
  { flags: [], loads: ["customers", "items", "orders"], transforms: ["revenue", "top"] },
  { flags: ["--tags", "finance"], loads: ["items", "orders"], transforms: ["revenue"] },
  { flags: ["--tags", "crm,reporting"], loads: ["customers"], transforms: ["revenue", "top"] },
  { flags: ["--tags", "crm", "--tags", "daily"], loads: ["customers", "orders"], transforms: [] },
  { flags: ["--domains"], loads: ["customers", "items", "orders"], transforms: [] },
  { flags: ["--domains", "stock"], loads: ["items"], transforms: [] },
  { flags: ["--domains", "shop", "--tags", "crm"], loads: ["customers"], transforms: [] },
  { flags: ["--tasks"], loads: [], transforms: ["revenue", "top"] },
  { flags: ["--tasks", "kpi.top"], loads: [], transforms: ["top"] },
  { flags: ["--tasks", "kpi", "--tags", "finance"], loads: [], transforms: ["revenue"] },
  { flags: ["--domains", "--tasks", "--tags", "daily"], loads: ["orders"], transforms: [] },
  {
    flags: ["--domains", "shop", "--tasks", "kpi.top"],
    loads: ["customers", "orders"],
    transforms: ["top"],
  },
];
const all = { loads: ["customers", "items", "orders"], transforms: ["revenue", "top"] };
const project = fixture(files);
const show = (flags: string[]) => (flags.length > 0 ? flags.join(" ") : "(none)");

/** Asserts that `text` names exactly the selected loads and transforms, by `name(table or task)`. */
function expectSelected(text: string, c: (typeof cases)[number], name: (w: string) => RegExp) {
  for (const t of [...all.loads, ...all.transforms]) {
    const kept = c.loads.includes(t) || c.transforms.includes(t);
    if (kept) expect(text, `${show(c.flags)}: ${t}`).toMatch(name(t));
    else expect(text, `${show(c.flags)}: ${t}`).not.toMatch(name(t));
  }
}
const taskId = (t: string) => (all.loads.includes(t) ? `load_\\w+_${t}` : `kpi_${t}`);
const loadArg = (t: string) => new RegExp(`load --domains \\w+ --tables ${t}\\b`);
const transformArg = (t: string) => new RegExp(`transform --name kpi\\.${t}\\b`);
const either = (t: string) => (all.loads.includes(t) ? loadArg(t) : transformArg(t));

describe("--tags, --domains and --tasks, as starlake dag-generate reads them", () => {
  it.each(cases)("plan $flags", async (c) => {
    const r = await runCli(["plan", project, ...c.flags, "--json"]);
    expect(r.stderr, show(c.flags)).toBe("");
    const { pipelines } = JSON.parse(r.stdout) as {
      pipelines: Array<{ id: string; tasks: Array<{ command?: string[] }> }>;
    };
    const commands = pipelines.flatMap((p) => p.tasks.map((t) => (t.command ?? []).join(" ")));
    expectSelected(commands.join("\n"), c, either);
    // a load pipeline keeps only its selected tables, in its pre-load check and stage too
    const shop = pipelines.find((p) => p.id === "load_shop");
    const shopTables = all.loads.filter((t) => t !== "items" && c.loads.includes(t));
    if (shopTables.length === 0) expect(shop).toBeUndefined();
    else
      expect(commands).toContain(
        `stage --domains shop --tables ${shopTables.join(",")} --options SL_RUN_MODE=main,SL_LOG_LEVEL=info`,
      );
  });

  it.each(cases)("graph $flags", async (c) => {
    const r = await runCli(["graph", project, ...c.flags, "--format", "dot"]);
    expect(r.code, r.stderr).toBe(0);
    expectSelected(r.stdout, c, (t) => new RegExp(`"${taskId(t)}"`));
  });

  it.each(cases)("generate $flags", async (c) => {
    const out = join(fixture({}), "dags");
    const r = await runCli([
      "generate",
      project,
      ...c.flags,
      "--orchestrator",
      "airflow",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const written = readdirSync(out).filter((f) => f.endsWith(".py"));
    const text = written.map((f) => readFileSync(join(out, f), "utf8")).join("\n");
    expectSelected(text, c, (t) => new RegExp(`task_id="${taskId(t)}"`));
    expect(written.includes("load_stock.py")).toBe(c.loads.includes("items"));
    expect(written.includes("t_kpi_top.py")).toBe(c.transforms.includes("top"));
  });
});

const RECORDER = resolve("tests/integration/bin/starlake-recorder");
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("slo run with a selection", () => {
  it.each(cases)("run $flags runs only the selected loads and transforms", async (c) => {
    const dir = fixture({});
    process.env.SLO_RECORD = join(dir, "calls.jsonl");
    const r = await runCli([
      "run",
      project,
      ...c.flags,
      "--starlake",
      RECORDER,
      "--state",
      join(dir, "state.db"),
      "--date",
      "2026-03-01T06:00:00Z",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const record = join(dir, "calls.jsonl");
    const argv = existsSync(record)
      ? readFileSync(record, "utf8")
          .trim()
          .split("\n")
          .map((l) =>
            (JSON.parse(l) as { argv: string[] }).argv
              .filter((a) => !a.startsWith("--scheduledDate") && !/^\d{4}-/.test(a))
              .join(" "),
          )
      : [];
    expectSelected(argv.join("\n"), c, either);
  });
});

describe("a selector that matches nothing is bad input", () => {
  const bad: Array<[string[], string]> = [
    [
      ["--tags", "financ"],
      "--tags financ: no table or transform has this tag; did you mean finance?",
    ],
    [
      ["--tags", "nope"],
      "--tags nope: no table or transform has this tag; expected one of crm, daily, finance, reporting",
    ],
    [
      ["--domains", "shpo"],
      "--domains shpo: no load domain has this name; expected one of shop, stock",
    ],
    [["--domains", "stok"], "--domains stok: no load domain has this name; did you mean stock?"],
    [
      ["--tasks", "kpi.tpo"],
      "--tasks kpi.tpo: no transform (domain.task) or transform domain has this name; did you mean kpi.top?",
    ],
    [
      ["--tags", "crm", "--tasks"],
      "--tags crm --tasks: matches no table or transform of the project",
    ],
    [["--tags", "a,,b"], '--tags "a,,b": expected names separated by commas, found an empty one'],
    [
      ["--pipeline", "t_kpi_top", "--tags", "crm"],
      "--pipeline t_kpi_top: holds nothing that --tags crm selects",
    ],
    [
      ["--pipeline", "t_kpi_tp", "--tasks"],
      "--pipeline t_kpi_tp: no such pipeline; did you mean t_kpi_top?",
    ],
  ];
  for (const verb of ["plan", "graph", "generate", "run"]) {
    it.each(bad)(`${verb} %j`, async (flags, message) => {
      const extra =
        verb === "generate"
          ? ["--orchestrator", "airflow", "--out", join(fixture({}), "o")]
          : verb === "run"
            ? ["--starlake", RECORDER, "--state", join(fixture({}), "s.db")]
            : [];
      const r = await runCli([verb, project, ...flags, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`error[bad_input]: ${message}`);
      expect(r.stdout).toBe("");
    });
  }

  it("names from the project reach the terminal without their control characters", async () => {
    const p = fixture({
      ...files,
      "metadata/load/stock/items.sl.yml":
        'version: 1\ntable:\n  name: items\n  pattern: items.*.csv\n  tags: ["\\e[2Jwiped"]\n',
    });
    const r = await runCli(["plan", p, "--tags", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("\x1b");
    expect(r.stderr).toContain("\\x1b[2Jwiped");
  });

  it("a selection whose tables have no dagRef selects no pipeline", async () => {
    const p = fixture({
      ...files,
      "metadata/application.sl.yml":
        'version: 1\napplication:\n  dagRef:\n    transform: transform_each\n  schedulePresets:\n    daily: "0 2 * * *"\n',
    });
    const r = await runCli(["plan", p, "--domains"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error[bad_input]: --domains: selects no pipeline (the tables and transforms it matches have no dagRef)",
    );
  });
});
