import { describe, expect, it } from "vitest";
import { planProject } from "../../src/compile/plan-project.js";
import { runCli } from "../helpers/cli.js";
import { baseProject, fixture } from "../helpers/fixture.js";

/** Values that used to validate and then break an orchestrator (issue 16): located errors now. */
async function plan(files: Record<string, string>, vars: Record<string, string> = {}) {
  return planProject(fixture(files), { vars: { SL_ROOT: "/srv/p", ...vars }, env: {} });
}
const errors = (r: {
  diagnostics: readonly { severity: string; file?: string; message: string }[];
}) => r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.file}: ${d.message}`);

const loadDag = (options: string) =>
  [
    "version: 1",
    "dag:",
    '  template: "load/airflow__scheduled_table__shell.py.j2"',
    '  filename: "load_{{domain}}.py"',
    "  options:",
    options,
    "",
  ].join("\n");

describe("hostile values at compile", () => {
  it("the injection of issue 16: slo validate exits 2 on a sl_env_var key that is not a variable name", async () => {
    const root = fixture(
      baseProject({
        "metadata/dags/load_all.sl.yml": loadDag(
          [
            '    sl_env_var: \'{"SL_ROOT": "/srv/p", "a$(touch /tmp/x)b": "v"}\'',
            "    pre_load_strategy: imported",
            '    pre_load_sensor: "true"',
          ].join("\n"),
        ),
      }),
    );
    const r = await runCli(["validate", root]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      'metadata/dags/load_all.sl.yml:6:17: error[unsafe_option]: option sl_env_var: key "a$(touch /tmp/x)b" is not an environment variable name; expected letters, digits and _, not starting with a digit',
    ]);
  });

  it("substitutes a variable holding quotes and backslashes into sl_env_var's strings, not its JSON text", async () => {
    const r = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": loadDag(
          '    sl_env_var: \'{"SL_ROOT": "/srv/p", "SL_NOTE": "{{note}}", "{{key}}": "x"}\'',
        ),
      }),
      { note: 'say "hi" \\ there', key: "SL_KEY" },
    );
    expect(errors(r)).toEqual([]);
    const load = r.pipelines.find((p) => p.id === "load_shop");
    expect(load?.environment.env).toEqual({
      SL_ROOT: "/srv/p",
      SL_NOTE: 'say "hi" \\ there',
      SL_KEY: "x",
    });
  });

  it("refuses names Starlake's lists would split, NUL anywhere, and names too long for ids", async () => {
    const r = await plan(
      baseProject({
        "metadata/load/shop/orders.sl.yml": 'version: 1\ntable:\n  name: "ord,ers"\n',
        "metadata/load/shop/customers.sl.yml": `version: 1\ntable:\n  name: "${"c".repeat(101)}"\n`,
        "metadata/transform/kpi/top.sl.yml": 'version: 1\ntask:\n  domain: "k\\0pi"\n',
      }),
    );
    expect(errors(r)).toEqual([
      `metadata/load/shop/customers.sl.yml: table name "cccccccccccccccccccc…" is 101 characters long; expected at most 100 (ids made from it must fit Airflow's 250)`,
      'metadata/load/shop/orders.sl.yml: table name "ord,ers" contains a comma, which Starlake\'s comma-separated list arguments split on (they have no quoting)',
      'metadata/transform/kpi/top.sl.yml: transform domain name "k\\u0000pi" contains a NUL byte, which no command line can carry',
    ]);
  });

  it("refuses a NUL in a dag config's comment or in an option, with the place", async () => {
    const r = await plan(
      baseProject({
        "metadata/dags/load_all.sl.yml": [
          "version: 1",
          "dag:",
          '  comment: "a\\0b"',
          '  template: "load/airflow__scheduled_table__shell.py.j2"',
          '  filename: "load_{{domain}}.py"',
          "  options:",
          '    sl_env_var: \'{"SL_ROOT": "/srv/p", "SL_X": "a\\u0000"}\'',
          "",
        ].join("\n"),
      }),
    );
    expect(
      r.diagnostics.filter((d) => d.severity === "error").map((d) => [d.file, d.line, d.message]),
    ).toEqual([
      [
        "metadata/dags/load_all.sl.yml",
        undefined,
        "dag config load_all: the comment contains a NUL byte, which no command line can carry",
      ],
      [
        "metadata/dags/load_all.sl.yml",
        7,
        `option sl_env_var: invalid value ${JSON.stringify('{"SL_ROOT": "/srv/p", "SL_X": "a\\u0000"}')}; expected a JSON object whose strings have no NUL byte or lone surrogate`,
      ],
    ]);
  });
});
