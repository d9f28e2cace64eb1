import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CliWorker, type WorkerAnswer } from "../helpers/cli-worker.js";
import { mutant, random } from "../helpers/mutate-project.js";

// Rerun a failure with SLO_FUZZ_SEED=<seed printed>; SLO_FUZZ_CASES widens the search.
const SEED = Number(process.env.SLO_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env.SLO_FUZZ_CASES ?? 80);
/** Bounds the whole property, whatever the machine: fewer cases on a slow one, never a hang. */
const BUDGET_MS = 35_000;
const PER_COMMAND_MS = 20_000;

const examples = readdirSync("examples", { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => join("examples", e.name))
  .sort();

/** Why an answer breaks the rule (exit 0, or 2 with located messages), or undefined. */
function judge(a: WorkerAnswer, verb: string): string | undefined {
  if (a.timedOut) return `no answer within ${PER_COMMAND_MS / 1000} s (a hang)`;
  if (/internal error|\n\s+at \S+ \(/.test(a.stderr))
    return `a stack trace or internal error: ${a.stderr.slice(0, 400)}`;
  if (a.code === 0) {
    if (verb !== "plan") return undefined;
    try {
      JSON.parse(a.stdout);
      return undefined;
    } catch {
      return "exit 0 but plan --json printed no JSON";
    }
  }
  if (a.code !== 2) return `exit ${a.code}: ${a.stderr.slice(0, 400)}`;
  const errors = a.stderr.split("\n").filter((l) => l.includes("error["));
  if (errors.length === 0) return `exit 2 without an error line: ${a.stderr.slice(0, 400)}`;
  const unlocated = errors.filter((l) => !/^metadata\/[^:\s]+(:\d+:\d+)?: error\[/.test(l));
  if (unlocated.length > 0)
    return `an error line that names no file: ${unlocated[0]?.slice(0, 300)}`;
  return undefined;
}

describe(`mutated example projects (seed ${SEED})`, () => {
  const worker = new CliWorker();
  afterAll(() => worker.close());

  it("validate and plan --json: exit 0, or 2 with located messages; never 70, never a hang", async () => {
    const r = random(SEED);
    const failures: string[] = [];
    const start = Date.now();
    let cases = 0;
    for (; cases < CASES && Date.now() - start < BUDGET_MS; cases++) {
      const m = mutant(r.pick(examples), r);
      try {
        for (const args of [
          ["validate", m.root],
          ["plan", "--json", m.root],
        ]) {
          const problem = judge(await worker.run(args, PER_COMMAND_MS), args[0] as string);
          if (problem)
            failures.push(`case ${cases} (${m.description}): slo ${args[0]}: ${problem}`);
        }
      } finally {
        rmSync(m.root, { recursive: true, force: true });
      }
    }
    expect(cases).toBeGreaterThan(0);
    expect(failures, `seed ${SEED}: rerun with SLO_FUZZ_SEED=${SEED}`).toEqual([]);
  }, 120_000);

  it("a sample through the built program, each with a timeout", () => {
    const r = random(SEED ^ 0x5eed);
    const failures: string[] = [];
    for (let i = 0; i < 4; i++) {
      const m = mutant(r.pick(examples), r);
      try {
        const p = spawnSync(process.execPath, ["dist/cli/bin.js", "validate", m.root], {
          encoding: "utf8",
          timeout: PER_COMMAND_MS,
        });
        const answer: WorkerAnswer = {
          code: p.status ?? -1,
          stdout: p.stdout,
          stderr: p.stderr,
          ...(p.signal !== null ? { timedOut: true as const } : {}),
        };
        const problem = judge(answer, "validate");
        if (problem) failures.push(`sample ${i} (${m.description}): ${problem}`);
      } finally {
        rmSync(m.root, { recursive: true, force: true });
      }
    }
    expect(failures, `seed ${SEED}: rerun with SLO_FUZZ_SEED=${SEED}`).toEqual([]);
  }, 120_000);
});
