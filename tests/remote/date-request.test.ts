import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { type FakeOrchestrator, fakeAirflow, fakeDagster } from "../helpers/fake-orchestrator.js";
import { RecordingServer } from "../helpers/recording-server.js";

/**
 * How `slo trigger --date` and `slo backfill` give a date to a remote run (docs/dates.md): a day
 * travels as a day (Airflow conf / Dagster tag `sl_date`) for the generated file to resolve; an
 * instant as Airflow's logical date or Dagster's `sl_scheduled_date` tag.
 */
const server = new RecordingServer();
const work = mkdtempSync(join(tmpdir(), "slo-date-request-"));
const profiles = join(work, "profiles.yml");

beforeAll(async () => {
  await server.start();
  writeFileSync(
    profiles,
    `profiles:\n  af:\n    kind: airflow\n    url: ${server.url}\n  dg:\n    kind: dagster\n    url: ${server.url}\n`,
  );
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

function serve(fake: FakeOrchestrator): void {
  server.seen.length = 0;
  server.handler = (req, body, res) => {
    const r = fake.reply(req, body);
    res.writeHead(r.status, { "content-type": "application/json" }).end(JSON.stringify(r.body));
  };
}

/** The bodies of the requests that started runs. */
const airflowRuns = () =>
  server.seen
    .filter((s) => s.method === "POST" && /\/dagRuns$/.test(s.url))
    .map(
      (s) => JSON.parse(s.body) as { logical_date: string | null; conf: Record<string, unknown> },
    );
const dagsterTags = () =>
  server.seen
    .filter((s) => s.body.includes("launch"))
    .flatMap(
      (s) =>
        JSON.stringify(JSON.parse(s.body).variables).match(/"key":"sl_[a-z_]+","value":"[^"]*"/g) ??
        [],
    );

describe("dates sent to remote runs", () => {
  it("Airflow: a day is conf sl_date with the day's noon UTC; an instant the logical date", async () => {
    serve(fakeAirflow("d"));
    const day = await runCli([
      "trigger",
      "d",
      "--date",
      "2024-01-01",
      "--profiles",
      profiles,
      "--profile",
      "af",
    ]);
    expect(day.code, day.stderr).toBe(0);
    expect(airflowRuns()).toEqual([
      { logical_date: "2024-01-01T12:00:00Z", conf: { sl_date: "2024-01-01" } },
    ]);
    serve(fakeAirflow("d"));
    const at = await runCli([
      "trigger",
      "d",
      "--date",
      "2024-01-01T02:00:00+01:00",
      "--profiles",
      profiles,
      "--profile",
      "af",
    ]);
    expect(at.code, at.stderr).toBe(0);
    expect(airflowRuns()[0]?.logical_date).toBe("2024-01-01T01:00:00Z");
    expect(airflowRuns()[0]?.conf ?? {}).not.toHaveProperty("sl_date");
  });

  it("Dagster: a day is the tag sl_date; an instant the tag sl_scheduled_date", async () => {
    serve(fakeDagster("job1"));
    const day = await runCli([
      "trigger",
      "job1",
      "--date",
      "2024-01-01",
      "--profiles",
      profiles,
      "--profile",
      "dg",
    ]);
    expect(day.code, day.stderr).toBe(0);
    expect(dagsterTags()).toEqual(['"key":"sl_date","value":"2024-01-01"']);
    serve(fakeDagster("job1"));
    const at = await runCli([
      "trigger",
      "job1",
      "--date",
      "2024-01-01T05:00:00Z",
      "--profiles",
      profiles,
      "--profile",
      "dg",
    ]);
    expect(at.code, at.stderr).toBe(0);
    expect(dagsterTags()).toEqual(['"key":"sl_scheduled_date","value":"2024-01-01T05:00:00+0000"']);
  });

  it("a backfill's daily range sends days to Airflow", async () => {
    serve(fakeAirflow("d"));
    const file = join(work, "days.yaml");
    writeFileSync(
      file,
      "dag_id: d\ntags:\n  name: n\n  partitions:\n  - {name: day, start_date: '2024-01-01', end_date: '2024-01-02'}\n",
    );
    const r = await runCli([
      "backfill",
      file,
      "--profiles",
      profiles,
      "--profile",
      "af",
      "--poll",
      "0.05",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(
      airflowRuns()
        .map((b) => [b.logical_date, b.conf.sl_date])
        .sort(),
    ).toEqual([
      ["2024-01-01T12:00:00Z", "2024-01-01"],
      ["2024-01-02T12:00:00Z", "2024-01-02"],
    ]);
  });

  it("a bad --date is one line and exit 2, before any request", async () => {
    serve(fakeAirflow("d"));
    const r = await runCli([
      "trigger",
      "d",
      "--date",
      "2024-02-30",
      "--profiles",
      profiles,
      "--profile",
      "af",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "error[bad_input]: --date 2024-02-30: expected a day (2024-01-31) or an ISO date-time (2024-01-31T02:00:00Z)",
    );
    expect(server.seen).toEqual([]);
  });
});
