import { describe, expect, it } from "vitest";
import { readProject } from "../../src/project/read-project.js";
import { fixture } from "../helpers/fixture.js";

const app = (lines: string[]) => ["version: 1", "application:", ...lines, ""].join("\n");
const env = (pairs: Record<string, string>) =>
  ["version: 1", "env:", ...Object.entries(pairs).map(([k, v]) => `  ${k}: "${v}"`), ""].join("\n");
const lines = (r: Awaited<ReturnType<typeof readProject>>) =>
  r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}[${d.code}]`);

describe("active variables (Starlake's SchemaHandler.loadActiveEnvVars)", () => {
  it("the process environment is a variable source: dag_ref from SL_DAG_REF", async () => {
    const root = fixture({
      "metadata/env.sl.yml": env({ dag_ref: "{{SL_DAG_REF}}" }),
      "metadata/application.sl.yml": app(["  dagRef:", "    load: {{dag_ref}}"]),
    });
    const r = await readProject(root, { env: { SL_DAG_REF: "load_all" } });
    expect(r.diagnostics).toEqual([]);
    expect(r.project?.vars.dag_ref).toBe("load_all");
    expect(r.project?.application.dagRefLoad?.value).toBe("load_all");
  });

  it("precedence: environment < env.sl.yml < env.<SL_ENV>.sl.yml < --var", async () => {
    const root = fixture({
      "metadata/env.sl.yml": env({ a: "global", b: "global", c: "global" }),
      "metadata/env.PROD.sl.yml": env({ b: "prod", c: "prod" }),
    });
    const r = await readProject(root, {
      slEnv: "PROD",
      vars: { c: "cli" },
      env: { a: "os", b: "os", c: "os", d: "os" },
    });
    const v = r.project?.vars ?? {};
    expect([v.a, v.b, v.c, v.d, v.SL_ENV]).toEqual(["global", "prod", "cli", "os", "PROD"]);
  });

  it("SL_ENV comes from --sl-env, else the environment, else env.sl.yml", async () => {
    const files = {
      "metadata/env.sl.yml": env({ SL_ENV: "FROMFILE", x: "global" }),
      "metadata/env.FROMFILE.sl.yml": env({ x: "file" }),
      "metadata/env.OS.sl.yml": env({ x: "os" }),
      "metadata/env.ARG.sl.yml": env({ x: "arg" }),
    };
    const root = fixture(files);
    const x = async (o: Parameters<typeof readProject>[1]) =>
      (await readProject(root, o)).project?.vars.x;
    expect(await x({})).toBe("file");
    expect(await x({ env: { SL_ENV: "OS" } })).toBe("os");
    expect(await x({ slEnv: "ARG", env: { SL_ENV: "OS" } })).toBe("arg");
    expect((await readProject(root, {})).project?.slEnv).toBe("FROMFILE");
  });

  it("env values use the environment and, in env.<SL_ENV>, env.sl.yml and their own file", async () => {
    const root = fixture({
      "metadata/env.sl.yml": env({ base: "{{HOME_DIR}}/data" }),
      "metadata/env.DEV.sl.yml": env({ sub: "{{base}}/dev", leaf: "{{sub}}/x" }),
    });
    const r = await readProject(root, { slEnv: "DEV", env: { HOME_DIR: "/h" } });
    expect(r.project?.vars.sub).toBe("/h/data/dev");
    expect(r.project?.vars.leaf).toBe("/h/data/dev/x");
  });

  it("a key some env.<name>.sl.yml declares is defined (empty) in every environment", async () => {
    const root = fixture({
      "metadata/env.sl.yml": env({ a: "1" }),
      "metadata/env.SNOW.sl.yml": env({ account: "acme" }),
      "metadata/application.sl.yml": app([
        '  connectionRef: "x{{account}}"',
        "  connections:",
        "    x:",
        "      type: jdbc",
      ]),
    });
    const r = await readProject(root, {});
    expect(r.project?.vars.account).toBe("");
    expect(r.diagnostics).toEqual([]);
  });

  it("Starlake's folder variables are defined: SL_DATASETS, SL_INCOMING…", async () => {
    const root = fixture({ "metadata/application.sl.yml": app([]) });
    const r = await readProject(root, { vars: { SL_ROOT: "/srv/p" } });
    expect(r.project?.vars.SL_DATASETS).toBe("/srv/p/datasets");
    expect(r.project?.vars.SL_INCOMING).toBe("incoming");
    expect(r.project?.vars.SL_METADATA).toBe("/srv/p/metadata");
  });
});

describe("files are rendered before they are parsed", () => {
  it("accepts unquoted {{…}} values and renders load and transform descriptions", async () => {
    const root = fixture({
      "metadata/env.sl.yml": env({ connection: "duckdb", dag: "load_all", sched: "0 1 * * *" }),
      "metadata/application.sl.yml": app([
        "  connectionRef: {{connection}}",
        "  connections:",
        "    duckdb:",
        "      type: jdbc",
        "      options:",
        '        url: "jdbc:duckdb:"',
      ]),
      "metadata/load/shop/_config.sl.yml": [
        "load:",
        "  metadata:",
        "    dagRef: {{dag}}",
        "    schedule: {{ sched }}",
        "",
      ].join("\n"),
      "metadata/load/shop/orders.sl.yml": "table:\n  pattern: orders.*\n",
      "metadata/transform/kpi/_config.sl.yml": "transform:\n  default:\n    dagRef: {{dag}}\n",
      "metadata/transform/kpi/top.sl.yml": "task:\n  table: {{ 'Top' | lower }}\n",
      "metadata/transform/kpi/top.sql": "SELECT 1",
    });
    const r = await readProject(root, {});
    expect(r.diagnostics).toEqual([]);
    expect(r.project?.application.engine).toBe("jdbc:duckdb:");
    const orders = r.project?.domains[0]?.tables[0];
    expect([orders?.dagRef?.value, orders?.schedule?.value]).toEqual(["load_all", "0 1 * * *"]);
    expect(r.project?.transforms[0]?.table).toBe("top");
  });

  it("an undefined variable renders empty, with a warning at its file:line:col", async () => {
    const root = fixture({
      "metadata/application.sl.yml": app(["  connections: {}", '  connectionRef: "{{ conn }}"']),
    });
    const r = await readProject(root, {});
    expect(lines(r)).toEqual(["metadata/application.sl.yml:4:19: warning[undefined_variable]"]);
    expect(r.diagnostics[0]?.message).toContain("variable conn is not defined; it renders empty");
  });

  it("an unquoted undefined variable gives one warning, not a follow-on type error", async () => {
    const root = fixture({
      "metadata/application.sl.yml": app([
        "  connectionRef: {{ conn }}",
        "  connections:",
        "    pg:",
        "      options:",
        "        user: {{ PG_USER }}",
      ]),
    });
    const r = await readProject(root, {});
    // The empty connectionRef is then an error, as in `starlake validate`; no type error follows.
    expect(lines(r)).toEqual([
      "metadata/application.sl.yml:3:28: error[empty_connection_ref]",
      "metadata/application.sl.yml:3:18: warning[undefined_variable]",
      "metadata/application.sl.yml:7:15: warning[undefined_variable]",
    ]);
  });

  it("problems after a substitution point at the text as written", async () => {
    const root = fixture({
      "metadata/env.sl.yml": env({ long: "a rather long value for a name" }),
      "metadata/load/shop/orders.sl.yml": [
        "table:",
        "  name: {{ long }}",
        "  metadata:",
        "    freshness:",
        "      error: soon",
        "",
      ].join("\n"),
    });
    const r = await readProject(root, {});
    expect(lines(r)).toContain("metadata/load/shop/orders.sl.yml:5:14: error[invalid_duration]");
  });

  it("a YAML error in a rendered file is located in the source", async () => {
    const root = fixture({
      "metadata/env.sl.yml": env({ v: "value" }),
      "metadata/load/shop/_config.sl.yml": "load:\n  name: {{ v }}\n  bad: [unclosed\n",
    });
    const r = await readProject(root, {});
    expect(lines(r)[0]).toMatch(
      /^metadata\/load\/shop\/_config\.sl\.yml:[34]:\d+: error\[invalid_yaml\]$/,
    );
  });

  it("a template tag we do not render is one error at its place, without YAML follow-ons", async () => {
    const root = fixture({
      "metadata/load/shop/_config.sl.yml": "load:\n  name: shop\n  {% macro x() %}\n  bad: [\n",
    });
    const r = await readProject(root, {});
    expect(lines(r)).toEqual(["metadata/load/shop/_config.sl.yml:3:3: error[invalid_template]"]);
  });

  it("if, for and set blocks render before the YAML is read", async () => {
    const root = fixture({
      "metadata/env.sl.yml": env({ full: "true" }),
      "metadata/load/shop/_config.sl.yml":
        "load:\n{% if full %}  name: shop_full\n{% else %}  name: shop\n{% endif %}",
      "metadata/load/shop/orders.sl.yml":
        "table:\n  attributes:\n{%- for c in ['id', 'amount'] %}\n    - name: {{ c }}\n{%- endfor %}\n",
    });
    const r = await readProject(root, {});
    expect(lines(r)).toEqual([]);
    expect(r.project?.domains.map((d) => [d.name, d.tables.map((t) => t.name)])).toEqual([
      ["shop_full", ["orders"]],
    ]);
  });

  it("env files are parsed as written, as Starlake does: an unquoted {{…}} is a map there", async () => {
    const root = fixture({ "metadata/env.sl.yml": "env:\n  a: {{b}}\n" });
    const r = await readProject(root, {});
    expect(lines(r)).toEqual(["metadata/env.sl.yml:2:6: error[invalid_value]"]);
  });
});
