import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readBackfillFile } from "../../src/remote/backfill-file.js";
import { dagsterPartitionKey, planBackfill } from "../../src/remote/backfill-plan.js";
import { connect, loadProfile } from "../../src/remote/profiles.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "slo-backfill-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The RFC's example, as written there. */
const RFC = `# Backfill configuration file backfill.yaml
job_name: ingestion_job # Dagster job name
repository_name: luchtmeetnet_ingestion # Dagster DAG name
tags:
  name: '#issue1234' # Issue number, ticket number etc.
  partitions:
  - name: daily # Should be the same as the partition name
    start_date: '2024-01-01'
    end_date: '2024-02-01'
  - name: stations # Same as partition name
    values:
    - NL01497
    - NL01912
`;

describe("backfill files", () => {
  it("reads the RFC's own format and plans the product of its partitions, first dimension slowest", () => {
    const plan = planBackfill(readBackfillFile(file("rfc.yaml", RFC)));
    expect(plan).toHaveLength(32 * 2); // 1 January to 1 February included, times 2 stations
    expect(plan.slice(0, 3).map((r) => r.key)).toEqual([
      "daily=2024-01-01|stations=NL01497",
      "daily=2024-01-01|stations=NL01912",
      "daily=2024-01-02|stations=NL01497",
    ]);
    expect(plan[0]).toMatchObject({
      values: { daily: "2024-01-01", stations: "NL01497" },
      date: "2024-01-01T00:00:00Z",
    });
    expect(new Set(plan.map((r) => r.key)).size).toBe(plan.length);
  });

  it("hourly ranges use Dagster's hourly keys; multi-partition keys sort dimension names", () => {
    const f = readBackfillFile(
      file(
        "hourly.yaml",
        "dag_id: d\ntags:\n  name: n\n  partitions:\n  - name: hour\n    every: hour\n    start_date: '2024-03-30T22'\n    end_date: '2024-03-31T01'\n",
      ),
    );
    expect(planBackfill(f).map((r) => r.values.hour)).toEqual([
      "2024-03-30-22:00",
      "2024-03-30-23:00",
      "2024-03-31-00:00",
      "2024-03-31-01:00",
    ]);
    expect(dagsterPartitionKey({ stations: "NL1", daily: "2024-01-01" })).toBe("2024-01-01|NL1");
  });

  it.each([
    [
      "typo.yaml",
      RFC.replace("end_date:", "end_dte:"),
      /typo\.yaml:\d+:\d+: error\[invalid_value\]: tags\.partitions\.0/,
    ],
    [
      "date.yaml",
      RFC.replace("'2024-02-01'", "'2024-02-31x'"),
      /tags\.partitions\.0\.end_date: expected a date YYYY-MM-DD, found "2024-02-31x"/,
    ],
    ["order.yaml", RFC.replace("'2024-02-01'", "'2023-12-01'"), /end_date is before start_date/],
    [
      "none.yaml",
      RFC.replace("job_name: ingestion_job", ""),
      /name one target: job_name or assets \(Dagster\), or dag_id \(Airflow\)/,
    ],
    ["two.yaml", `dag_id: d\n${RFC}`, /name one target/],
    ["noname.yaml", RFC.replace("  name: '#issue1234'", ""), /tags\.name/],
    ["twice.yaml", RFC.replace("name: stations", "name: daily"), /the name daily is used twice/],
    ["yaml.yaml", "job_name: [unclosed\n", /yaml\.yaml:\d+:\d+: error/],
  ])("a malformed file (%s) gets exit 2 and a located line", async (name, text, message) => {
    const r = await runCli(["backfill", file(name, text), "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it("an Airflow backfill has at most one date range", async () => {
    const text =
      "dag_id: d\ntags:\n  name: n\n  partitions:\n  - {name: a, start_date: '2024-01-01', end_date: '2024-01-02'}\n  - {name: b, start_date: '2024-01-01', end_date: '2024-01-02'}\n";
    const r = await runCli(["backfill", file("two-dates.yaml", text), "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("an Airflow run has one logical date");
  });

  it("--dry-run prints every run without a server", async () => {
    const r = await runCli([
      "backfill",
      file("dry.yaml", RFC),
      "--dry-run",
      "--max-concurrent",
      "3",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      "backfill #issue1234: 64 runs of Dagster job ingestion_job, at most 3 at once",
    );
    expect(r.stdout).toContain("daily=2024-02-01|stations=NL01912  (day 2024-02-01)");
    expect(r.stdout).toContain("a day runs for that day's tick of the pipeline's cron");
  });

  it("--dry-run --project shows the --scheduledDate and data interval each run passes", async () => {
    const text =
      "job_name: minimal_load\ntags:\n  name: n\n  partitions:\n  - {name: day, start_date: '2024-01-01', end_date: '2024-01-02'}\n  - {name: hour, every: hour, start_date: '2024-01-01T05', end_date: '2024-01-01T06'}\n";
    const r = await runCli([
      "backfill",
      file("project.yaml", text),
      "--dry-run",
      "--project",
      "examples/minimal",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "day=2024-01-01|hour=2024-01-01-06:00  (date 2024-01-01T06:00:00Z): --scheduledDate 2024-01-01T06:00:00+0000",
    );
    expect(r.stdout).toContain(
      'day=2024-01-02|hour=2024-01-01-05:00  (date 2024-01-01T05:00:00Z): --scheduledDate 2023-12-31T06:00:00+0000, data interval 2023-12-30T06:00:00+0000 to 2023-12-31T06:00:00+0000 (2024-01-01T05:00:00Z falls between two ticks of "0 6 * * *": the earlier)',
    );
    const json = await runCli([
      "backfill",
      file("project.yaml", text),
      "--dry-run",
      "--json",
      "--project",
      "examples/minimal",
    ]);
    expect(JSON.parse(json.stdout).runs[0]).toMatchObject({
      key: "day=2024-01-01|hour=2024-01-01-05:00",
      scheduledDate: "2023-12-31T06:00:00+0000",
      interval: { start: "2023-12-30T06:00:00+0000", end: "2023-12-31T06:00:00+0000" },
    });
    const other = await runCli([
      "backfill",
      file("other.yaml", text.replace("minimal_load", "nope")),
      "--dry-run",
      "--project",
      "examples/minimal",
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /other\.yaml: job_name "nope" is not a pipeline of examples\/minimal/,
    );
  });
});

describe("profiles", () => {
  const profiles = (text: string) => file("profiles.yml", text);

  it("takes secrets from the environment and refuses them in the URL", async () => {
    const p = profiles(
      "profiles:\n  af:\n    kind: airflow\n    url: http://127.0.0.1:8080\n    username_env: AF_U\n    password_env: AF_P\n",
    );
    const profile = loadProfile(p, undefined, {});
    expect(() => connect(profile, p, { AF_U: "u" })).toThrow(
      `${p}: profiles.af.password_env: environment variable AF_P is not set`,
    );
    const remote = connect(profile, p, { AF_U: "u", AF_P: "secret" });
    expect(remote.kind).toBe("airflow");
    expect(remote.client.endpoint.secrets).toContain("secret");

    const inUrl = profiles(
      "profiles:\n  a:\n    kind: dagster\n    url: http://me:pw@127.0.0.1:3000\n",
    );
    expect(() => loadProfile(inUrl, undefined, {})).toThrow(/credentials do not belong in the URL/);
  });

  it("names the profiles there are when the one asked for is missing, and locates bad keys", async () => {
    const p = profiles(
      "profiles:\n  a:\n    kind: dagster\n    url: http://127.0.0.1:3000\n  b:\n    kind: dagster\n    url: http://127.0.0.1:3001\n",
    );
    expect(() => loadProfile(p, undefined, {})).toThrow(
      "several profiles (a, b): pass --profile NAME",
    );
    expect(() => loadProfile(p, "c", {})).toThrow("no profile c; the file has a, b");
    const bad = profiles("profiles:\n  a:\n    kind: dagstr\n    url: http://127.0.0.1:3000\n");
    expect(() => loadProfile(bad, undefined, {})).toThrow(
      /profiles\.yml:3:\d+: error\[invalid_value\]: profiles\.a\.kind/,
    );
    const r = await runCli(["status", "x", "--profiles", bad]);
    expect(r.code).toBe(2);
  });
});

describe("published JSON Schemas", () => {
  it("the committed schemas/ files are the CLI's own schemas (run npm run schemas after a change)", async () => {
    const { readFileSync } = await import("node:fs");
    const { publishedSchemas } = await import("../../src/remote/json-schemas.js");
    for (const [path, text] of Object.entries(publishedSchemas()))
      expect(readFileSync(path, "utf8"), path).toBe(text);
    const backfill = JSON.parse(publishedSchemas()["schemas/backfill.schema.json"] ?? "{}");
    expect(Object.keys(backfill.properties)).toEqual(
      expect.arrayContaining(["job_name", "repository_name", "dag_id", "tags", "native"]),
    );
    expect(backfill.additionalProperties).toBe(false);
  });
});
