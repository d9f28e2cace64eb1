import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cronTicks } from "../../src/pipeline/cron-ticks.js";
import { pythonEnv } from "../helpers/python-env.js";
import { mulberry32, pick } from "../helpers/seeded-random.js";

/**
 * The engine's ticks (cron-ticks.ts) against the real schedulers, around the clock changes of
 * 2024: where Airflow 3.3 (CronTriggerTimetable) and Dagster 1.13 (its schedules' cron iterator)
 * fire the same ticks, the engine fires those too (docs/dates.md, "A clock that goes back").
 * Seeded: SLO_SEED replays a draw; the seed is in every failure message.
 */
const SEED = Number(process.env.SLO_SEED ?? 1903);
const COUNT = 60;
/** A zone and a day of 2024 on which its clock changes (and Kolkata, which never changes). */
const CHANGES: ReadonlyArray<readonly [string, string]> = [
  ["America/New_York", "2024-03-10"],
  ["America/New_York", "2024-11-03"],
  ["Europe/Paris", "2024-03-31"],
  ["Europe/Paris", "2024-10-27"],
  ["Australia/Sydney", "2024-04-07"],
  ["Australia/Sydney", "2024-10-06"],
  ["Australia/Lord_Howe", "2024-04-07"], // a half-hour change
  ["America/Santiago", "2024-04-06"], // a change at midnight
  ["Asia/Kolkata", "2024-06-01"],
];
const MINUTES = ["0", "15", "30", "*/20"];
const HOURS = ["*", "0", "1", "2", "3", "23", "1-3", "*/2", "1,2", "0-23", "*/1"];

interface Case {
  readonly cron: string;
  readonly timezone: string;
  readonly start: string;
  readonly end: string;
}

const rng = mulberry32(SEED);
const cases: Case[] = Array.from({ length: COUNT }, () => {
  const [timezone, day] = pick(rng, CHANGES);
  const noon = Date.parse(`${day}T12:00:00Z`);
  const iso = (t: number) => new Date(t).toISOString().replace(/\.000Z$/, "Z");
  return {
    cron: `${pick(rng, MINUTES)} ${pick(rng, HOURS)} * * *`,
    timezone,
    start: iso(noon - 36 * 3_600_000),
    end: iso(noon + 36 * 3_600_000),
  };
});

const work = mkdtempSync(join(tmpdir(), "slo-scheduler-ticks-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Each case's ticks as the named scheduler fires them, from a real install of it. */
function schedulerTicks(runner: "airflow" | "dagster"): string[][] {
  const plan = join(work, "plan.json");
  writeFileSync(plan, JSON.stringify(cases));
  const out = execFileSync(
    join(pythonEnv(runner), "bin/python"),
    [resolve("tests/integration/schedulers/scheduler_ticks.py"), runner, plan],
    {
      encoding: "utf8",
      env: { ...process.env, AIRFLOW_HOME: join(work, "airflow-home") },
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 300_000,
    },
  );
  return JSON.parse(out) as string[][];
}

const engineTicks = (c: Case) =>
  cronTicks(c.cron, c.timezone)
    .nextRuns(1000, new Date(Date.parse(c.start) - 1))
    .filter((t) => t.getTime() < Date.parse(c.end))
    .map((t) => t.toISOString().replace(/\.000Z$/, "Z"));

describe("the engine ticks as Airflow and Dagster do (docs/dates.md)", () => {
  it(`where the two schedulers agree, the engine agrees (seed ${SEED}, ${COUNT} cases)`, () => {
    const airflow = schedulerTicks("airflow");
    const dagster = schedulerTicks("dagster");
    let agreeing = 0;
    cases.forEach((c, n) => {
      const a = airflow[n] ?? [];
      if (JSON.stringify(a) !== JSON.stringify(dagster[n])) return;
      agreeing++;
      expect(
        engineTicks(c),
        `seed ${SEED}, case ${n}: ${c.cron} in ${c.timezone} from ${c.start}`,
      ).toEqual(a);
    });
    // most draws are cases both schedulers fire alike: the comparison above is not vacuous
    expect(agreeing, `seed ${SEED}`).toBeGreaterThan(COUNT / 2);
  }, 600_000);
});
