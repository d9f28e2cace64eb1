import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirflowWorkspace, expectedArgv } from "../helpers/airflow.js";

/**
 * Names and values Starlake allows and shells love: quotes, backslashes, newlines, `$(…)`,
 * backticks, `$HOME`, `{{…}}`, non-ASCII. The file must import, and starlake must receive
 * exactly the original strings.
 */
let af: AirflowWorkspace;
beforeAll(async () => {
  af = new AirflowWorkspace();
  await af.setUp("tests/fixtures/hostile");
}, 900_000);
afterAll(() => af.tearDown());

describe("hostile names in real Airflow 3.3", () => {
  it("import with zero errors and pass ruff", () => {
    const view = af.inspect<{
      import_errors: Record<string, string>;
      dags: Record<string, { start_date: string; tasks: Record<string, { pool: string }> }>;
    }>();
    expect(view.import_errors).toEqual({});
    // the extreme years compile accepts, and a pool name with odd characters, load
    const odd = view.dags.odd_transform;
    expect(odd?.start_date).toBe("0002-01-01T00:00:00+00:00");
    expect(Object.values(odd?.tasks ?? {}).map((t) => t.pool)).toContain("p$(id)`x`{{y}}é");
    expect(Object.keys(view.dags).sort()).toEqual(["odd_load", "odd_transform"]);
    af.ruff(["format", "--isolated", "--check"]);
    af.ruff(["check", "--isolated"]);
  });

  it("starlake receives the names and variables exactly, nothing is executed by a shell", () => {
    const load = af.pipeline("odd_load");
    const [check, loadTask] = [
      load.tasks.find((t) => t.kind === "preload"),
      load.tasks.find((t) => t.kind === "load"),
    ];
    const r = af.runDag(load.id, "2024-03-05T02:00:00+00:00");
    expect(r.state).toBe("success");
    expect(r.records.map((x) => x.argv)).toEqual(
      expectedArgv(load, [check?.id ?? "", loadTask?.id ?? ""], {
        scheduledDate: "2024-03-05T02:00:00+0000",
      }),
    );
    expect(r.records[0]?.argv[2]).toBe('dom\'ain "x" $(touch /tmp/slo-pwned) `id` é\nline2');
    expect(r.records[0]?.env.SL_WEIRD).toBe(
      "a'b\"c $(touch /tmp/slo-pwned) `id` {{not_a_var}} café \\ end\n",
    );
    // Jinja would turn CR into LF, Airflow would read a value ending in .sh as a template file
    expect(r.records[0]?.env.SL_CR).toBe("a\rb\r\nc");
    expect(r.records[0]?.env.SL_SCRIPT).toBe("bin/run.sh");
    expect(r.records[0]?.argv).toContain('tab$le "q" \\ back`tick` {x}\rcr\r\nend');
    expect(existsSync("/tmp/slo-pwned")).toBe(false);

    const transform = af.pipeline("odd_transform");
    const t = af.runDag(transform.id, "2024-03-05T02:00:00+00:00");
    expect(t.state).toBe("success");
    expect(t.records[0]?.argv.slice(0, 5)).toEqual([
      "transform",
      "--scheduledDate",
      "2024-03-05T02:00:00+0000",
      "--name",
      "k\"p $(x)\ni.r$HOME'q",
    ]);
  }, 600_000); // two real Airflow runs: slow on a loaded machine
});
